// `npm run bench`: our MQTT clients beside MQTT.js, paho-mqtt, libmosquitto and Paho C.
//   node tests/bench/bench.bench.mjs            full run: several repetitions, writes tests/bench/REPORT.md
//   node tests/bench/bench.bench.mjs --smoke    every benchmark once, tiny counts, no figures worth reading;
//                                               writes build/bench-smoke/REPORT.md (never the committed one)
//   --only client,e2e,core,scale,size            run only these sections (the report shows what ran)
//   --report-only                                 rewrite the report from the last run's saved results
//
// Sections: 1 client cost alone (fake broker: cpp/blaster.cpp), 2 end to end through Mosquitto,
// 3 the core alone (Google Benchmark, cpp/core_bench.cpp), 4 idle clients at scale, 5 sizes.
// The fake broker or Mosquitto runs on one core and the client on the other (taskset), when the
// machine has two. Raw results: build/bench-results/<mode>.json. Nothing here asserts a speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeReport } from './js/report.mjs';
import { measureSizes } from './js/sizes.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '../..');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : null;
const wanted = (s) => !only || only.includes(s);
const JOBS = process.env.MQTT_JOBS || '2';
const buildDir = path.join(root, 'build/bench-cpp');
const resultsDir = path.join(root, 'build/bench-results');
const reportPath = smoke ? path.join(root, 'build/bench-smoke/REPORT.md') : path.join(benchDir, 'REPORT.md');

const ncpu = os.cpus().length;
const CLIENT_CPU = ncpu >= 2 ? 0 : null;
const PEER_CPU = ncpu >= 2 ? 1 : null;
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

