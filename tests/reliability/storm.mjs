// The publish storm under faults, for the native and the wasm client alike: COUNT QoS 1 and
// COUNT QoS 2 publishes from a publisher with a persistent session (clean=false) whose connection
// goes through the fault proxy, which cuts it every few hundred milliseconds (sometimes in the
// middle of a packet, sometimes refusing the reconnection for a moment); a subscriber on a
// direct, uncut connection counts what arrives. Used by storm.test.mjs and the soak.
//
// Returns the accounting per QoS: accepted, rejected, success, fail, received, unique,
// duplicates, missing successes (must be 0), double completions (must be 0).
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { startNativeClient, startReferenceSubscriber, waitFor, uniqueId } from './helpers.mjs';

// The fault schedule: cut every everyMs ± jitter; one cut in three lets a few bytes through
// first (a packet cut in the middle); one in ten also refuses connections for 100 ms.
export function startFaultSchedule(proxy, { everyMs = 300, jitterMs = 100 } = {}) {
  let n = 0;
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    n++;
    if (n % 3 === 0) {
      proxy.cutAfter(1 + Math.floor(Math.random() * 40), Math.random() < 0.5 ? 'up' : 'down');
    } else {
      proxy.cutAll();
    }
    if (n % 10 === 0) {
      await proxy.refuse();
      await new Promise((r) => setTimeout(r, 100)); // part of the fault schedule
      if (!stopped) await proxy.accept();
    }
    if (!stopped) timer = setTimeout(tick, Math.max(20, everyMs + Math.round((Math.random() * 2 - 1) * jitterMs)));
  };
  timer = setTimeout(tick, everyMs);
  return {
    get faults() { return n; },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await proxy.accept();
    },
  };
}

// A publisher in this process (wasm) with the same accounting as rel_client's `flow`.
export function wasmFlow(client, { tag, topic, qos, count, window }) {
  const acc = { accepted: 0, rejected: {}, success: 0, fail: 0, failCodes: {}, double: 0, failed: [] };
  const completions = new Uint8Array(count);
  let next = 0;
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  let pumping = false;
  const outstanding = () => acc.accepted - acc.success - acc.fail;
  const pump = () => {
    if (pumping) return;
    pumping = true;
    while (next < count && outstanding() < window) {
      const i = next++;
      let inCall = true;
      const complete = (ok, err) => {
        if (inCall && !ok) return; // a refusal: counted from the return value
        if (completions[i]++ > 0) acc.double++;
        if (ok) acc.success++;
        else {
          acc.fail++;
          const name = err?.codeName ?? String(err?.code);
          acc.failCodes[name] = (acc.failCodes[name] ?? 0) + 1;
          acc.failed.push(i);
        }
        queueMicrotask(pump);
      };
      const rc = client.publish({
        topic, qos, message: `${tag}-${i}`,
        success: () => complete(true),
        fail: (e) => complete(false, e),
      });
      inCall = false;
      if (rc === 0) acc.accepted++;
      else acc.rejected[rc] = (acc.rejected[rc] ?? 0) + 1;
    }
    pumping = false;
    if (next === count && outstanding() === 0) resolveDone();
  };
  pump();
  return { acc, done };
}

