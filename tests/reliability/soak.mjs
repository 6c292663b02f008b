#!/usr/bin/env node
// The soak: mixed traffic for a long time (default 60 minutes) with the broker restarted
// periodically and the publishers' connections cut by the fault proxy; logs memory and the
// message accounting, and exits non-zero if any message was lost, completed twice, or a QoS 2
// message arrived twice by the client's fault. Mosquitto 2.0.11 resends, after a restart, QoS 2
// messages whose exchange had passed PUBREL (README.md, "QoS 2 duplicates after a broker
// restart"): no client can drop those, so they are counted apart, each printed with its evidence
// from the wire (the subscriber's connection goes through a proxy that never cuts, as a tap) and
// from a reference subscriber (mosquitto_sub) with the same session settings.
//
//   nice -n 10 node [--expose-gc] tests/reliability/soak.mjs [--minutes 60] [--restart-every 90] [--pause 30]
//       [--cut-every 2000] [--round 2000] [--log-every 30] [--no-wasm]
//
// Traffic, in rounds: a native publisher (rel_client, TCP through the proxy) and a wasm
// publisher (this process, WebSocket through a second proxy) each publish --round QoS 1 and
// QoS 2 messages (windowed) plus a few QoS 0; a native subscriber with a persistent session on a
// direct connection checks that every success arrived. The broker keeps its sessions on disk
// and is restarted gracefully every --restart-every seconds (a SIGTERM: Mosquitto saves; a
// SIGKILL would lose what it had acknowledged, which is not the client's doing); every other
// time it is frozen (SIGSTOP) for --pause seconds instead, while the publishers keep going.
// Memory: RSS of both native clients, wasm heap size and allocator bytes, Node's RSS.
import { startBroker } from '../fixtures/broker.mjs';
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { nativeBuild, startNativeClient, startReferenceSubscriber, loadWasm, waitFor, uniqueId } from './helpers.mjs';
import { wasmFlow } from './storm.mjs';
import { classifyDuplicates, SOAK_BROKER } from './restart.mjs';
import { wireLog, monotonicMs } from './wire_log.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const MINUTES = opt('minutes', 60);
const RESTART_S = opt('restart-every', 90);
const CUT_MS = opt('cut-every', 2000);
const ROUND = opt('round', 2000);
const LOG_S = opt('log-every', 30);
const PAUSE_S = opt('pause', 30);
const WASM = !args.includes('--no-wasm');

let t0 = Date.now();
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(0);
const log = (msg) => console.log(`[soak +${elapsed()}s] ${msg}`);

const build = nativeBuild();
const mqtt = WASM ? await loadWasm() : null;
t0 = Date.now(); // the clock starts once the drivers are built
// max_inflight_messages 100: as many as the clients' Receive Maximum (100) and in-flight window
// (100). Mosquitto's default (20) loses QoS 2 from 3.1.1 publishers with a larger window, and 0
// (unlimited) sends subscribers more than they accept: see inflight.test.mjs, livelock.test.mjs.
const broker = await startBroker(SOAK_BROKER);
const wire = wireLog();
const subTap = await startFaultProxy({ targetPort: broker.tcpPort, tap: wire.tap }); // never cut
const tcpProxy = await startFaultProxy({ targetPort: broker.tcpPort });
const wsProxy = await startFaultProxy({ targetPort: broker.wsPort });
const id = uniqueId('soak');
const totals = {};
const addTotals = (who, q, a) => {
  const k = `${who} ${q}`;
  const t = totals[k] ??= { accepted: 0, rejected: 0, success: 0, fail: 0, double: 0, missing: 0, duplicates: 0, received: 0,
    resentByBroker: 0, clientDuplicates: 0, referenceDuplicates: 0 };
  for (const f of Object.keys(a)) t[f] += a[f];
};
let problems = 0;
let restarts = 0;
let lastRestartMs = null; // CLOCK_MONOTONIC when the last restart began (SIGTERM)
const memory = [];

