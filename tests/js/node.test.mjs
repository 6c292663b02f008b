// Runs every scenario (scenarios/index.mjs) in Node, over WebSocket, against a real Mosquitto.
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { scenarios } from './scenarios/index.mjs';
import { brokerView, notBuilt } from './helpers/package.mjs';

describe('mqtt-wasm in Node (WebSocket)', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  let proxy;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    broker = await startBroker();
    proxy = await startFaultProxy({ targetPort: broker.wsPort });
  });
  after(async () => {
    if (proxy) await proxy.close();
    if (broker) await broker.stop();
  });
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, { timeout: 60000 }, () => scenario(mqtt, brokerView(broker, proxy), 'node'));
  }
});
