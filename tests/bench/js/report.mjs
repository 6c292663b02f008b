// Writes the benchmark report (markdown) from the results the driver collected.
import fs from 'node:fs';

const fmtInt = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const fmt = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const med = (s) => (s && typeof s === 'object' ? s.median : s);
const range = (s, f) => (s && typeof s === 'object' && s.n > 1 ? ` (${f(s.min)}–${f(s.max)})` : '');
const kb = (b) => (b === undefined ? '–' : `${(b / 1024).toFixed(1)} KB`);

function rowFor(rows, id, mode, transport, extra = {}) {
  return (rows || []).find((r) => r.id === id && r.mode === mode && (!transport || r.transport === transport) &&
    Object.entries(extra).every(([k, v]) => med(r[k]) === v) && r.reps);
}

// CPU use during the run, as a share of one core: near 100 % means the client itself was the limit.
function limit(r) {
  const cpu = med(r.cpu_s), s = med(r.seconds);
  if (!cpu || !s) return '';
  const use = cpu / s;
  let why;
  if (use >= 0.85) why = 'client CPU';
  else if (r.mode === 'e2e' || r.mode === 'rtt') why = 'broker / round trips';
  else why = 'peer or scheduling (client waited)';
  return `${Math.round(use * 100)} %: ${why}`;
}

function ratioCell(ours, peer, key = 'msgs_per_s', higherBetter = true) {
  const a = med(ours?.[key]), b = med(peer?.[key]);
  if (!a || !b) return null;
  return higherBetter ? a / b : b / a;
}

function verdict(ratio, goal) {
  if (ratio === null || ratio === undefined) return 'not measured';
  return ratio >= goal ? `**met** (${fmt(ratio)}×)` : `**missed** (${fmt(ratio)}×, ${fmt(goal / ratio)}× short)`;
}