// --receive-max 65535: on a session resume Mosquitto 2.0 sends every queued QoS 2 message at
// once, and a 3.1.1 subscriber with the default (100) turns that into a reconnection loop
// (livelock.test.mjs).
const sub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${subTap.port}`, '--id', `${id}s`,
  '--clean', '0', '--reconnect-min', '100', '--reconnect-max', '1000', '--receive-max', '65535']);
await sub.next('success');
for (const q of [0, 1, 2]) await sub.ask(`sub soak/${id}/+/+/q${q} ${q}`, 'suback');
const nativeEvents = { disconnect: 0, reconnect: 0 };
const pub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${tcpProxy.port}`, '--id', `${id}n`,
  '--clean', '0', '--reconnect-min', '100', '--reconnect-max', '1000', '--keepalive', '10']);
await pub.next('success');
const reference = await startReferenceSubscriber({ port: broker.tcpPort, id: `${id}r`, filter: `soak/${id}/#`,
  probeTopic: `soak/${id}/probe`, sendProbe: (t) => pub.send(`pub ${t} 0 p`) });
if (!reference) log('no reference subscriber (mosquitto_sub missing?): duplicates are judged on the wire only');
let wpub = null;
const wasmEvents = { disconnect: 0, reconnect: 0 };
if (mqtt) {
  wpub = await new Promise((resolve, reject) => {
    const c = mqtt.createClient({ url: `ws://127.0.0.1:${wsProxy.port}/mqtt`, clientId: `${id}w`, clean: false,
      reconnectMinDelay: 100, reconnectMaxDelay: 1000, keepalive_interval: 10, success: () => resolve(c), fail: reject });
  });
  wpub.on('disconnect', () => wasmEvents.disconnect++);
  wpub.on('reconnect', () => wasmEvents.reconnect++);
}

// Faults: cut both proxies on a schedule; restart the broker periodically.
const cutTimer = setInterval(() => { tcpProxy.cutAll(); wsProxy.cutAll(); }, CUT_MS);
let restarting = null;
let pauses = 0;
let cycle = 0;
const restartTimer = setInterval(() => {
  if (restarting) return;
  if (++cycle % 2 === 0 && PAUSE_S > 0) {
    restarting = Promise.resolve(broker.pause()).then(() => {
      log(`broker frozen for ${PAUSE_S} s`);
      return new Promise((r) => setTimeout(r, PAUSE_S * 1000));
    }).then(() => broker.resume()).then(() => {
      pauses++;
      log(`broker resumed (#${pauses})`);
    }).finally(() => { restarting = null; });
    return;
  }
  lastRestartMs = monotonicMs();
  restarting = broker.restart().then(() => { restarts++; log(`broker restarted (#${restarts})`); })
    .catch((e) => { log(`broker restart FAILED: ${e.message}`); problems++; })
    .finally(() => { restarting = null; });
}, RESTART_S * 1000);

async function sampleMemory() {
  const p = await pub.ask('stats', 'stats', 30000);
  const s = await sub.ask('stats', 'stats', 30000);
  const w = mqtt ? mqtt.memory() : {};
  globalThis.gc?.(); // under node --expose-gc the JS heap figure is the live heap, not GC timing
  const m = { t: Number(elapsed()), pubRssKb: p.rss_kb, subRssKb: s.rss_kb, wasmHeap: w.heapSize, wasmAllocated: w.allocated,
    nodeRssKb: Math.round(process.memoryUsage().rss / 1024), nodeHeapKb: Math.round(process.memoryUsage().heapUsed / 1024) };
  memory.push(m);
  return m;
}
let lastLog = 0;

