// Failover: two Mosquitto brokers bridged to each other (B has a bridge to A, `topic # both 2`).
// A client given A as its url and B in `servers` publishes and receives through A; A is killed
// (SIGKILL); the client says so (disconnect, then reconnect once on B), goes on publishing and
// receiving through B, and a subscriber that stays on B sees every message that succeeded.
// Native client and wasm client (over WebSocket; the `servers` are ws:// urls).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../fixtures/broker.mjs';
import { nativeBuild, startNativeClient, loadWasm, waitFor, uniqueId } from './helpers.mjs';

let a;
let b;
let build;
let mqtt;
let watcher; // direct subscriber on B: sees what goes through A (bridged) and through B

before(async () => {
  build = nativeBuild();
  mqtt = await loadWasm();
}, { timeout: 600000 });

// A fresh pair per test: A is killed in each.
async function startPair() {
  a = await startBroker({ extraConfig: 'max_queued_messages 0' });
  const bridgeName = uniqueId('bridge');
  b = await startBroker({
    extraConfig: [
      'max_queued_messages 0',
      `connection ${bridgeName}`,
      `address 127.0.0.1:${a.tcpPort}`,
      'topic # both 2',
      'restart_timeout 1',
      'cleansession true',
      'try_private false',
    ].join('\n'),
  });
  watcher = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${b.tcpPort}`, '--id', uniqueId('w')]);
  await watcher.next('success');
  await watcher.ask('sub fo/# 1', 'suback');
  // The bridge is up when a message published on A reaches the watcher on B.
  const probe = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${a.tcpPort}`, '--id', uniqueId('p')]);
  await probe.next('success');
  let n = 0;
  await waitFor(async () => {
    probe.send(`pub fo/probe 1 p${n++}`);
    return (await watcher.ask('tally fo/probe', 'tally')).received > 0;
  }, 20000, 'the bridge B -> A to carry messages');
  await probe.stop();
}

async function stopPair() {
  await watcher?.stop();
  await a?.stop();
  await b?.stop();
}
after(stopPair);

test('native client: publishes and receives through A, fails over to B when A dies', { timeout: 120000 }, async () => {
  await startPair();
  const topic = `fo/${uniqueId('n')}`;
  const c = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${a.tcpPort}`,
    '--server', `mqtt://127.0.0.1:${b.tcpPort}`, '--id', uniqueId('c'), '--reconnect-min', '100',
    '--reconnect-max', '400', '--keepalive', '5']);
  try {
    await c.next('success');
    assert.equal((await c.ask(`sub ${topic} 1`, 'suback')).ok, true);
    // Phase 1, through A.
    c.send(`flow before ${topic} 1 300 20`);
    await c.next('flow_done', { match: (e) => e.tag === 'before', timeoutMs: 30000 });
    await waitFor(async () => (await watcher.ask(`missing ${topic} before 300`, 'missing')).count === 0, 15000,
      'phase 1 bridged to B');
    await waitFor(async () => (await c.ask(`missing ${topic} before 300`, 'missing')).count === 0, 15000,
      'phase 1 received by the client');
    // A dies; the client keeps publishing (queued while it fails over).
    const from = c.events.length;
    await a.kill9();
    c.send(`flow after ${topic} 1 300 20`);
    const disconnect = await c.next('disconnect', { from, timeoutMs: 15000 });
    await c.next('reconnect', { from, timeoutMs: 30000 });
    await c.next('flow_done', { match: (e) => e.tag === 'after', timeoutMs: 60000 });
    const r = await c.ask('report after', 'report');
    console.log(`native failover: disconnect (${disconnect.code}), reconnect on B; phase 2: ${JSON.stringify(r)}`);
    assert.equal(r.accepted, 300);
    assert.equal(r.double, 0);
    assert.equal(r.success + r.fail, 300, 'every publish completed once');
    assert.equal(r.success, 300, 'nothing failed: queued across the failover');
    await waitFor(async () => (await watcher.ask(`missing ${topic} after 300`, 'missing')).count === 0, 15000,
      'phase 2 received by the subscriber on B');
    await waitFor(async () => (await c.ask(`missing ${topic} after 300`, 'missing')).count === 0, 15000,
      'phase 2 received by the client itself (subscription restored on B)');
    assert.equal(c.count('disconnect'), 1);
    assert.equal(c.count('reconnect'), 1);
  } finally {
    await c.stop();
    await stopPair();
    a = b = watcher = null;
  }
});

test('wasm client over WebSocket: fails over to B when A dies', { timeout: 120000 }, async (t) => {
  if (!mqtt) return t.skip('wasm/dist is not built');
  await startPair();
  const topic = `fo/${uniqueId('w')}`;
  const events = [];
  const received = new Set();
  const client = await new Promise((resolve, reject) => {
    const cl = mqtt.createClient({ url: `ws://127.0.0.1:${a.wsPort}/mqtt`, servers: [`ws://127.0.0.1:${b.wsPort}/mqtt`],
      clientId: uniqueId('wc'), reconnectMinDelay: 100, reconnectMaxDelay: 400, keepalive_interval: 5,
      success: () => resolve(cl), fail: reject });
  });
  try {
    for (const ev of ['disconnect', 'reconnect', 'error']) client.on(ev, (e) => events.push({ ev, code: e?.codeName }));
    client.on('message', (tp, m) => received.add(Buffer.from(m).toString()));
    await new Promise((resolve, reject) => client.subscribe({ topic, qos: 1, success: resolve, fail: reject }));
    const publishAll = (tag, n) => Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
      const rc = client.publish({ topic, qos: 1, message: `${tag}-${i}`, success: () => resolve('ok'), fail: (e) => resolve(e.codeName) });
      if (rc !== 0) resolve(`rc ${rc}`);
    })));
    const before = await publishAll('before', 200);
    assert.deepEqual([...new Set(before)], ['ok']);
    await waitFor(async () => (await watcher.ask(`missing ${topic} before 200`, 'missing')).count === 0, 15000, 'bridged');
    await a.kill9();
    const after = await publishAll('after', 200);
    const outcome = {};
    for (const o of after) outcome[o] = (outcome[o] ?? 0) + 1;
    console.log(`wasm failover: events ${JSON.stringify(events)}; phase 2 outcomes ${JSON.stringify(outcome)}`);
    assert.deepEqual(outcome, { ok: 200 }, 'every publish made while failing over succeeded');
    assert.ok(events.some((e) => e.ev === 'disconnect'), 'disconnect event');
    assert.ok(events.some((e) => e.ev === 'reconnect'), 'reconnect event');
    await waitFor(async () => (await watcher.ask(`missing ${topic} after 200`, 'missing')).count === 0, 15000,
      'phase 2 on the subscriber on B');
    await waitFor(() => Array.from({ length: 200 }, (_, i) => `after-${i}`).every((m) => received.has(m)), 15000,
      'phase 2 received by the wasm client (subscription restored on B)');
  } finally {
    client.close();
    await stopPair();
    a = b = watcher = null;
  }
});

