#!/usr/bin/env node
// QoS 2 across broker restarts, in minutes: a native publisher sends COUNT QoS 2 messages
// (windowed) while a native subscriber with a persistent session receives them; once a share of
// them has arrived, the broker (persistence on, the soak's settings) is restarted gracefully
// (SIGTERM: Mosquitto saves its state). Every cycle ends when every success has arrived; then each
// QoS 2 duplicate our subscriber reports is traced on the wire (its connection goes through the
// fault proxy, as a tap, never cut) and compared with a reference subscriber (mosquitto_sub, same
// session settings) on the same topics. Used by restart.test.mjs and the soak; as a command:
//
//   nice -n 10 node tests/reliability/restart.mjs [--cycles 20] [--count 1000] [--at 0.5] [--verbose]
//   (--verbose: the broker logs every packet; MQTT_BROKER_KEEP=1 keeps its log)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../fixtures/broker.mjs';
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { nativeBuild, startNativeClient, startReferenceSubscriber, waitFor, uniqueId } from './helpers.mjs';
import { wireLog, judgeDuplicate, formatDelivery, monotonicMs } from './wire_log.mjs';

// The soak's broker: sessions on disk, no queue cap, in-flight window 100 (see soak.mjs).
export const SOAK_BROKER = { persistence: true, extraConfig: 'max_queued_messages 0\nmax_inflight_messages 100' };

// Judges the QoS 2 duplicates our subscriber reported ({ev:'duplicate'} events) for one topic:
// { broker: [...], client: [...] }, each entry with a printable `evidence`. restartMs: when the
// last broker restart began (SIGTERM; CLOCK_MONOTONIC ms), or null.
export function classifyDuplicates(events, { wire, reference, restartMs = null }) {
  const out = { broker: [], client: [] };
  for (const e of events) {
    const deliveries = wire.deliveries(e.topic, e.payload);
    const verdict = judgeDuplicate(deliveries);
    const refCopies = reference ? reference.copies(e.topic, e.payload) : null;
    const since = restartMs === null ? '' : `, ${((e.at_ms - restartMs) / 1000).toFixed(2)} s after the restart began`;
    const evidence = `${e.topic} ${e.payload}: copy ${e.copy} on the client's connection ${e.connection} (DUP ${e.dup ? 1 : 0}${since}), ` +
      `first on its connection ${e.first_connection} (DUP ${e.first_dup ? 1 : 0}); ${verdict.why}; wire: ` +
      `${deliveries.map((d) => `[${formatDelivery(d, restartMs ?? undefined)}]`).join(' ') || 'nothing'}; ` +
      `reference subscriber: ${refCopies === null ? 'n/a' : `${refCopies} cop${refCopies === 1 ? 'y' : 'ies'}` +
        ` (packet ids ${reference.ids(e.topic, e.payload).join(', ')})`}`;
    out[verdict.whose].push({ ...e, refCopies, evidence, deliveries });
  }
  return out;
}