async function round(n) {
  const tag = (who, q) => `r${n}${who}q${q}`;
  const topic = (who, q) => `soak/${id}/${who}/r${n}/q${q}`; // a topic per round: late duplicates stay out
  // QoS 0: fire and forget, only counted.
  pub.send(`burst ${tag('n', 0)} ${topic('n', 0)} 0 50`);
  const flows = [];
  for (const q of [1, 2]) pub.send(`flow ${tag('n', q)} ${topic('n', q)} ${q} ${ROUND} 50`);
  flows.push(pub.next('flow_done', { match: (e) => e.tag === tag('n', 1), timeoutMs: 600000 }));
  flows.push(pub.next('flow_done', { match: (e) => e.tag === tag('n', 2), timeoutMs: 600000 }));
  let wflows = [];
  if (wpub) wflows = [1, 2].map((q) => wasmFlow(wpub, { tag: tag('w', q), topic: topic('w', q), qos: q, count: ROUND / 2, window: 50 }));
  await Promise.all([...flows, ...wflows.map((f) => f.done)]);
  const accounts = [];
  for (const q of [1, 2]) {
    const r = await pub.ask(`report ${tag('n', q)}`, 'report');
    const f = await pub.ask(`failed ${tag('n', q)}`, 'failed');
    accounts.push({ who: 'native', q, count: ROUND, tag: tag('n', q), topic: topic('n', q), a: r, failed: f.indexes,
      rejected: Object.values(r.rejected).reduce((x, y) => x + y, 0) });
  }
  wflows.forEach((f, i) => accounts.push({ who: 'wasm', q: i + 1, count: ROUND / 2, tag: tag('w', i + 1),
    topic: topic('w', i + 1), a: f.acc, failed: f.acc.failed, rejected: Object.values(f.acc.rejected).reduce((x, y) => x + y, 0) }));
  for (const x of accounts) {
    const failed = new Set(x.failed);
    let missing = [];
    try {
      await waitFor(async () => {
        const m = await sub.ask(`missing ${x.topic} ${x.tag} ${x.count}`, 'missing', 30000);
        missing = m.indexes.filter((i) => !failed.has(i));
        return missing.length === 0;
      }, 60000, 'delivery');
    } catch { /* counted below */ }
    const t = await sub.ask(`tally ${x.topic}`, 'tally', 30000);
    // QoS 2 duplicates: rel_client reported each as it came (before the tally's answer); the wire
    // says whose each one is. One counted but not reported would be the client's.
    let judged = { broker: [], client: [] };
    let unexplained = 0;
    let refDuplicates = 0;
    if (x.q === 2) {
      const reported = sub.events.filter((e) => e.ev === 'duplicate' && e.topic === x.topic);
      unexplained = t.duplicates - reported.length;
      if (reported.length && reference) {
        // The reference lags behind ours: let it have every success before comparing (evidence only).
        await waitFor(() => x.a.success <= [...Array(x.count).keys()].filter((i) => reference.copies(x.topic, `${x.tag}-${i}`)).length,
          10000, 'the reference subscriber').catch(() => {});
      }
      judged = classifyDuplicates(reported, { wire, reference, restartMs: lastRestartMs });
      if (reference) refDuplicates = [...Array(x.count).keys()].filter((i) => reference.copies(x.topic, `${x.tag}-${i}`) > 1).length;
    }
    const clientDuplicates = judged.client.length + unexplained;
    addTotals(x.who, `QoS ${x.q}`, { accepted: x.a.accepted, rejected: x.rejected, success: x.a.success, fail: x.a.fail,
      double: x.a.double, missing: missing.length, duplicates: t.duplicates, received: t.received,
      resentByBroker: judged.broker.length, clientDuplicates, referenceDuplicates: refDuplicates });
    if (judged.broker.length) {
      log(`round ${n} ${x.who} QoS 2: ${judged.broker.length} duplicate(s) resent by the broker (last restart: #${restarts}) ` +
        `(not the client's: the first exchange had passed PUBREL); the reference subscriber got ${refDuplicates} in this round; e.g.`);
      for (const d of judged.broker.slice(0, 3)) log(`  ${d.evidence}`);
    }
    if (missing.length || x.a.double || clientDuplicates || x.a.success + x.a.fail !== x.a.accepted) {
      problems++;
      log(`PROBLEM round ${n} ${x.who} QoS ${x.q}: accepted ${x.a.accepted} success ${x.a.success} fail ${x.a.fail} ` +
        `double ${x.a.double} missing ${missing.length} (${missing.slice(0, 10)}) QoS 2 duplicates by the client ` +
        `${clientDuplicates}${unexplained ? ` (${unexplained} counted but not reported)` : ''}`);
      for (const d of judged.client.slice(0, 10)) log(`  ${d.evidence}`);
    }
    wire.forget(x.topic);
    reference?.forget(x.topic);
    sub.send(`forget ${x.topic}`);
    pub.send(`forget ${x.tag}`);
  }
  const q0 = await sub.ask(`tally ${topic('n', 0)}`, 'tally');
  addTotals('native', 'QoS 0', { accepted: 50, received: q0.received });
  sub.send(`forget ${topic('n', 0)}`);
  reference?.forget(topic('n', 0));
  pub.send(`forget ${tag('n', 0)}`);
  // Nothing waits on earlier events now: drop them so a long run keeps this process flat too.
  nativeEvents.disconnect += pub.count('disconnect');
  nativeEvents.reconnect += pub.count('reconnect');
  for (const c of [pub, sub]) c.events.splice(0, c.events.length);
}

