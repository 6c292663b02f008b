// Node only: the contract's createClient defaults as the broker sees them (its log of each
// CONNECT), credentials, the default port, and listeners that throw.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { canConnect, startBroker } from '../fixtures/broker.mjs';
import { notBuilt } from './helpers/package.mjs';
import { closeClient, connect, next } from './scenarios/util.mjs';

const nodeEntry = new URL('../../wasm/js/node.js', import.meta.url).href;

describe('mqtt-wasm: the createClient contract in Node', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  before(async () => {
    mqtt = (await import(nodeEntry)).default;
    broker = await startBroker({ verbose: true, users: { alice: 'secret' } });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  // Mosquitto logs each CONNECT as "New client connected from A as ID (pV, cC, kK, u'USER')";
  // its log reaches the file when it stops, so every client connects first.
  it('defaults on the wire: keep-alive 60 s, clean session, MQTT 3.1.1, a generated client id', { timeout: 60000 }, async () => {
    const base = { host: broker.host, port: broker.tcpPort, username: 'alice', password: 'secret' };
    const defaults = await connect(mqtt, base);
    const generated = defaults.clientId;
    assert.match(generated, /^[0-9a-zA-Z]{1,23}$/, 'generated: at most 23 characters of [0-9a-zA-Z]');
    const other = await connect(mqtt, base);
    assert.notEqual(other.clientId, generated, 'random');
    const noKeepAlive = await connect(mqtt, { ...base, clientId: 'contract-k0', keepalive_interval: 0 });
    const given = await connect(mqtt, { ...base, clientId: 'contract-k17', keepalive_interval: 17, clean: false });
    for (const c of [defaults, other, noKeepAlive, given]) await closeClient(c);
    await broker.stop();
    const log = broker.log();
    await broker.restart();
    const line = (id) => log.split('\n').find((l) => l.includes(`New client connected`) && l.includes(` as ${id} `));
    assert.match(line(generated) || '', /\(p2, c1, k60, u'alice'\)/, 'defaults: MQTT 3.1.1, clean, 60 s, the user name');
    assert.match(line('contract-k0') || '', /\(p2, c1, k0, u'alice'\)/, 'keepalive_interval 0 turns keep-alive off');
    assert.match(line('contract-k17') || '', /\(p2, c0, k17, u'alice'\)/, 'keepalive_interval and clean as given');
  });

  it('a wrong password: fail once and `error` with NOT_AUTHORIZED; without reconnection `close` follows', { timeout: 30000 }, async () => {
    const failures = [];
    const events = [];
    const client = mqtt.createClient({
      host: broker.host, port: broker.tcpPort, username: 'alice', password: 'wrong', reconnect: false,
      success: () => failures.push('success'),
      fail: (e) => failures.push(e),
    });
    assert.ok(client);
    for (const name of mqtt.events) client.on(name, (e) => events.push(e ? `${name} ${e.codeName}` : name));
    await next(client, 'close');
    assert.equal(failures.length, 1);
    assert.equal(failures[0].code, mqtt.errors.NOT_AUTHORIZED, failures[0].message);
    assert.equal(failures[0].reasonCode, 5, 'the CONNACK return code (3.1.1: not authorized)');
    assert.deepEqual(events, ['error NOT_AUTHORIZED', 'close'], 'no connect; the refusal, then close');
    assert.equal(client.closed, true);
  });
});

describe('mqtt-wasm: a payload no MQTT packet can hold', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  before(async () => {
    mqtt = (await import(nodeEntry)).default;
    broker = await startBroker({ websockets: false });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  // 256 MiB: over the 268,435,455 bytes of an MQTT packet's remaining length. The wasm heap
  // never shrinks, so a refused request must not have grown it (it grew to 512 MiB).
  it('is refused with PAYLOAD_TOO_LARGE before it is copied into the wasm heap', { timeout: 30000 }, async () => {
    const client = await connect(mqtt, { host: broker.host, port: broker.tcpPort });
    const heapBefore = mqtt.memory().heapSize;
    const failures = [];
    const rc = client.publish({ topic: 'big', message: new Uint8Array(256 * 1024 * 1024), qos: 1, fail: (e) => failures.push(e) });
    assert.equal(rc, mqtt.errors.PAYLOAD_TOO_LARGE);
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /268435455/);
    assert.equal(mqtt.memory().heapSize, heapBefore, 'the wasm heap did not grow');
    await closeClient(client);
  });
});

describe('mqtt-wasm: port defaults to 1883', { skip: notBuilt }, () => {
  let mqtt;
  let broker = null;
  let busy = false;
  before(async () => {
    mqtt = (await import(nodeEntry)).default;
    busy = await canConnect(1883);
    if (!busy) broker = await startBroker({ tcpPort: 1883, websockets: false });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('createClient({host}) connects to port 1883 over TCP', { timeout: 30000 }, async (t) => {
    if (busy) return t.skip('something else listens on 127.0.0.1:1883');
    const client = await connect(mqtt, { host: '127.0.0.1' });
    assert.equal(client.connected, true);
    await closeClient(client);
  });
});

describe('mqtt-wasm: a listener or callback that throws', { skip: notBuilt }, () => {
  let broker;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  // In a child process: there the exceptions are the uncaught errors the README promises.
  it('is reported as an uncaught error; the other listeners and the client carry on', { timeout: 60000 }, () => {
    const source = `
      const { default: mqtt } = await import(${JSON.stringify(nodeEntry)});
      const seen = [];
      process.on('uncaughtException', (e) => seen.push('uncaught ' + e.message));
      const client = await mqtt.connectAsync({ host: '127.0.0.1', port: ${broker.tcpPort} });
      let received;
      const both = new Promise((resolve) => { received = resolve; });
      client.on('message', () => { throw new Error('from a listener'); });
      client.on('message', (t, m) => {
        seen.push('message ' + new TextDecoder().decode(m));
        if (seen.filter((s) => s.startsWith('message')).length === 2) received();
      });
      await client.subscribeAsync({ topic: 'throw/t', qos: 1 });
      const published = new Promise((resolve) => client.publish({ topic: 'throw/t', message: 'one', qos: 1,
        success: () => { resolve(); throw new Error('from success'); } }));
      client.publish({ topic: 'throw/t', message: 'two', qos: 1 });
      await Promise.all([published, both]);
      // The promise forms settle all the same when the callback given to them throws.
      seen.push(await client.publishAsync({ topic: 'throw/other', message: 'x', qos: 1,
        success: () => { throw new Error('from a publishAsync success'); } }).then(() => 'resolved'));
      seen.push(await mqtt.connectAsync({ host: '127.0.0.1', port: 1, reconnect: true,
        fail: () => { throw new Error('from a connectAsync fail'); } }).catch((e) => 'rejected ' + e.codeName));
      await new Promise((resolve) => setTimeout(resolve, 0));  // the errors were rethrown in microtasks
      await client.closeAsync();
      console.log(JSON.stringify(seen));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20000 });
    const seen = JSON.parse(out.trim().split('\n').pop());
    assert.deepEqual(seen.filter((s) => s.startsWith('uncaught')).sort(), ['uncaught from a connectAsync fail',
      'uncaught from a listener', 'uncaught from a listener', 'uncaught from a publishAsync success', 'uncaught from success']);
    assert.deepEqual(seen.filter((s) => s.startsWith('re')), ['resolved', 'rejected CONNECT_FAILED']);
    assert.deepEqual(seen.filter((s) => s.startsWith('message')), ['message one', 'message two']);
  });
});
