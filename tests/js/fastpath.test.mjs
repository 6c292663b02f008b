// Node only: the fast paths of the binding keep the API unchanged. Payloads below and above the
// binding's fixed input area (16 KiB, 15 KiB after the topic area) and after the wasm heap grew;
// publishes without callbacks; the `info` argument for listeners that take it (3 parameters, or
// `...args`) and not for those that do not; once-listeners and listeners added or removed while
// a message is being delivered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt } from './helpers/package.mjs';
import { closeClient, request, uniqueTopic } from './scenarios/util.mjs';

const bytesOf = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('binding fast paths', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    broker = await startBroker();
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('payloads of every size arrive intact, also after the heap grew and without callbacks', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.tcpPort, protocol: 'mqtt' });
    const topic = uniqueTopic('fastpath');
    const got = [];
    let wake = () => {};
    client.on('message', (t, payload) => {
      got.push(new Uint8Array(payload));
      wake();
    });
    await request(client, 'subscribe', { topic, qos: 1 });
    // 15 KiB +- 1 sit on both sides of the publish fast path (the payload after the topic area),
    // 16 KiB +- 1 on both sides of the fixed input area; 3 MiB grows the 1 MiB heap, which
    // detaches every earlier view of it.
    const sizes = [0, 1, 64, 15359, 15360, 15361, 16383, 16384, 16385, 3 * 1024 * 1024, 64, 100];
    const sent = sizes.map((n, i) => bytesOf(n, i));
    for (let i = 0; i < sent.length; i++) {
      const rc = i % 2 ? client.publish({ topic, message: sent[i], qos: 1 }) : await client.publishAsync({ topic, message: sent[i], qos: 1 });
      assert.ok(rc === 0 || rc === undefined);
    }
    while (got.length < sent.length) await new Promise((r) => { wake = r; });
    assert.deepEqual(got.map((b) => b.length), sizes);
    for (let i = 0; i < sent.length; i++) assert.deepEqual(got[i], sent[i], `message ${i}`);
    await closeClient(client);
  });

  it('topics beside and beyond the topic area, alternating, and publishes with properties', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.tcpPort, protocol: 'mqtt', protocolVersion: 5 });
    const base = uniqueTopic('fastpath-topic');
    // The topic area takes topics of up to 341 UTF-16 units (3 bytes each at most): 341 and 342
    // ASCII characters sit on both sides of it; 'é' (2 bytes) makes a 700-byte topic.
    const topics = [341, 342, 350].map((n) => `${base}/${'t'.repeat(n - base.length - 1)}`);
    topics.push(`${base}/${'é'.repeat(349)}`);
    const got = [];
    let wake = () => {};
    client.on('message', (t, m, info) => {
      got.push([t, new TextDecoder().decode(m), info.properties && info.properties.contentType]);
      wake();
    });
    await request(client, 'subscribe', { topic: `${base}/#`, qos: 1 });
    const sent = [];
    for (let round = 0; round < 2; round++) {
      for (const [i, topic] of topics.entries()) {
        const properties = i % 2 ? { contentType: `text/${round}` } : undefined;
        await request(client, 'publish', { topic, message: `${round}:${i}`, qos: 1, properties });
        sent.push([topic, `${round}:${i}`, properties && properties.contentType]);
      }
    }
    while (got.length < sent.length) await new Promise((r) => { wake = r; });
    assert.deepEqual(got, sent);
    await closeClient(client);
  });

  it('info reaches listeners that take it; once, on and off while delivering', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.tcpPort, protocol: 'mqtt' });
    const topic = uniqueTopic('fastpath-info');
    const calls = [];
    let wake = () => {};
    const late = () => calls.push('late');
    client.on('message', (t, m, info) => calls.push(['three', t, info.qos, info.retain, info.dup]));
    client.on('message', (...args) => calls.push(['rest', args.length, args[2] && args[2].qos]));
    client.on('message', (t, m) => calls.push(['two', t, m.byteLength]));
    client.once('message', function onceOnly() {
      calls.push(['once', arguments.length, arguments[2] && arguments[2].qos]);
      client.on('message', late);  // added during a delivery: called from the next message on
    });
    client.on('message', () => wake());
    await request(client, 'subscribe', { topic, qos: 1 });
    const waitCalls = async (n) => {
      while (calls.length < n) await new Promise((r) => { wake = r; });
    };
    await request(client, 'publish', { topic, message: 'a', qos: 1 });
    await waitCalls(4);
    assert.deepEqual(calls, [['three', topic, 1, false, false], ['rest', 3, 1], ['two', topic, 1], ['once', 3, 1]]);
    calls.length = 0;
    await request(client, 'publish', { topic, message: 'bc', qos: 0 });
    await waitCalls(4);
    assert.deepEqual(calls, [['three', topic, 0, false, false], ['rest', 3, 0], ['two', topic, 2], 'late']);
    client.off('message', late);
    calls.length = 0;
    await request(client, 'publish', { topic, message: 'd', qos: 0 });
    await waitCalls(3);
    assert.deepEqual(calls, [['three', topic, 0, false, false], ['rest', 3, 0], ['two', topic, 1]]);
    await closeClient(client);
  });
});
