// Node only: the same API over plain TCP (protocol 'mqtt') and over a url.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt } from './helpers/package.mjs';
import { collector, request, uniqueTopic, closeClient } from './scenarios/util.mjs';

describe('mqtt-wasm in Node over TCP', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    broker = await startBroker({ websockets: false });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('round trip with host and port (protocol defaults to mqtt)', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.tcpPort });
    const topic = uniqueTopic('tcp');
    const got = collector(client);
    await request(client, 'subscribe', { topic, qos: 2 });
    await request(client, 'publish', { topic, message: 'over tcp', qos: 2 });
    const [m] = await got.waitFor(1);
    assert.equal(new TextDecoder().decode(m.payload), 'over tcp');
    assert.equal(m.info.qos, 2);
    await closeClient(client);
  });

  it('round trip with a url and MQTT 5', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ url: `mqtt://${broker.host}:${broker.tcpPort}`, protocolVersion: 5 });
    const topic = uniqueTopic('tcp5');
    const got = collector(client);
    await request(client, 'subscribe', { topic, qos: 1 });
    await request(client, 'publish', {
      topic, message: 'v5', qos: 1,
      properties: { contentType: 'text/plain', userProperties: { a: '1', b: ['2', '3'] } },
    });
    const [m] = await got.waitFor(1);
    assert.equal(new TextDecoder().decode(m.payload), 'v5');
    assert.equal(m.info.properties.contentType, 'text/plain');
    assert.deepEqual(m.info.properties.userProperties, { a: '1', b: ['2', '3'] });
    await closeClient(client);
  });

  it('an unreachable broker calls fail once', { timeout: 30000 }, async () => {
    const { freePort } = await import('../fixtures/broker.mjs');
    const port = await freePort();
    const err = await new Promise((resolve) => {
      const client = mqtt.createClient({ host: '127.0.0.1', port, reconnect: false, fail: resolve });
      assert.ok(client);
    });
    assert.ok(err instanceof Error);
    assert.equal(err.code, mqtt.errors.CONNECT_FAILED);
  });
});