export function writeReport(results, file) {
  const { env, sections, smoke } = results;
  const L = [];
  const p = (s = '') => L.push(s);
  p('# Benchmarks: our MQTT clients beside MQTT.js, paho-mqtt, libmosquitto and Paho C');
  p();
  if (smoke) {
    p('> **Smoke run** (`npm run bench -- --smoke`): every benchmark ran once with tiny counts to prove it works. ' +
      'The figures below mean nothing; `npm run bench` gives the real ones.');
    p();
  }
  p(`Written by \`npm run bench\` (tests/bench/bench.bench.mjs) on ${env.date.slice(0, 16).replace('T', ' ')} UTC ` +
    `at commit ${env.commit}${env.dirty ? ' (with uncommitted changes in core/, native/ or wasm/)' : ''}, in ${Math.round(env.seconds / 60)} min. ` +
    'Raw results: build/bench-results/. Every figure is the median of the repetitions, with min–max in brackets.' +
    (env.rerun ? ` Section(s) ${env.rerun.sections.join(', ')} re-run on ${env.rerun.date.slice(0, 16).replace('T', ' ')} UTC.` : ''));
  p();
  p('## Machine');
  p();
  p(`- ${env.nproc} CPUs: ${env.cpuModel}; ${env.memGiB} GiB; Linux ${env.kernel}.`);
  p(`- Load average (1/5/15 min) at the start: ${env.loadavg.map((x) => x.toFixed(1)).join(' / ')}; at the end: ${(env.loadavgEnd || []).map((x) => x.toFixed(1)).join(' / ')}. ` +
    'The machine is shared: other work running at the same time lowers every wall-clock figure (messages/s, latency) ' +
    'and leaves CPU time per message nearly untouched, so compare CPU per message where the two disagree.');
  p(env.pinning
    ? `- Pinned with \`taskset\`: the client (or every Chromium process) on CPU ${env.pinning.client}; the fake broker / sink or Mosquitto on CPU ${env.pinning.peer}.`
    : '- Not pinned (one CPU or no taskset).');
  p('- CPU time is user + system of the whole client process over the measured interval (getrusage, process.cpuUsage(), ' +
    'or /proc for all Chromium processes: browser, renderer and network service, which holds the WebSocket).');
  p();
  const v = env.versions;
  p('| component | version |');
  p('|---|---|');
  for (const [k, name] of [['mqttWasm', 'mqtt-wasm (ours)'], ['gcc', 'gcc (our native build, -O2 Release)'], ['emscripten', 'Emscripten'],
    ['node', 'Node'], ['chromium', 'Chromium'], ['mosquitto', 'Mosquitto broker'], ['libmosquitto', 'libmosquitto'],
    ['pahoC', 'Paho C (libpaho-mqtt)'], ['mqttjs', 'MQTT.js (npm mqtt)'], ['pahoJs', 'paho-mqtt (npm)'], ['ws', 'ws (npm)'],
    ['benchmark', 'Google Benchmark']]) p(`| ${name} | ${v[k] || '–'} |`);
  p();

  // ----------------------------------------------------------------------------------- targets
  const client = Array.isArray(sections.client) ? sections.client : [];
  const e2e = Array.isArray(sections.e2e) ? sections.e2e : [];
  const targets = [];
  const t = (name, goal, ratio, detail) => targets.push({ name, goal, ratio, detail });
  const pair = (name, goal, oursId, peerId, mode, transport) => {
    const a = rowFor(client, oursId, mode, transport), b = rowFor(client, peerId, mode, transport);
    const r = ratioCell(a, b);
    const cpu = ratioCell(a, b, 'cpu_us_per_msg', false);
    const use = (x) => (med(x.cpu_s) && med(x.seconds) ? med(x.cpu_s) / med(x.seconds) : null);
    let detail = a && b ? `${fmtInt(med(a.msgs_per_s))} vs ${fmtInt(med(b.msgs_per_s))} msg/s; CPU per message: ${cpu ? (cpu >= 1 ? `${fmt(cpu)}× less` : `${fmt(1 / cpu)}× more`) : '–'}` : 'not measured';
    if (a && b && use(a) !== null && use(a) < 0.85) {
      detail += ` (ours used ${Math.round(use(a) * 100)} % of its core: it waited for the peer, so the CPU ratio is the better measure of what it can do)`;
    }
    t(name, goal, r, detail);
  };
  pair('native receive from the blaster ≥ 5× libmosquitto', 5, 'ours-native', 'libmosquitto', 'recv', 'tcp');
  pair('native publish into the sink ≥ 3× libmosquitto', 3, 'ours-native', 'libmosquitto', 'pub', 'tcp');
  for (const mode of ['recv', 'pub']) for (const tr of ['tcp', 'ws']) {
    pair(`wasm in Node ≥ 1.5× MQTT.js in Node (${mode === 'recv' ? 'receive' : 'publish'}, ${tr === 'ws' ? 'WebSocket' : 'TCP'})`, 1.5, 'ours-wasm-node', 'mqttjs-node', mode, tr);
  }
  for (const mode of ['recv', 'pub']) {
    pair(`wasm in Chromium ≥ 2× MQTT.js in Chromium (${mode === 'recv' ? 'receive' : 'publish'})`, 2, 'ours-wasm-chromium', 'mqttjs-chromium', mode, 'ws');
  }
  // End to end: never below the best peer, per QoS and payload.
  const groups = [
    ['native', 'ours-native', ['libmosquitto', 'paho-c']],
    ['Node', 'ours-wasm-node', ['mqttjs-node']],
    ['Chromium', 'ours-wasm-chromium', ['mqttjs-chromium', 'paho-chromium']],
  ];
  for (const [where, oursId, peers] of groups) {
    let worst = null, worstAt = '';
    for (const payload of [64, 16384]) for (const qos of [0, 1, 2]) {
      const a = rowFor(e2e, oursId, 'e2e', null, { qos, payload });
      const best = peers.map((id) => rowFor(e2e, id, 'e2e', null, { qos, payload })).filter(Boolean)
        .sort((x, y) => med(y.msgs_per_s) - med(x.msgs_per_s))[0];
      const r = ratioCell(a, best);
      if (r !== null && (worst === null || r < worst)) { worst = r; worstAt = `QoS ${qos}, ${payload} B: ${fmtInt(med(a.msgs_per_s))} vs ${best.name} ${fmtInt(med(best.msgs_per_s))} msg/s`; }
    }
    t(`end to end (${where}) never below the best peer`, 1, worst, worst === null ? 'not measured' : `worst case ${worstAt}`);
  }
  const rtt = rowFor(e2e.filter((r) => !r.broker), 'ours-native', 'rtt', null, { qos: 1 });
  const rttP50 = med(rtt?.p50_ms);
  t('native QoS 1 round trip p50 < 0.5 ms', 1, rttP50 ? 0.5 / rttP50 : null, rttP50 ? `p50 ${fmt(rttP50, 3)} ms, p99 ${fmt(med(rtt.p99_ms), 3)} ms` : 'not measured');
  const scale = sections.scale?.rows || [];
  const s10k = scale.find((r) => med(r.clients) === 10000 && r.reps);
  const per = med(s10k?.bytes_per_client);
  t('10,000 idle native clients ≤ 1 KB each', 1, per ? 1024 / per : null,
    s10k ? `${fmtInt(per)} B per client (${fmtInt(med(s10k.connected))} connected)` : (scale.length ? 'not reached (see Scale)' : 'not measured'));
  const total = (sections.size?.js || []).find((r) => r.id === 'ours-total');
  t('npm package ≤ 40 KB gzip (wasm + JavaScript a page loads)', 1, total ? 40960 / total.gzip : null, total ? `${kb(total.gzip)} gzip` : 'not measured');
  for (const vrt of sections.size?.cortexM4?.variants || []) {
    const goal = vrt.tag === 'v5' ? 15 * 1024 : 8 * 1024;
    const core = vrt.port?.core?.flash ?? vrt.core?.core?.flash;
    t(`Cortex-M4 core ${vrt.tag === 'v5' ? 'full' : '3.1.1-only'} ≤ ${goal / 1024} KB`, 1, core ? goal / core : null,
      core ? `core ${kb(core)} flash${vrt.port ? ` (core + port program: ${kb(vrt.port.text + vrt.port.data)})` : ''}` : (vrt.missing || 'not measured'));
  }

  p('## Targets');
  p();
  p('Ratio: our figure ÷ the peer\'s (higher is better); for limits, the limit ÷ our figure. "Short" says by how much a missed target is missed.');
  p();
  p('| target | result | figures |');
  p('|---|---|---|');
  for (const x of targets) p(`| ${x.name} | ${verdict(x.ratio, x.goal)} | ${x.detail} |`);
  p();

  // ------------------------------------------------------------------------- section 1 table
  const clientTable = (title, rows) => {
    p(title);
    p();
    p('| client | transport | messages/s | CPU µs per message | CPU use: limited by | runs |');
    p('|---|---|---:|---:|---|---:|');
    for (const r of rows) {
      if (r.missing) { p(`| ${r.name} | ${r.transport} | ${r.missing} | | | |`); continue; }
      if (!r.reps) { p(`| ${r.name} | ${r.transport} | failed: ${(r.errors[0] || '').slice(0, 120).replace(/\|/g, '/')} | | | 0 |`); continue; }
      p(`| ${r.ours ? `**${r.name}**` : r.name} | ${r.transport} | ${fmtInt(med(r.msgs_per_s))}${range(r.msgs_per_s, fmtInt)} | ` +
        `${fmt(med(r.cpu_us_per_msg), 3)}${range(r.cpu_us_per_msg, (x) => fmt(x, 3))} | ${limit(r)} | ${r.reps} |`);
    }
    p();
  };
  if (client.length) {
    p('## 1. The client alone, against a fake broker');
    p();
    p('tests/bench/cpp/blaster.cpp answers CONNECT and SUBSCRIBE, then writes pre-encoded QoS 0 PUBLISH packets ' +
      '(64-byte payload, topic `bench/blast`) in 64 KiB writes as fast as the socket drains (one WebSocket frame per write). ' +
      'Receive: messages/s from the first to the last message delivered to the `message` handler. Publish: the client ' +
      'publishes QoS 0 messages as fast as it can (at most 1000 unfinished), the sink counts them and closes the ' +
      'connection after the last one; the clock stops when the client sees that close. Each client is driven the ' +
      'way that costs it least: ours on a Loop run by the main thread, libmosquitto with `mosquitto_loop()` on the ' +
      'main thread, Paho C with its own threads (MQTTAsync), the JavaScript clients in their event loop.');
    p();
    clientTable('### Receive (blaster → client)', client.filter((r) => r.mode === 'recv'));
    clientTable('### Publish (client → sink)', client.filter((r) => r.mode === 'pub'));
  }

  // ------------------------------------------------------------------------- section 2 table
  if (e2e.length) {
    p('## 2. End to end through Mosquitto');
    p();
    p('One connection subscribes to a topic and publishes to it; messages/s counts ' +
      'what came back. Mosquitto runs with `set_tcp_nodelay true`, `max_inflight_messages 1000` (with the default 20 it ' +
      'drops a 3.1.1 client that has more QoS 2 publishes in flight) and `max_queued_messages 100000` (no drops). ' +
      'Native clients use TCP, JavaScript clients WebSocket; in Chromium a tenth of the messages per run. Round trip: ' +
      'publish one 64-byte message, wait for it to come back, 2,000 times or 20 s, whichever ends first. ' +
      'The clients of one cell take turns (each client\'s first run, then each one\'s second...), so a change of load ' +
      'during the cell falls on all of them. At most 100 messages are unfinished: not yet completed (PUBACK, PUBCOMP, ' +
      'or written for QoS 0) or not yet back. The broker\'s CPU per message (from /proc) is what the client\'s traffic ' +
      'costs Mosquitto, which is single-threaded: on a quiet machine a fast client\'s messages/s approach 1 ÷ that ' +
      'figure; under load the broker gets only part of its core, so two clients that cost the broker the same differ in ' +
      'messages/s by the load they met.');
    p();
    for (const payload of [64, 16384]) {
      p(`### Throughput, ${payload === 64 ? '64-byte' : '16 KiB'} payload (messages/s; in brackets CPU µs per message of the client / of the broker)`);
      p();
      p('| client | QoS 0 | QoS 1 | QoS 2 |');
      p('|---|---:|---:|---:|');
      const ids = [...new Set(e2e.filter((r) => r.mode === 'e2e' && med(r.payload) === payload).map((r) => r.id))];
      for (const id of ids) {
        const cells = [0, 1, 2].map((qos) => {
          const r = e2e.find((x) => x.id === id && x.mode === 'e2e' && med(x.qos) === qos && med(x.payload) === payload);
          if (!r) return '–';
          if (!r.reps) return `failed: ${(r.errors[0] || '').slice(0, 60).replace(/\|/g, '/')}`;
          const broker = med(r.broker_cpu_us_per_msg);
          return `${fmtInt(med(r.msgs_per_s))}${range(r.msgs_per_s, fmtInt)} (${fmt(med(r.cpu_us_per_msg), 1)}${broker ? ` / ${fmt(broker, 1)}` : ''})`;
        });
        const r0 = e2e.find((x) => x.id === id);
        p(`| ${r0.ours ? `**${r0.name}**` : r0.name} | ${cells.join(' | ')} |`);
      }
      p();
    }
    const rttTable = (broker) => {
      p('| client | QoS 0 p50 ms | QoS 0 p99 ms | QoS 1 p50 ms | QoS 1 p99 ms |');
      p('|---|---:|---:|---:|---:|');
      const rows = e2e.filter((r) => r.mode === 'rtt' && r.broker === broker);
      for (const id of [...new Set(rows.map((r) => r.id))]) {
        const c = (qos, k) => {
          const r = rows.find((x) => x.id === id && med(x.qos) === qos);
          if (!r) return '–';
          if (!r.reps) return 'failed';
          return `${fmt(med(r[k]), 3)}${range(r[k], (x) => fmt(x, 3))}`;
        };
        const r0 = rows.find((x) => x.id === id);
        p(`| ${r0.ours ? `**${r0.name}**` : r0.name} | ${c(0, 'p50_ms')} | ${c(0, 'p99_ms')} | ${c(1, 'p50_ms')} | ${c(1, 'p99_ms')} |`);
      }
      p();
    };
    p('### Round trip latency (64-byte payload)');
    p();
    rttTable(undefined);
    if (e2e.some((r) => r.broker === 'nagle')) {
      p('### Round trip latency through a Mosquitto with its default `set_tcp_nodelay false` (native clients)');
      p();
      p('Mosquitto\'s default: Nagle on its sockets, so a small packet waits until the previous one is acknowledged; ' +
        'a client that delays its ACKs meets the 40 ms delayed-ACK timer.');
      p();
      rttTable('nagle');
    }
  }

  // ------------------------------------------------------------------------- section 3 table
  const core = sections.core;
  if (core) {
    p('## 3. The core alone (Google Benchmark)');
    p();
    if (core.missing) p(core.missing);
    else {
      p('tests/bench/cpp/core_bench.cpp, -O2. CPU time per operation (median of the repetitions, min–max); ' +
        '`allocs` counts calls of the global operator new per operation. Codec: one packet; DecoderStream: ' +
        'per packet of a stream of 64-byte QoS 0 PUBLISH fed in 64 KiB or 1460-byte chunks; Engine: a connected ' +
        'mqtt::Engine with a host that drops the bytes.');
      p();
      p('| benchmark | what | CPU time | allocs |');
      p('|---|---|---:|---:|');
      for (const r of core.rows) {
        const perItem = /Stream|EngineReceive/.test(r.name);
        const time = perItem && r.items_per_second ? `${fmt(1e9 / r.items_per_second, 1)} ns per message` :
          `${fmt(r.cpu_time, 1)} ${r.unit}${r.reps > 1 ? ` (${fmt(r.cpu_min, 1)}–${fmt(r.cpu_max, 1)})` : ''}`;
        p(`| ${r.name.replace(/^BM_/, '')} | ${r.label || ''} | ${time} | ${r.allocs === undefined ? '–' : fmt(r.allocs, 3)} |`);
      }
    }
    p();
  }

  // ------------------------------------------------------------------------- section 4 table
  const sc = sections.scale;
  if (sc) {
    p('## 4. Idle clients at scale (native, one process, one thread)');
    p();
    if (sc.missing) p(sc.missing);
    else {
      p(`tests/bench/cpp/idle_clients.cpp: N clients of ours on one mqtt::Loop, connected to Mosquitto in batches of 250, ` +
        `keep-alive ${sc.keepalive} s; memory is the resident-set growth after one warm-up client, divided by N; CPU is ` +
        `measured over ${sc.rounds} keep-alive intervals. File descriptor limit: ${sc.nofile} (Mosquitto inherits it).`);
      p();
      p('| clients | connected | RSS per client | live heap per client (allocations) | CPU µs per client per keep-alive round | connect time |');
      p('|---:|---:|---:|---:|---:|---:|');
      for (const r of sc.rows) {
        if (!r.reps) { p(`| ${fmtInt(med(r.clients))} | failed: ${(r.errors[0] || '').slice(0, 120)} | | | | |`); continue; }
        const heap = r.heap_bytes_per_client ? `${fmtInt(med(r.heap_bytes_per_client))} B (${fmt(med(r.heap_allocs_per_client), 1)})` : '';
        p(`| ${fmtInt(med(r.clients))} | ${fmtInt(med(r.connected))} | ${fmtInt(med(r.bytes_per_client))} B | ${heap} | ${fmt(med(r.cpu_us_per_client_round), 2)} | ${fmt(med(r.connect_seconds), 2)} s |`);
      }
    }
    p();
  }

  // ------------------------------------------------------------------------- section 5 table
  const sz = sections.size;
  if (sz) {
    p('## 5. Size');
    p();
    p('What a page downloads: for ours the files of the package\'s `browser` export (the .wasm and the minified bundle of ' +
      'loader and API; each file compressed on its own and summed); for the peers their minified browser bundle. ' +
      'gzip -9 and brotli -11 (Node zlib).');
    p();
    p('| what | files | raw | gzip | brotli |');
    p('|---|---:|---:|---:|---:|');
    for (const r of sz.js) p(`| ${r.total ? `**${r.name}**` : r.name} | ${r.files} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
    if (sz.missingWasm) p(`| mqtt-wasm (ours) | ${sz.missingWasm} | | | |`);
    p();
    if (sz.npmPack) p(`\`npm pack\` of wasm/: ${kb(sz.npmPack.size)} tarball, ${kb(sz.npmPack.unpackedSize)} unpacked, ${sz.npmPack.entryCount} files.`);
    p();
    const cm = sz.cortexM4;
    if (cm) {
      p('### Cortex-M4 (arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -Os, --gc-sections, newlib-nano)');
      p();
      p('Built from tests/size (the build engineer\'s size project; the device port adds `mqtt_size_port`). ' +
        '"core" is the flash taken by libmqtt_core.a objects in the linked program (from the map file).');
      p();
      if (cm.missing) p(cm.missing);
      p('| build | core flash | whole program text + data / bss | with device port: text + data / bss | largest core objects (text, before gc) |');
      p('|---|---:|---:|---:|---|');
      for (const vr of cm.variants) {
        if (vr.missing) { p(`| ${vr.label} | ${vr.missing} | | | |`); continue; }
        const prog = (e) => (e ? `${kb(e.text + e.data)} / ${fmtInt(e.bss)} B` : '–');
        const coreFlash = vr.port?.core?.flash ?? vr.core?.core?.flash;
        p(`| ${vr.label} | ${kb(coreFlash)} | ${prog(vr.core)} | ${prog(vr.port)} | ${(vr.objects || []).map((o) => `${o.object} ${fmtInt(o.text)}`).join(', ')} |`);
      }
      p();
    }
  }

  // The hand-written analysis of the last full run (what limits each missed target, profiles,
  // proposed fixes) lives beside the generated tables; a smoke run leaves it out.
  const analysis = new URL('../analysis.md', import.meta.url);
  if (!smoke && fs.existsSync(analysis)) {
    p(fs.readFileSync(analysis, 'utf8').trim());
    p();
  }

  if (results.notes && results.notes.length) {
    p('## Notes');
    p();
    for (const n of results.notes) p(`- ${n}`);
    p();
  }
  fs.writeFileSync(file, L.join('\n'));
}
