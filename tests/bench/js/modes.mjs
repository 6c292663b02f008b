// The benchmark modes for the JavaScript clients, the same as the C++ programs' (cpp/client_bench.h):
//   recv  count the blaster's QoS 0 stream; the clock starts at the first message
//   pub   publish `count` QoS 0 messages into the sink (at most `window` unfinished and at most
//         `window` per event-loop turn); the sink
//         closes the connection after the last one, which stops the clock
//   e2e   through a broker: subscribe to a topic, publish `count` messages to it, count them back
//         (at most `window` unfinished: not yet completed or not yet back)
//   rtt   publish one message to a subscribed topic and wait for it, `count` times
// `hooks.mark(name)` is called at the start and the end of the measured interval ('start', 'end'),
// so the host can read CPU time there; `hooks.cpu()` returns CPU seconds where the host can tell.
import { open } from './clients.mjs';

const now = () => performance.now();

// A macrotask turn: lets I/O in (setImmediate in Node, a MessageChannel message in a page).
const turn = typeof setImmediate === 'function'
  ? () => new Promise((r) => setImmediate(r))
  : (() => {
    const ch = new MessageChannel();
    const queue = [];
    ch.port1.onmessage = () => queue.shift()();
    return () => new Promise((r) => { queue.push(r); ch.port2.postMessage(0); });
  })();

// Resolves when cond() is true; checked on every kick() and every 5 ms as a fallback.
function waiter() {
  let wake = null;
  return {
    kick() { if (wake) { const w = wake; wake = null; w(); } },
    async until(cond, timeoutMs) {
      const deadline = now() + timeoutMs;
      while (!cond()) {
        if (now() > deadline) return false;
        await new Promise((r) => {
          wake = r;
          setTimeout(() => { if (wake === r) { wake = null; r(); } }, 5);
        });
      }
      return true;
    },
  };
}

function percentile(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

export async function run(lib, module, a, hooks = {}) {
  const mark = hooks.mark || (async () => {});
  const cpu = hooks.cpu || (() => 0);
  const payload = new Uint8Array(a.payload || 64);
  for (let i = 0; i < payload.length; i++) payload[i] = 65 + (i % 26);
  const clientId = `bench-${lib}-${Math.floor(Math.random() * 1e9)}`;
  const c = await open(lib, module, { ...a, clientId });
  const w = waiter();
  let lost = false;
  c.onLost = () => { lost = true; w.kick(); };
  const count = a.count;
  const window = a.window || 1000;
  const timeoutMs = (a.timeout || 120) * 1000;
  const result = (messages, seconds, cpuS, lat = []) => {
    const s = lat.slice().sort((x, y) => x - y);
    return {
      lib, mode: a.mode, transport: a.transport, qos: a.qos || 0, payload: payload.length, count, messages, seconds,
      cpu_s: cpuS, msgs_per_s: seconds > 0 ? messages / seconds : 0,
      cpu_us_per_msg: messages && cpuS ? (cpuS * 1e6) / messages : null,
      p50_ms: percentile(s, 0.5), p99_ms: percentile(s, 0.99), max_ms: s.length ? s[s.length - 1] : 0,
    };
  };

  if (a.mode === 'recv') {
    let received = 0, tFirst = 0, tLast = 0, cpu0 = 0;
    let started = null;
    c.onMessage = () => {
      if (received++ === 0) { tFirst = now(); cpu0 = cpu(); started = mark('start'); }
      if (received === count) { tLast = now(); w.kick(); }
    };
    await c.subscribe('bench/blast', 0);
    const ok = await w.until(() => received >= count || lost, timeoutMs);
    const cpuS = cpu() - cpu0;
    if (received < count) tLast = now();
    await started;
    await mark('end');
    c.close();
    if (!ok || received < count) throw new Error(`recv: ${received} of ${count} messages`);
    return result(received - 1, (tLast - tFirst) / 1000, cpuS);
  }

  if (a.mode === 'pub') {
    let sent = 0, completed = 0;
    const done = () => { completed++; if (sent - completed < window / 2) w.kick(); };
    await mark('start');
    const t0 = now(), cpu0 = cpu();
    while (!lost && sent < count) {
      // At most `window` unfinished, and at most `window` per event-loop turn (a client that
      // finishes QoS 0 publishes at once must still let its socket drain).
      for (let k = 0; k < window && sent < count && sent - completed < window && !lost; k++) {
        sent++;
        c.publish('bench/sink', payload, 0, done);
      }
      if (sent - completed >= window) await w.until(() => sent - completed < window / 2 || lost, timeoutMs);
      else await turn();
    }
    const ok = await w.until(() => lost, timeoutMs);
    const t1 = now(), cpuS = cpu() - cpu0;
    await mark('end');
    if (!ok) throw new Error('pub: the sink did not confirm every message');
    return result(sent, (t1 - t0) / 1000, cpuS);
  }

  const topic = `bench/${clientId}`;
  await c.subscribe(topic, a.qos || 0);

  if (a.mode === 'e2e') {
    let sent = 0, completed = 0, received = 0, tLast = 0;
    // Unfinished: not yet completed or not yet back (the C++ programs count the same way).
    const unfinished = () => sent - Math.min(completed, received);
    const progress = () => { if (received >= count || unfinished() < window / 2) w.kick(); };
    c.onMessage = () => { received++; tLast = now(); progress(); };
    const done = () => { completed++; progress(); };
    await mark('start');
    const t0 = now(), cpu0 = cpu();
    while (!lost && sent < count) {
      for (let k = 0; k < window && sent < count && unfinished() < window; k++) {
        sent++;
        c.publish(topic, payload, a.qos || 0, done);
      }
      if (unfinished() >= window) await w.until(() => unfinished() < window / 2 || lost, timeoutMs);
      else await turn();
    }
    // Stop when everything arrived, or when nothing arrived for 5 s (then the loss is reported).
    let last = -1;
    while (received < count && !lost && received !== last) {
      last = received;
      await w.until(() => received >= count || lost, 5000);
    }
    const cpuS = cpu() - cpu0;
    await mark('end');
    c.close();
    if (received < count) throw new Error(`e2e: ${received} of ${count} messages`);
    return result(received, (tLast - t0) / 1000, cpuS);
  }

  if (a.mode === 'rtt') {
    let got = false, sentAt = 0;
    const lat = [];
    c.onMessage = () => { lat.push(now() - sentAt); got = true; w.kick(); };
    const once = async () => {
      got = false;
      sentAt = now();
      c.publish(topic, payload, a.qos || 0, () => {});
      if (!(await w.until(() => got, 10000))) throw new Error('rtt: message did not come back');
    };
    for (let i = 0; i < 20; i++) await once();
    lat.length = 0;
    await mark('start');
    const t0 = now(), cpu0 = cpu();
    for (let i = 0; i < count && now() - t0 < 20000; i++) await once();  // enough rounds for p99
    const cpuS = cpu() - cpu0;
    await mark('end');
    c.close();
    return result(lat.length, (now() - t0) / 1000, cpuS, lat);
  }
  throw new Error(`unknown mode ${a.mode}`);
}
