// Node only: the packets the engine sends within one tick leave as one WebSocket frame.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt, wasmDir } from './helpers/package.mjs';
import { closeClient, collector, request, uniqueTopic } from './scenarios/util.mjs';

describe('send coalescing', { skip: notBuilt || (typeof globalThis.WebSocket === 'function' && 'Node has a global WebSocket: the ws package is not used') }, () => {
  let mqtt;
  let broker;
  let WS;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    WS = createRequire(`${wasmDir}package.json`)('ws');
    broker = await startBroker();
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('50 publishes in one tick are one frame, and each arrives', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.wsPort, protocol: 'ws' });
    const topic = uniqueTopic('coalesce');
    const got = collector(client);
    await request(client, 'subscribe', { topic, qos: 0 });
    const frames = [];
    const send = WS.prototype.send;
    WS.prototype.send = function counted(data, ...rest) {
      frames.push(data.byteLength);
      return send.call(this, data, ...rest);
    };
    try {
      const written = [];
      for (let i = 0; i < 50; i++) written.push(client.publishAsync({ topic, message: `m${i}`, qos: 0 }));
      await Promise.all(written);
    } finally {
      WS.prototype.send = send;
    }
    assert.equal(frames.length, 1, `frames sent: ${frames}`);
    const messages = await got.waitFor(50);
    assert.deepEqual(messages.map((m) => new TextDecoder().decode(m.payload)), Array.from({ length: 50 }, (_, i) => `m${i}`));
    await closeClient(client);
  });
});