const t0 = Date.now();
const notes = [];
const log = (...m) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s]`, ...m);

// ---------------------------------------------------------------------------------------------
// Set-up: npm packages of the peers, the C++ programs.

// npm packages of every folder (the peers here, playwright-core at the root, the wasm build's
// tools): the project's set-up script, which does nothing when they are up to date.
function ensureNpm() {
  execFileSync('bash', [path.join(root, 'tests/setup/deps.sh'), '--npm-only'], { stdio: 'inherit' });
}

// Ours in Node and Chromium: the wasm package as the sources are now (as the C++ is rebuilt).
// A failed build leaves those rows "not built" instead of stopping the other benchmarks.
let wasmBuilt = false;
function buildWasm() {
  log('build the wasm package (npm run build --prefix wasm)');
  const r = spawnSync('npm', ['run', 'build', '--prefix', path.join(root, 'wasm')], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`wasm build failed:\n${(r.stdout + r.stderr).split('\n').slice(-15).join('\n')}`);
  wasmBuilt = fs.existsSync(path.join(root, 'wasm/dist/mqtt_wasm.wasm'));
}

function buildCpp() {
  fs.mkdirSync(path.dirname(buildDir), { recursive: true });
  if (!fs.existsSync(path.join(buildDir, 'build.ninja'))) {
    log('configure build/bench-cpp (Release)');
    execFileSync('cmake', ['-S', benchDir, '-B', buildDir, '-G', 'Ninja', '-Wno-dev', '-DCMAKE_BUILD_TYPE=Release'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  log(`build build/bench-cpp (-j${JOBS})`);
  const r = spawnSync('cmake', ['--build', buildDir, '-j', JOBS], { encoding: 'utf8' });
  if (r.status !== 0) {
    // Build what can be built (a client still being written must not stop the others).
    console.log(r.stdout.split('\n').filter((l) => /error|FAILED/.test(l)).slice(0, 20).join('\n'));
    spawnSync('ninja', ['-C', buildDir, '-k', '0', '-j', JOBS], { stdio: 'ignore' });
  }
}

const bin = (name) => {
  const p = path.join(buildDir, name);
  return fs.existsSync(p) ? p : null;
};

// ---------------------------------------------------------------------------------------------
// Processes.

function pinned(cpu, cmd, argv) {
  if (cpu === null || !hasTaskset) return [cmd, argv];
  return ['taskset', ['-c', String(cpu), cmd, ...argv]];
}

// Runs a client program to completion; resolves with its RESULT json.
// Every process started here, killed when the driver ends or is stopped.
const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.log(`bench: ${sig}, stopping`);
    try { if (browser) await browser.close(); } catch { /* closing anyway */ }
    process.exit(130);
  });
}

function runClient(cmd, argv, { timeoutS = smoke ? 40 : 180, env } = {}) {
  const [c, a] = pinned(CLIENT_CPU, cmd, argv);
  return new Promise((resolve, reject) => {
    const child = track(spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line && code === 0) return resolve(JSON.parse(line.slice(7)));
      const why = signal ? `killed (${signal}${signal === 'SIGKILL' ? `, over ${timeoutS} s` : ''})` : `exit ${code}`;
      const partial = line ? ` partial: ${line.slice(7, 200)}` : '';
      reject(new Error(`${path.basename(cmd)} ${argv.join(' ')}: ${why}: ${err.trim().split('\n').slice(-2).join(' | ')}${partial}`));
    });
  });
}

// The fake broker, on the peer core. Resolves with { port, stop() }.
function startBlaster(mode, count) {
  const [c, a] = pinned(PEER_CPU, bin('blaster'), ['--mode', mode, '--count', String(count)]);
  const child = track(spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/PORT (\d+)/);
      if (m) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ port: Number(m[1]), stop: () => child.kill('SIGKILL') });
      }
    });
    child.on('exit', (code) => reject(new Error(`blaster exited (${code}) before listening`)));
  });
}

async function startMosquitto({ nagle = false } = {}) {
  const { startBroker } = await import('../fixtures/broker.mjs');
  // No Nagle on the broker's sockets (a latency test otherwise measures delayed ACKs) unless
  // asked for: Mosquitto's default keeps it on, as most users run it. Room for the clients' window
  // of 100 unfinished QoS 1/2 messages (with the default of 20, Mosquitto drops a 3.1.1 client
  // that has more QoS 2 messages in flight) and for queued messages; as many connections as the
  // file limit allows.
  const broker = await startBroker({
    extraConfig: [nagle ? '' : 'set_tcp_nodelay true', 'max_inflight_messages 1000',
      'max_queued_messages 100000', 'max_connections -1'].join('\n'),
  });
  if (PEER_CPU !== null && hasTaskset) spawnSync('taskset', ['-a', '-p', '-c', String(PEER_CPU), String(broker.pid)]);
  return broker;
}

// ---------------------------------------------------------------------------------------------
// Statistics.

function summarize(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

// One label's runs: every field that is a number is summarized; logged on one line.
function summarizeRuns(label, runs, errors) {
  const out = { label, reps: runs.length, errors };
  if (runs.length) {
    for (const k of Object.keys(runs[0])) {
      if (typeof runs[0][k] === 'number') out[k] = summarize(runs.map((r) => r[k]));
      else out[k] = runs[0][k];
    }
  }
  const s = out.msgs_per_s ? `${Math.round(out.msgs_per_s.median).toLocaleString('en-US')} msg/s` : '';
  const c = out.cpu_us_per_msg ? `, ${out.cpu_us_per_msg.median.toFixed(3)} µs CPU/msg` : '';
  const b = out.broker_cpu_us_per_msg ? ` (broker ${out.broker_cpu_us_per_msg.median.toFixed(3)})` : '';
  const p = out.p50_ms && out.p50_ms.median ? `, p50 ${out.p50_ms.median.toFixed(3)} ms p99 ${out.p99_ms.median.toFixed(3)} ms` : '';
  log(`${label}: ${runs.length ? s + c + b + p : 'FAILED'}${errors.length ? ` (${errors.length} failed: ${errors[0].slice(0, 300)})` : ''}`);
  return out;
}

// Runs each entry's fn() `reps` times, taking turns (a b c a b c ...), so that a change of the
// machine's load during a comparison falls on every client alike (runs of one client in a row
// would each meet a different load); one summary per entry, in the entries' order.
async function repeatTurns(reps, entries) {
  const runs = entries.map(() => []);
  const errors = entries.map(() => []);
  for (let i = 0; i < reps; i++) {
    for (const [k, e] of entries.entries()) {
      if (errors[k].length >= 2 && runs[k].length === 0) continue;  // it does not work: do not insist
      try {
        runs[k].push(await e.fn(i));
      } catch (err) {
        errors[k].push(err.message);
      }
    }
  }
  return entries.map((e, k) => summarizeRuns(e.label, runs[k], errors[k]));
}

const repeat = async (label, reps, fn) => (await repeatTurns(reps, [{ label, fn }]))[0];

// CPU seconds the broker has used so far (every thread), from the scheduler's nanosecond
// account; null where /proc does not tell.
function processCpuS(pid) {
  try {
    let ns = 0;
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1e9;
  } catch {
    return null;
  }
}

// Wraps a run against the broker: adds the broker's CPU µs per message (what this client's
// traffic costs the broker, which limits every fast client end to end).
const withBrokerCpu = (broker, fn) => async (i) => {
  const b0 = processCpuS(broker.pid);
  const r = await fn(i);
  const b1 = processCpuS(broker.pid);
  if (b0 !== null && b1 !== null && r.messages > 0) {
    r.broker_cpu_s = b1 - b0;
    r.broker_cpu_us_per_msg = ((b1 - b0) * 1e6) / r.messages;
  }
  return r;
};

// ---------------------------------------------------------------------------------------------
// The clients under test.

const nodeClient = path.join(benchDir, 'js/node-client.mjs');

function nativeClients() {
  return [
    { id: 'ours-native', name: 'ours (native C++)', ours: true, bin: bin('client_ours') },
    { id: 'libmosquitto', name: 'libmosquitto', bin: bin('client_mosquitto') },
    { id: 'paho-c', name: 'Paho C (MQTTAsync)', bin: bin('client_paho') },
  ];
}
const nodeClients = () => [
  { id: 'ours-wasm-node', name: 'ours (wasm) in Node', ours: true, lib: 'wasm', available: wasmBuilt },
  { id: 'mqttjs-node', name: 'MQTT.js in Node', lib: 'mqttjs', available: true },
];
const browserClients = () => [
  { id: 'ours-wasm-chromium', name: 'ours (wasm) in Chromium', ours: true, lib: 'wasm', available: wasmBuilt },
  { id: 'mqttjs-chromium', name: 'MQTT.js in Chromium', lib: 'mqttjs', available: true },
  { id: 'paho-chromium', name: 'paho-mqtt in Chromium', lib: 'paho', available: true },
];

const cliArgs = (o) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, String(v)]);

let browser = null;
async function getBrowser() {
  if (!browser) {
    const { openBrowser } = await import('./js/browser.mjs');
    browser = await openBrowser({ cpu: CLIENT_CPU });
  }
  return browser;
}

// ---------------------------------------------------------------------------------------------
// Section 1: the client's own cost, against the fake broker.

// Messages per run: each run should take about a second or two for that client.
const COUNTS = smoke
  ? { 'ours-native': 20000, libmosquitto: 20000, 'paho-c': 5000, node: 10000, chromium: 5000 }
  : { 'ours-native': 2000000, libmosquitto: 500000, 'paho-c': 150000, node: 300000, chromium: 150000 };
const REPS = smoke ? 1 : 3;
const E2E_REPS = smoke ? 1 : 3;

// A smoke run starts every program once (each client, each host) and skips the repetitions of
// the same program with other parameters.
const SMOKE_SKIP = (what) => smoke && what;

async function sectionClient() {
  const rows = [];
  for (const mode of ['recv', 'pub']) {
    const blasterMode = mode === 'recv' ? 'blast' : 'sink';
    for (const c of nativeClients()) {
      if (!c.bin) { rows.push({ ...c, mode, transport: 'tcp', missing: 'not built' }); continue; }
      const count = COUNTS[c.id];
      const r = await repeat(`client ${mode} ${c.id} tcp`, REPS, async () => {
        const b = await startBlaster(blasterMode, count);
        try { return await runClient(c.bin, cliArgs({ mode, port: b.port, count })); } finally { b.stop(); }
      });
      rows.push({ ...c, mode, transport: 'tcp', ...r, bin: undefined });
    }
    for (const c of nodeClients()) {
      for (const transport of ['tcp', 'ws']) {
        if (!c.available) { rows.push({ ...c, mode, transport, missing: 'wasm/dist not built' }); continue; }
        if (SMOKE_SKIP(transport !== (mode === 'recv' ? 'tcp' : 'ws'))) continue;
        const count = COUNTS.node;
        const r = await repeat(`client ${mode} ${c.id} ${transport}`, REPS, async () => {
          const b = await startBlaster(blasterMode, count);
          try {
            return await runClient(process.execPath, [nodeClient, ...cliArgs({ lib: c.lib, mode, transport, port: b.port, count })]);
          } finally { b.stop(); }
        });
        rows.push({ ...c, mode, transport, ...r });
      }
    }
    for (const c of browserClients()) {
      if (!c.available) { rows.push({ ...c, mode, transport: 'ws', missing: 'wasm/dist not built' }); continue; }
      if (SMOKE_SKIP(mode !== 'recv')) continue;
      const count = COUNTS.chromium;
      const r = await repeat(`client ${mode} ${c.id} ws`, REPS, async () => {
        const br = await getBrowser();
        const b = await startBlaster(blasterMode, count);
        try { return await br.run(c.lib, { mode, transport: 'ws', host: '127.0.0.1', port: b.port, count }); } finally { b.stop(); }
      });
      rows.push({ ...c, mode, transport: 'ws', ...r });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Section 2: end to end through Mosquitto.

function e2eCount(qos, payload) {
  if (smoke) return 500;
  if (payload > 1000) return qos === 0 ? 20000 : 5000;
  return [100000, 30000, 15000][qos];
}

// Every client of one cell (same payload, QoS, window and count; rtt: same rounds), as
// { client, transport, label, fn } entries for repeatTurns.
function e2eEntries(broker, params, { skipJs = false, clients = null, tag = '' } = {}) {
  const what = (params.mode === 'e2e' ? `e2e qos${params.qos} ${params.payload}B` : `rtt qos${params.qos}`) + tag;
  const entries = [];
  const add = (c, transport, fn) => entries.push({ client: c, transport, label: `${what} ${c.id}${transport === 'ws' ? ' ws' : ''}`, fn: withBrokerCpu(broker, fn) });
  for (const c of nativeClients()) {
    if (!c.bin || (clients && !clients.includes(c.id))) continue;
    add(c, 'tcp', () => runClient(c.bin, cliArgs({ ...params, port: broker.tcpPort })));
  }
  for (const c of nodeClients()) {
    if (!c.available || skipJs || (params.mode === 'rtt' && SMOKE_SKIP(true))) continue;
    add(c, 'ws', () => runClient(process.execPath, [nodeClient, ...cliArgs({ lib: c.lib, transport: 'ws', port: broker.wsPort, ...params })]));
  }
  for (const c of browserClients()) {
    if (!c.available || skipJs || SMOKE_SKIP(params.mode === 'rtt' || !c.ours)) continue;
    // Every client in Chromium moves a few thousand messages/s through Mosquitto (one
    // WebSocket frame per packet each way): a tenth of the count keeps a run near 3 s.
    const count = smoke || params.mode === 'rtt' ? params.count : Math.max(500, Math.round(params.count / 10));
    add(c, 'ws', async () => (await getBrowser()).run(c.lib, { ...params, count, transport: 'ws', host: '127.0.0.1', port: broker.wsPort }));
  }
  return entries;
}

async function runCell(broker, params, options) {
  const entries = e2eEntries(broker, params, options);
  const results = await repeatTurns(E2E_REPS, entries);
  return entries.map((e, k) => ({ ...e.client, ...params, transport: e.transport, ...results[k], bin: undefined }));
}

async function sectionE2e() {
  const broker = await startMosquitto();
  const rows = [];
  const rttRounds = smoke ? 50 : 2000;
  try {
    for (const payload of smoke ? [64] : [64, 16384]) {
      for (const qos of smoke ? [1] : [0, 1, 2]) {
        const count = e2eCount(qos, payload);
        const params = { mode: 'e2e', qos, payload, count, window: 100, timeout: smoke ? 20 : 40 };
        // Mosquitto 2.0's WebSocket listener holds each 16 KiB message for 100-200 ms (5-10
        // messages/s whatever the client): a figure of the broker, not of the JavaScript clients.
        const skipJs = payload > 4096;
        if (skipJs && qos === 0) notes.push('End to end with 16 KiB payloads is measured for the native clients only: Mosquitto 2.0\'s WebSocket listener delivers 16 KiB messages at 5–10 per second whichever JavaScript client sends them (each waits 100–200 ms in the broker), so those runs would measure the broker.');
        rows.push(...await runCell(broker, params, { skipJs }));
      }
    }
    for (const qos of smoke ? [1] : [0, 1]) {
      rows.push(...await runCell(broker, { mode: 'rtt', qos, payload: 64, count: rttRounds }));
    }
  } finally {
    await broker.stop();
  }
  // Ours and libmosquitto again through a Mosquitto with its default Nagle: it holds a small
  // packet until the previous one is acknowledged, so a client that delays its ACKs waits ~40 ms
  // (the delayed-ACK timer) now and then. (Paho C's own Nagle already costs it 40 ms per QoS 1
  // round trip, with either broker.)
  const nagle = await startMosquitto({ nagle: true });
  try {
    for (const qos of smoke ? [1] : [0, 1]) {
      const params = { mode: 'rtt', qos, payload: 64, count: rttRounds };
      const cell = await runCell(nagle, params, { skipJs: true, clients: ['ours-native', 'libmosquitto'], tag: ' (broker Nagle on)' });
      rows.push(...cell.map((r) => ({ ...r, broker: 'nagle' })));
    }
  } finally {
    await nagle.stop();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Section 3: the core alone.

async function sectionCore() {
  const exe = bin('core_bench');
  if (!exe) return { missing: 'core_bench not built (libbenchmark-dev?)' };
  const out = path.join(resultsDir, 'core_bench.json');
  const extra = smoke ? ['--benchmark_min_time=0.01'] : ['--benchmark_repetitions=3', '--benchmark_min_time=0.2'];
  const [c, a] = pinned(CLIENT_CPU, exe, [...extra, `--benchmark_out=${out}`, '--benchmark_out_format=json']);
  log('core_bench (Google Benchmark)');
  const r = spawnSync(c, a, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600000 });
  if (r.status !== 0) return { missing: `core_bench failed (exit ${r.status})` };
  // Google Benchmark writes NaN (e.g. the coefficient of variation of a zero counter).
  const json = JSON.parse(fs.readFileSync(out, 'utf8').replace(/\bNaN\b/g, 'null'));
  // With repetitions, keep the median aggregate (and min/max of the repetitions).
  const byName = new Map();
  for (const b of json.benchmarks) {
    const name = b.run_name || b.name;
    if (!byName.has(name)) byName.set(name, { name, label: b.label, reps: [] });
    const e = byName.get(name);
    if (b.run_type === 'aggregate') {
      if (b.aggregate_name === 'median') e.median = b;
    } else {
      e.reps.push(b);
    }
  }
  const rows = [...byName.values()].map((e) => {
    const m = e.median || e.reps[0];
    const cpu = e.reps.map((x) => x.cpu_time);
    return {
      name: e.name, label: e.label, unit: m.time_unit, cpu_time: m.cpu_time, real_time: m.real_time,
      cpu_min: Math.min(...cpu), cpu_max: Math.max(...cpu), allocs: m.allocs, ns_per_msg: m.ns_per_msg,
      items_per_second: m.items_per_second, reps: e.reps.length,
    };
  });
  return { context: json.context, rows };
}

// ---------------------------------------------------------------------------------------------
// Section 4: idle clients at scale.

async function sectionScale() {
  const exe = bin('idle_ours');
  if (!exe) return { missing: 'idle_ours not built (native/ missing?)' };
  const sizes = smoke ? [1, 50] : [1, 1000, 10000];
  const keepalive = smoke ? 1 : 5;
  const rounds = smoke ? 1 : 3;
  const nofile = Number(spawnSync('bash', ['-c', 'ulimit -n']).stdout.toString().trim()) || 0;
  const rows = [];
  for (const n of sizes) {
    const broker = await startMosquitto();
    try {
      const r = await repeat(`scale ${n} idle clients`, smoke ? 1 : 2, () =>
        runClient(exe, cliArgs({ port: broker.tcpPort, clients: n, keepalive, rounds }), { timeoutS: 300 }));
      rows.push({ ...r, clients: n });
    } finally {
      await broker.stop();
    }
  }
  return { nofile, keepalive, rounds, rows };
}

// ---------------------------------------------------------------------------------------------
// Environment.

function cmdOut(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return (e.stdout || '').toString().trim() || null;
  }
}
const dpkgVersion = (p) => cmdOut('dpkg-query', ['-W', '-f=${Version}', p]);
const npmVersion = (p) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(benchDir, 'node_modules', p, 'package.json'), 'utf8')).version;
  } catch { return null; }
};

function environment() {
  const cpuModel = os.cpus()[0]?.model || 'unknown';
  return {
    date: new Date().toISOString(),
    commit: cmdOut('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    dirty: Boolean(cmdOut('git', ['-C', root, 'status', '--porcelain', '--', 'core', 'native', 'wasm'])),
    nproc: ncpu,
    cpuModel,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    loadavg: os.loadavg(),
    pinning: CLIENT_CPU !== null && hasTaskset ? { client: CLIENT_CPU, peer: PEER_CPU } : null,
    versions: {
      node: process.version,
      gcc: cmdOut('gcc', ['-dumpfullversion']),
      mosquitto: dpkgVersion('mosquitto'),
      libmosquitto: dpkgVersion('libmosquitto-dev'),
      pahoC: dpkgVersion('libpaho-mqtt-dev'),
      benchmark: dpkgVersion('libbenchmark-dev'),
      chromium: dpkgVersion('chromium'),
      emscripten: dpkgVersion('emscripten'),
      mqttjs: npmVersion('mqtt'),
      pahoJs: npmVersion('paho-mqtt'),
      ws: npmVersion('ws'),
      mqttWasm: (() => {
        try { return JSON.parse(fs.readFileSync(path.join(root, 'wasm/package.json'), 'utf8')).version; } catch { return null; }
      })(),
    },
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  log(`${smoke ? 'smoke run (numbers mean nothing)' : 'full run'}; ${ncpu} CPUs; ` +
    `${CLIENT_CPU !== null && hasTaskset ? `client on CPU ${CLIENT_CPU}, broker/fake peer on CPU ${PEER_CPU}` : 'no pinning'}`);
  ensureNpm();
  buildCpp();
  if (wanted('client') || wanted('e2e') || wanted('size')) buildWasm();
  fs.mkdirSync(resultsDir, { recursive: true });
  const env = environment();
  const results = { smoke, env, sections: {}, notes };
  const resultsFile = path.join(resultsDir, smoke ? 'smoke.json' : 'full.json');
  if (only && fs.existsSync(resultsFile)) {
    // --only re-runs some sections: the others keep the last run's results.
    const previous = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    Object.assign(results.sections, previous.sections);
    for (const n of previous.notes || []) if (!notes.includes(n)) notes.push(n);
    results.env = { ...previous.env, rerun: { date: env.date, sections: only, loadavg: env.loadavg } };
  }
  const failures = [];
  const section = async (name, fn) => {
    if (!wanted(name)) return;
    const t = Date.now();
    try {
      results.sections[name] = await fn();
    } catch (e) {
      results.sections[name] = { missing: e.message };
      failures.push(`${name}: ${e.message}`);
    }
    log(`section ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    fs.writeFileSync(resultsFile, JSON.stringify(results, null, 1));  // a stopped run keeps what it measured
  };
  try {
    await section('client', sectionClient);
    await section('e2e', sectionE2e);
  } finally {
    if (browser) await browser.close();
    browser = null;
  }
  await section('core', sectionCore);
  await section('scale', sectionScale);
  await section('size', () => measureSizes({ root, benchDir, smoke, log }));
  if (!only) {
    results.env.loadavgEnd = os.loadavg();
    results.env.seconds = Math.round((Date.now() - t0) / 1000);
  }
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 1));
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  writeReport(results, reportPath);
  // Rows that failed: the run is reported as failed (a benchmark that no longer runs is a bug).
  for (const s of Object.values(results.sections)) {
    const rows = Array.isArray(s) ? s : s && s.rows ? s.rows : [];
    for (const r of rows) if (r.errors && r.errors.length && !r.reps) failures.push(`${r.label}: ${r.errors[0]}`);
  }
  log(`report: ${path.relative(root, reportPath)}; raw results: ${path.relative(root, resultsFile)}`);
  if (failures.length) {
    console.log(`${failures.length} benchmark(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

if (args.includes('--report-only')) {
  // Rewrites the report from the saved results of the last run (after editing analysis.md).
  const file = path.join(resultsDir, smoke ? 'smoke.json' : 'full.json');
  writeReport(JSON.parse(fs.readFileSync(file, 'utf8')), reportPath);
  console.log(`report: ${path.relative(root, reportPath)} (from ${path.relative(root, file)})`);
} else {
  await main();
}
