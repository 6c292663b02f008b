// One fault at a time, through the fault proxy, for the native client: a refused broker, a
// stalled connection (keep-alive must notice), a slow link, a packet cut in the middle in each
// direction. Each time the client reports the fault with the right event and code, comes back,
// and loses nothing it accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../fixtures/broker.mjs';
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { nativeBuild, startNativeClient, waitFor, uniqueId } from './helpers.mjs';

let broker;
let build;

before(async () => {
  build = nativeBuild();
  broker = await startBroker({ extraConfig: 'max_queued_messages 0' });
}, { timeout: 600000 });
after(async () => { await broker?.stop(); });

function client(port, extra = []) {
  return startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${port}`, '--id', uniqueId('f'), '--clean', '0',
    '--reconnect-min', '100', '--reconnect-max', '300', ...extra]);
}

test('refused: the first connection fails with connect_failed, the client retries and connects once the broker is back',
  { timeout: 60000 }, async () => {
    const proxy = await startFaultProxy({ targetPort: broker.tcpPort });
    await proxy.refuse();
    const c = client(proxy.port);
    try {
      const fail = await c.next('fail');
      assert.equal(fail.code, 'connect_failed', fail.message);
      await proxy.accept();
      // fail was the answer to the first attempt; reconnection goes on and ends in connect.
      await c.next('connect', { timeoutMs: 20000 });
    } finally {
      await c.stop();
      await proxy.close();
    }
  });

test('reset on accept: every attempt is reset before CONNACK, the client keeps trying without reporting a connection',
  { timeout: 60000 }, async () => {
    const proxy = await startFaultProxy({ targetPort: broker.tcpPort });
    proxy.resetNew(true);
    const c = client(proxy.port);
    try {
      await proxy.waitFor(() => proxy.stats.refusedWhileReset >= 3, 20000);
      assert.equal(c.count('connect'), 0);
      proxy.resetNew(false);
      await c.next('connect', { timeoutMs: 20000 });
    } finally {
      await c.stop();
      await proxy.close();
    }
  });

test('stalled: nothing moves either way; keep-alive (1 s) ends the connection with ping_timeout, then it recovers',
  { timeout: 60000 }, async () => {
    const proxy = await startFaultProxy({ targetPort: broker.tcpPort });
    const c = client(proxy.port, ['--keepalive', '1', '--connect-timeout', '1000']);
    try {
      await c.next('success');
      proxy.stall();
      const d = await c.next('disconnect', { timeoutMs: 10000 });
      assert.equal(d.code, 'ping_timeout', d.message);
      c.send('pub stall/t 1 during-stall');
      proxy.unstall();
      await c.next('reconnect', { timeoutMs: 20000 });
      await waitFor(async () => (await c.ask('report pub', 'report')).success === 1, 10000, 'the queued publish');
    } finally {
      await c.stop();
      await proxy.close();
    }
  });

test('slow link: 200 ms each way, 200 QoS 2 publishes complete and arrive once', { timeout: 60000 }, async () => {
  const proxy = await startFaultProxy({ targetPort: broker.tcpPort });
  proxy.setDelay(200);
  const topic = `slow/${uniqueId('t')}`;
  const sub = client(broker.tcpPort);
  const c = client(proxy.port, ['--keepalive', '2']);
  try {
    await sub.next('success');
    await sub.ask(`sub ${topic} 2`, 'suback');
    await c.next('success', { timeoutMs: 10000 });
    c.send(`flow s ${topic} 2 200 20`);
    await c.next('flow_done', { timeoutMs: 40000 });
    const r = await c.ask('report s', 'report');
    assert.equal(r.success, 200);
    assert.equal(c.count('disconnect'), 0, 'a slow link is not a dead one');
    await waitFor(async () => (await sub.ask(`missing ${topic} s 200`, 'missing')).count === 0, 10000, 'delivery');
    assert.equal((await sub.ask(`tally ${topic}`, 'tally')).duplicates, 0);
  } finally {
    await c.stop();
    await sub.stop();
    await proxy.close();
  }
});

for (const direction of ['up', 'down']) {
  test(`cut in the middle of a packet (${direction === 'up' ? 'client -> broker' : 'broker -> client'}): ` +
    'reported as connection_lost, nothing lost or doubled', { timeout: 60000 }, async () => {
    const proxy = await startFaultProxy({ targetPort: broker.tcpPort });
    const topic = `cut/${uniqueId('t')}`;
    const sub = client(direction === 'down' ? proxy.port : broker.tcpPort);
    const pub = client(direction === 'up' ? proxy.port : broker.tcpPort);
    try {
      await sub.next('success');
      await sub.ask(`sub ${topic} 2`, 'suback');
      await pub.next('success');
      const victim = direction === 'up' ? pub : sub;
      // A publish of 1,000 bytes: the cut lands 500 bytes into it.
      proxy.cutAfter(500, direction);
      pub.send(`flow c ${topic} 2 20 20 1000`);
      const d = await victim.next('disconnect', { timeoutMs: 10000 });
      assert.equal(d.code, 'connection_lost', d.message);
      await victim.next('reconnect', { timeoutMs: 10000 });
      await pub.next('flow_done', { timeoutMs: 20000 });
      const r = await pub.ask('report c', 'report');
      assert.equal(r.success, 20);
      assert.equal(r.double, 0);
      await waitFor(async () => (await sub.ask(`tally ${topic}`, 'tally')).unique === 20, 10000, 'delivery');
      assert.equal((await sub.ask(`tally ${topic}`, 'tally')).duplicates, 0, 'QoS 2 arrived once');
    } finally {
      await pub.stop();
      await sub.stop();
      await proxy.close();
    }
  });
}
