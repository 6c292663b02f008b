// Bounded memory while the broker is gone: the broker is frozen (SIGSTOP) for a while
// (MQTT_OFFLINE_SECONDS, default 20) while the application keeps publishing QoS 1 messages of
// 256 bytes (100 every ~100 ms). The in-flight window and the offline queue must stay within
// their limits, overflow must be refused with queue_full, and memory must stay flat: RSS of the
// native client, wasm heap size and allocator bytes of the wasm client. When the broker comes
// back every accepted publish completes exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../fixtures/broker.mjs';
import { nativeBuild, startNativeClient, loadWasm, waitFor, uniqueId } from './helpers.mjs';

const OFFLINE_S = Number(process.env.MQTT_OFFLINE_SECONDS || 20);
const QUEUE_MAX = 1000;
const INFLIGHT_MAX = 100;
const PER_TICK = 100; // publishes every 100 ms
const SIZE = 256;
let broker;
let build;
let mqtt;

before(async () => {
  build = nativeBuild();
  mqtt = await loadWasm();
  broker = await startBroker();
}, { timeout: 600000 });
after(async () => { await broker?.stop(); });

const mb = (kb) => (kb / 1024).toFixed(1);

test(`native client: ${OFFLINE_S} s without a broker publishing 100 every ~100 ms: limits hold, RSS flat`, { timeout: 180000 }, async () => {
  const c = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${broker.tcpPort}`, '--id', uniqueId('mem'),
    '--keepalive', '1', '--connect-timeout', '1000', '--reconnect-min', '200', '--reconnect-max', '1000',
    '--queue-max', String(QUEUE_MAX), '--max-inflight', String(INFLIGHT_MAX)]);
  try {
    await c.next('success');
    // Warm up while connected: the allocator reaches its working size.
    c.send('flow warm mem/t 1 5000 100 256');
    await c.next('flow_done', { timeoutMs: 30000 });
    const baseline = await c.ask('stats', 'stats');
    await broker.pause();
    const samples = [];
    const started = Date.now();
    while (Date.now() - started < OFFLINE_S * 1000) {
      c.send(`burst off mem/t 1 ${PER_TICK} ${SIZE}`);
      await c.next('burst_done', { from: c.events.length - 1 });
      samples.push({ t: (Date.now() - started) / 1000, ...(await c.ask('stats', 'stats')) });
      await new Promise((r) => setTimeout(r, 100)); // the application's publishing rate
    }
    const offline = await c.ask('report off', 'report');
    await broker.resume();
    await waitFor(async () => (await c.ask('report off', 'report')).outstanding === 0, 60000, 'every accepted publish to complete');
    const done = await c.ask('report off', 'report');
    const maxQueued = Math.max(...samples.map((s) => s.queued));
    const maxInflight = Math.max(...samples.map((s) => s.inflight));
    // Flat: compare the second half of the window with the first sample after the queue filled.
    const full = samples.find((s) => s.queued >= QUEUE_MAX) ?? samples[0];
    const maxRss = Math.max(...samples.map((s) => s.rss_kb));
    const last = samples[samples.length - 1];
    console.log(`native offline ${OFFLINE_S} s: RSS baseline ${mb(baseline.rss_kb)} MB, when the queue filled ` +
      `${mb(full.rss_kb)} MB (t=${full.t}s), max ${mb(maxRss)} MB, end ${mb(last.rss_kb)} MB; max queued ${maxQueued}, ` +
      `max in flight ${maxInflight}; publishes attempted ${offline.accepted + Object.values(offline.rejected).reduce((x, y) => x + y, 0)}, ` +
      `accepted ${offline.accepted}, refused ${JSON.stringify(offline.rejected)}; after the broker came back: ` +
      `success ${done.success}, fail ${done.fail} ${JSON.stringify(done.fail_codes)}, double ${done.double}; ` +
      `disconnects ${c.count('disconnect')}`);
    assert.ok(c.count('disconnect') >= 1, 'the client noticed the broker was gone');
    assert.ok(maxQueued <= QUEUE_MAX, `queue within its limit (${maxQueued})`);
    assert.ok(maxInflight <= INFLIGHT_MAX, `in flight within its limit (${maxInflight})`);
    assert.ok((offline.rejected.queue_full ?? 0) > 0, 'overflow refused with queue_full');
    assert.deepEqual(Object.keys(offline.rejected), ['queue_full'], 'queue_full is the only refusal');
    // Under ASan freed memory sits in quarantine (up to 256 MB): RSS says nothing there.
    if (process.env.MQTT_REL_ASAN !== '1') {
      assert.ok(maxRss - full.rss_kb < 4096, `RSS flat once the queue is full (+${maxRss - full.rss_kb} kB)`);
    }
    assert.equal(done.double, 0);
    assert.equal(done.success + done.fail, done.accepted, 'every accepted publish completed once');
  } finally {
    await broker.resume();
    await c.stop();
  }
});

test(`wasm client: ${OFFLINE_S} s without a broker publishing 100 every ~100 ms: limits hold, heap flat`, { timeout: 180000 }, async (t) => {
  if (!mqtt) return t.skip('wasm/dist is not built');
  const client = await new Promise((resolve, reject) => {
    const cl = mqtt.createClient({ url: `ws://127.0.0.1:${broker.wsPort}/mqtt`, clientId: uniqueId('wmem'),
      keepalive_interval: 1, connectTimeout: 1000, reconnectMinDelay: 200, reconnectMaxDelay: 1000,
      queueMaxMessages: QUEUE_MAX, maxInflight: INFLIGHT_MAX, success: () => resolve(cl), fail: reject });
  });
  const acc = { accepted: 0, rejected: {}, success: 0, fail: 0, failCodes: {} };
  let disconnects = 0;
  client.on('disconnect', () => disconnects++);
  const payload = new Uint8Array(SIZE).fill(0x61).buffer;
  const publish = () => {
    let inCall = true;
    const rc = client.publish({ topic: 'mem/w', qos: 1, message: payload,
      success: () => { acc.success++; },
      fail: (e) => { if (inCall) return; acc.fail++; acc.failCodes[e.codeName] = (acc.failCodes[e.codeName] ?? 0) + 1; } });
    inCall = false;
    if (rc === 0) acc.accepted++;
    else { const n = mqtt.errorName(rc); acc.rejected[n] = (acc.rejected[n] ?? 0) + 1; }
  };
  try {
    // Warm up while connected.
    for (let i = 0; i < 2000; i++) {
      publish();
      if (i % 100 === 99) await waitFor(() => acc.accepted === acc.success + acc.fail, 10000, 'warm-up');
    }
    const baseline = mqtt.memory();
    const warm = { ...acc };
    await broker.pause();
    const samples = [];
    const started = Date.now();
    while (Date.now() - started < OFFLINE_S * 1000) {
      for (let i = 0; i < PER_TICK; i++) publish();
      samples.push({ t: (Date.now() - started) / 1000, ...mqtt.memory() });
      await new Promise((r) => setTimeout(r, 100));
    }
    await broker.resume();
    await waitFor(() => acc.accepted === acc.success + acc.fail, 60000, 'every accepted publish to complete');
    const full = samples.find((s) => s.t > 5) ?? samples[0];
    const maxHeap = Math.max(...samples.map((s) => s.heapSize));
    const maxAlloc = Math.max(...samples.map((s) => s.allocated));
    const last = samples[samples.length - 1];
    console.log(`wasm offline ${OFFLINE_S} s: heap size baseline ${baseline.heapSize} B, max ${maxHeap} B; allocated baseline ` +
      `${baseline.allocated} B, at t=${full.t}s ${full.allocated} B, max ${maxAlloc} B, end ${last.allocated} B; ` +
      '(the JS API has no queued()/inflight(): the limits show as accepted = queue + in flight); ' +
      `offline: accepted ${acc.accepted - warm.accepted}, refused ${JSON.stringify(acc.rejected)}; after: success ` +
      `${acc.success - warm.success}, fail ${acc.fail} ${JSON.stringify(acc.failCodes)}; disconnects ${disconnects}`);
    assert.ok(disconnects >= 1, 'the client noticed the broker was gone');
    assert.ok((acc.rejected.QUEUE_FULL ?? 0) > 0, 'overflow refused with QUEUE_FULL');
    assert.deepEqual(Object.keys(acc.rejected), ['QUEUE_FULL']);
    assert.ok(maxHeap - baseline.heapSize <= 16 * 1024 * 1024, 'the wasm heap stays bounded');
    // Queue of 1,000 x 256 B plus bookkeeping: well under 2 MB once full.
    assert.ok(maxAlloc - full.allocated < 2 * 1024 * 1024, `allocator flat once the queue is full (+${maxAlloc - full.allocated} B)`);
    assert.equal(acc.success + acc.fail, acc.accepted);
  } finally {
    await broker.resume();
    client.close();
  }
});