// Runs the storm. `publisher` is 'native' or 'wasm'; `transport` 'tcp' or 'ws' (wasm: both).
export async function runStorm({ broker, build, mqtt, publisher = 'native', transport = 'tcp', count = 10000,
  window = 50, delayMs = 3, everyMs = 300, jitterMs = 100, timeoutMs = 180000, log = () => {} }) {
  const targetPort = transport === 'ws' ? broker.wsPort : broker.tcpPort;
  const proxy = await startFaultProxy({ targetPort });
  const id = uniqueId('st');
  const t1 = `storm/${id}/q1`;
  const t2 = `storm/${id}/q2`;
  // --receive-max 65535: Mosquitto 2.0 may send a resuming subscriber every queued QoS 2 message
  // at once; with the default (100) a 3.1.1 subscriber loops reconnecting (livelock.test.mjs).
  const sub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${broker.tcpPort}`, '--id', `${id}s`,
    '--clean', '0', '--receive-max', '65535']);
  let pub = null;
  let wasmClient = null;
  // A reference subscriber (mosquitto_sub): when a success is missing, it tells whether the broker
  // ever delivered it (broker or publisher side) or only our subscriber missed it.
  let reference = null;
  const events = { disconnect: 0, reconnect: 0, error: [] };
  try {
    await sub.next('success');
    reference = await startReferenceSubscriber({ port: broker.tcpPort, id: `${id}r`, filter: `storm/${id}/#`,
      probeTopic: `storm/${id}/probe`, sendProbe: (t) => sub.send(`pub ${t} 0 p`) });
    for (const [t, q] of [[t1, 1], [t2, 2]]) {
      const r = await sub.ask(`sub ${t} ${q}`, 'suback');
      if (!r.ok) throw new Error(`subscribe ${t}: ${r.code}`);
    }
    const url = transport === 'ws' ? `ws://127.0.0.1:${proxy.port}/mqtt` : `mqtt://127.0.0.1:${proxy.port}`;
    proxy.setDelay(delayMs);
    let accounts;
    const started = Date.now();
    if (publisher === 'native') {
      pub = startNativeClient(build.client, ['--url', url, '--id', `${id}p`, '--clean', '0',
        '--reconnect-min', '50', '--reconnect-max', '200', '--keepalive', '5']);
      await pub.next('success');
      const schedule = startFaultSchedule(proxy, { everyMs, jitterMs });
      pub.send(`flow q1 ${t1} 1 ${count} ${window}`);
      pub.send(`flow q2 ${t2} 2 ${count} ${window}`);
      await pub.next('flow_done', { match: (e) => e.tag === 'q1', timeoutMs });
      await pub.next('flow_done', { match: (e) => e.tag === 'q2', timeoutMs });
      await schedule.stop();
      accounts = {};
      for (const tag of ['q1', 'q2']) {
        const r = await pub.ask(`report ${tag}`, 'report');
        const f = await pub.ask(`failed ${tag}`, 'failed');
        accounts[tag] = { accepted: r.accepted, rejected: r.rejected, success: r.success, fail: r.fail,
          failCodes: r.fail_codes, double: r.double, failed: f.indexes };
      }
      events.disconnect = pub.count('disconnect');
      events.reconnect = pub.count('reconnect');
      events.error = pub.all('error').map((e) => e.code);
    } else {
      wasmClient = await new Promise((resolve, reject) => {
        const c = mqtt.createClient({ url, clientId: `${id}p`, clean: false, reconnectMinDelay: 50,
          reconnectMaxDelay: 200, keepalive_interval: 5, success: () => resolve(c), fail: reject });
      });
      wasmClient.on('disconnect', () => events.disconnect++);
      wasmClient.on('reconnect', () => events.reconnect++);
      wasmClient.on('error', (e) => events.error.push(e.codeName));
      const schedule = startFaultSchedule(proxy, { everyMs, jitterMs });
      const f1 = wasmFlow(wasmClient, { tag: 'q1', topic: t1, qos: 1, count, window });
      const f2 = wasmFlow(wasmClient, { tag: 'q2', topic: t2, qos: 2, count, window });
      let timer;
      await Promise.race([Promise.all([f1.done, f2.done]),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('wasm storm timed out')), timeoutMs); })]);
      clearTimeout(timer);
      await schedule.stop();
      accounts = { q1: f1.acc, q2: f2.acc };
    }
    const seconds = (Date.now() - started) / 1000;
    // Every success must reach the subscriber: wait until none is missing (state, not time).
    const result = { publisher, transport, seconds, faults: proxy.stats.cuts, connections: proxy.stats.accepted,
      disconnects: events.disconnect, reconnects: events.reconnect, errors: events.error.length };
    for (const [tag, topic] of [['q1', t1], ['q2', t2]]) {
      const a = accounts[tag];
      const failed = new Set(a.failed);
      let missingSuccess = [];
      try {
        await waitFor(async () => {
          const m = await sub.ask(`missing ${topic} ${tag} ${count}`, 'missing');
          missingSuccess = m.indexes.filter((i) => !failed.has(i));
          return missingSuccess.length === 0;
        }, 20000, `the subscriber to receive every successful ${tag} publish`);
      } catch { /* reported below as missing */ }
      const t = await sub.ask(`tally ${topic}`, 'tally');
      const refMissing = reference ? missingSuccess.filter((i) => !reference.copies(topic, `${tag}-${i}`)).length : null;
      result[tag] = { refMissing, accepted: a.accepted, rejected: Object.values(a.rejected).reduce((x, y) => x + y, 0),
        success: a.success, fail: a.fail, failCodes: a.failCodes, double: a.double, received: t.received,
        unique: t.unique, duplicates: t.duplicates, missing: missingSuccess.length,
        missingSample: ranges(missingSuccess).slice(0, 10) };
    }
    result.subscriber = { disconnects: sub.count('disconnect'), reconnects: sub.count('reconnect'),
      events: sub.events.filter((e) => ['disconnect', 'error', 'reconnect', 'close'].includes(e.ev))
        .slice(0, 10).map((e) => `${e.ev}${e.code ? ` ${e.code}: ${e.message}` : ''}`) };
    log(result);
    return result;
  } finally {
    reference?.stop();
    if (wasmClient) wasmClient.close();
    if (pub) await pub.stop();
    await sub.stop();
    await proxy.close();
  }
}

// [1,2,3,7] -> ['1-3', '7']
function ranges(list) {
  const out = [];
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    out.push(i === j ? `${list[i]}` : `${list[i]}-${list[j]}`);
    i = j + 1;
  }
  return out;
}

export function formatStorm(r) {
  const line = (q) => {
    const a = r[q];
    return `  ${q === 'q1' ? 'QoS 1' : 'QoS 2'}: accepted ${a.accepted}, rejected ${a.rejected}, success ${a.success}, ` +
      `fail ${a.fail}${a.fail ? ` ${JSON.stringify(a.failCodes)}` : ''}, double completions ${a.double}, ` +
      `received ${a.received} (unique ${a.unique}), duplicates ${a.duplicates}, successes missing ${a.missing}` +
      (a.missing ? ` (${a.missingSample.join(' ')}; of these, missing at mosquitto_sub too: ${a.refMissing ?? 'n/a'})` : '');
  };
  return `storm ${r.publisher} over ${r.transport}: ${r.seconds.toFixed(1)} s, ${r.faults} faults, ` +
    `${r.connections} connections, ${r.disconnects} disconnect / ${r.reconnects} reconnect events\n${line('q1')}\n${line('q2')}` +
    (r.subscriber?.events.length ? `\n  subscriber (direct connection): ${r.subscriber.events.join('; ')}` : '');
}