export async function runRestartCycles({ build = nativeBuild(), cycles = 5, count = 1000, window = 100, at = 0.5,
  verbose = false, log = () => {} } = {}) {
  const broker = await startBroker({ ...SOAK_BROKER, verbose });
  log(`broker log: ${broker.logPath}`);
  const wire = wireLog();
  const tap = await startFaultProxy({ targetPort: broker.tcpPort, tap: wire.tap });
  const id = uniqueId('rs');
  const base = `rs/${id}`;
  const clientArgs = ['--clean', '0', '--reconnect-min', '100', '--reconnect-max', '1000'];
  // --receive-max 65535: see soak.mjs (a resumed 3.1.1 session gets every queued QoS 2 at once).
  const sub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${tap.port}`, '--id', `${id}s`,
    ...clientArgs, '--receive-max', '65535']);
  const pub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${broker.tcpPort}`, '--id', `${id}p`, ...clientArgs]);
  let reference = null;
  const result = { cycles: [], sent: 0, missing: 0, refMissing: 0, double: 0, broker: [], client: [], refDuplicates: 0 };
  try {
    await sub.next('success');
    await pub.next('success');
    const s = await sub.ask(`sub ${base}/+ 2`, 'suback');
    if (!s.ok) throw new Error(`subscribe: ${s.code}`);
    reference = await startReferenceSubscriber({ port: broker.tcpPort, id: `${id}r`, filter: `${base}/+`,
      probeTopic: `${base}/probe`, sendProbe: (t) => pub.send(`pub ${t} 0 p`) });
    for (let c = 1; c <= cycles; c++) {
      const tag = `c${c}`;
      const topic = `${base}/${tag}`;
      const from = sub.events.length;
      pub.send(`flow ${tag} ${topic} 2 ${count} ${window}`);
      await waitFor(async () => (await sub.ask(`tally ${topic}`, 'tally')).received >= count * at, 60000, 'deliveries');
      const restartMs = monotonicMs(); // SIGTERM: times are given from here
      await broker.restart();
      await pub.next('flow_done', { match: (e) => e.tag === tag, timeoutMs: 120000 });
      const r = await pub.ask(`report ${tag}`, 'report');
      const failed = new Set((await pub.ask(`failed ${tag}`, 'failed')).indexes);
      let missing = [];
      let refMissing = [];
      await waitFor(async () => {
        missing = (await sub.ask(`missing ${topic} ${tag} ${count}`, 'missing')).indexes.filter((i) => !failed.has(i));
        refMissing = reference ? [...Array(count).keys()].filter((i) => !failed.has(i) && !reference.copies(topic, `${tag}-${i}`)) : [];
        return missing.length === 0 && refMissing.length === 0;
      }, 30000, 'every success at both subscribers').catch(() => {});
      // Each duplicate is reported as it arrives, so before the tally's answer.
      const tally = await sub.ask(`tally ${topic}`, 'tally');
      const dups = sub.events.slice(from).filter((e) => e.ev === 'duplicate' && e.topic === topic);
      const judged = classifyDuplicates(dups, { wire, reference, restartMs });
      // Counted by the tally but never reported: not traceable, so the client's.
      for (let k = dups.length; k < tally.duplicates; k++) {
        judged.client.push({ topic, evidence: `${topic}: a duplicate counted by the tally but not reported` });
      }
      const refDuplicates = reference ? [...Array(count).keys()].filter((i) => reference.copies(topic, `${tag}-${i}`) > 1).length : 0;
      const cycle = { cycle: c, success: r.success, fail: r.fail, double: r.double, missing: missing.length,
        refMissing: refMissing.length, duplicates: tally.duplicates, broker: judged.broker.length, client: judged.client.length,
        refDuplicates };
      result.cycles.push(cycle);
      result.sent += count;
      result.missing += missing.length;
      result.refMissing += refMissing.length;
      result.double += r.double;
      result.refDuplicates += refDuplicates;
      result.broker.push(...judged.broker);
      result.client.push(...judged.client);
      log(`cycle ${c}: ${JSON.stringify(cycle)}`);
      for (const d of [...judged.broker.slice(0, 3), ...judged.client.slice(0, 3)]) log(`  ${d.evidence}`);
      wire.forget(topic);
      reference?.forget(topic);
      sub.send(`forget ${topic}`);
      pub.send(`forget ${tag}`);
    }
    result.reference = reference !== null;
    return result;
  } finally {
    reference?.stop();
    await pub.stop();
    await sub.stop();
    await tap.close();
    await broker.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const started = Date.now();
  const r = await runRestartCycles({ cycles: opt('cycles', 20), count: opt('count', 1000), at: opt('at', 0.5),
    verbose: args.includes('--verbose'),
    log: (m) => console.log(`[restart +${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`) });
  const withDups = r.cycles.filter((c) => c.duplicates > 0).length;
  console.log(`${r.cycles.length} restarts, ${r.sent} QoS 2 messages: cycles with duplicates ${withDups}; ` +
    `duplicates ${r.broker.length + r.client.length} (resent by the broker ${r.broker.length}, client's ${r.client.length}); ` +
    `reference subscriber duplicates ${r.refDuplicates}; missing ${r.missing} (reference ${r.refMissing}); double completions ${r.double}`);
  process.exit(r.client.length || r.missing || r.double ? 1 : 0);
}