let n = 0;
// Ctrl-C / kill: finish the round, report, stop the brokers (no orphan Mosquitto).
let stopRequested = false;
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopRequested = true; log(`${sig}: stopping after this round`); });
try {
  await sampleMemory();
  while (Date.now() - t0 < MINUTES * 60000 && !stopRequested) {
    await round(++n);
    if (Date.now() - lastLog > LOG_S * 1000) {
      lastLog = Date.now();
      const m = await sampleMemory();
      log(`round ${n}: RSS native pub ${(m.pubRssKb / 1024).toFixed(1)} MB, sub ${(m.subRssKb / 1024).toFixed(1)} MB; ` +
        `wasm heap ${m.wasmHeap} B (allocated ${m.wasmAllocated} B); node RSS ${(m.nodeRssKb / 1024).toFixed(1)} MB ` +
        `(JS heap ${(m.nodeHeapKb / 1024).toFixed(1)} MB); ` +
        `cuts ${tcpProxy.stats.cuts + wsProxy.stats.cuts}, restarts ${restarts}, freezes ${pauses}, problems ${problems}; ` +
        `native ${nativeEvents.disconnect}/${nativeEvents.reconnect} wasm ${wasmEvents.disconnect}/${wasmEvents.reconnect} disconnect/reconnect`);
    }
  }
} catch (e) {
  problems++;
  log(`ERROR: ${e.stack}`);
} finally {
  clearInterval(cutTimer);
  clearInterval(restartTimer);
  await restarting;
  const last = await sampleMemory().catch(() => memory[memory.length - 1]);
  const first = memory[1] ?? memory[0];
  log(`done: ${n} rounds in ${elapsed()} s, ${restarts} broker restarts, ${pauses} freezes of ${PAUSE_S} s, ${tcpProxy.stats.cuts + wsProxy.stats.cuts} connection cuts`);
  for (const [k, t] of Object.entries(totals)) log(`  ${k}: ${JSON.stringify(t)}`);
  log(`  memory first/last: native pub RSS ${first.pubRssKb} -> ${last.pubRssKb} kB, sub ${first.subRssKb} -> ${last.subRssKb} kB, ` +
    `wasm heap ${first.wasmHeap} -> ${last.wasmHeap} B, allocated ${first.wasmAllocated} -> ${last.wasmAllocated} B, ` +
    `node RSS ${first.nodeRssKb} -> ${last.nodeRssKb} kB; max native pub RSS ${Math.max(...memory.map((m) => m.pubRssKb))} kB`);
  const resent = Object.values(totals).reduce((a, t) => a + t.resentByBroker, 0);
  log(problems ? `FAILED: ${problems} problem(s)` : 'OK: nothing lost, nothing completed twice, no QoS 2 duplicate by the client' +
    (resent ? ` (${resent} resent by the broker after a restart, traced above)` : ''));
  reference?.stop();
  wpub?.close();
  await pub.stop();
  await sub.stop();
  await tcpProxy.close();
  await wsProxy.close();
  await subTap.close();
  await broker.stop();
  process.exit(problems ? 1 : 0);
}
