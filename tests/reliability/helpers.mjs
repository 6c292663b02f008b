// Shared by the reliability suites: the native driver (rel_client, built from this folder), the
// wasm package, waiting on state, and small accounting helpers.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// Where rel_client and the CLI are, in this order:
//  1. MQTT_REL_BUILD: a build of tests/reliability/CMakeLists.txt (standalone or in the main build);
//  2. the runner's trees, when tests/CMakeLists.txt has add_subdirectory(reliability):
//     build/ci-gcc (build/ci-asan with asan), already built by the native/asan suites;
//  3. build/reliability (build/reliability-asan), configured and built here (-j2) when missing.
// asan (MQTT_REL_ASAN=1): clang with AddressSanitizer + UBSan.
export function nativeBuild({ asan = process.env.MQTT_REL_ASAN === '1' } = {}) {
  const locate = (dir) => {
    const find = (name) => [path.join(dir, name), path.join(dir, 'tests', 'reliability', name)]
      .find((p) => fs.existsSync(p)) ?? null;
    const cli = [path.join(dir, 'mqtt', 'native', 'mqtt'), path.join(dir, 'native', 'mqtt')].find((p) => fs.existsSync(p)) ?? null;
    return { dir, client: find('rel_client'), cli };
  };
  if (process.env.MQTT_REL_BUILD) return locate(path.resolve(process.env.MQTT_REL_BUILD));
  const ci = locate(path.join(repoRoot, 'build', asan ? 'ci-asan' : 'ci-gcc'));
  if (ci.client && ci.cli && process.env.MQTT_REL_OWN_BUILD !== '1') return ci;
  const dir = path.join(repoRoot, 'build', asan ? 'reliability-asan' : 'reliability');
  // Configure once, then let Ninja decide what is stale (cheap when nothing changed).
  if (!fs.existsSync(path.join(dir, 'build.ninja'))) {
    const args = ['-S', path.join(repoRoot, 'tests', 'reliability'), '-B', dir, '-G', 'Ninja', '-Wno-dev'];
    if (asan) {
      args.push('-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++', '-DCMAKE_BUILD_TYPE=Debug',
        '-DMQTT_SANITIZE=ON', '-DCMAKE_CXX_FLAGS=-O1', '-DCMAKE_C_FLAGS=-O1');
    } else {
      args.push('-DCMAKE_BUILD_TYPE=RelWithDebInfo');
    }
    const c = spawnSync('cmake', args, { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`cmake configure failed:\n${c.stdout}\n${c.stderr}`);
  }
  const b = spawnSync('cmake', ['--build', dir, '-j', process.env.MQTT_JOBS || '2', '--target', 'rel_client', 'mqtt_cli'],
    { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build of rel_client failed:\n${b.stdout}\n${b.stderr}`);
  return locate(dir);
}

// Resolves when predicate() is true; polls (a state check, not a sleep) until timeoutMs.
export async function waitFor(predicate, timeoutMs = 10000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// A native client process (rel_client): events as parsed JSON lines, commands as lines.
export function startNativeClient(binary, args, { env } = {}) {
  const child = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const events = [];
  const stderr = [];
  let exit = null;
  const rl = readline.createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      events.push({ ev: 'unparsed', line });
    }
  });
  child.stderr.on('data', (d) => stderr.push(d.toString()));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const c = {
    child,
    events,
    get exit() { return exit; },
    get stderr() { return stderr.join(''); },
    exited,
    send(line) {
      if (!child.stdin.destroyed) child.stdin.write(line + '\n');
    },
    count(ev) { return events.filter((e) => e.ev === ev).length; },
    all(ev) { return events.filter((e) => e.ev === ev); },
    // Waits for an event (after index `from`, matching `match`), returns it.
    async next(ev, { from = 0, match = () => true, timeoutMs = 10000 } = {}) {
      let found = null;
      await waitFor(() => {
        if (exit) throw new Error(`rel_client exited (${JSON.stringify(exit)}) before '${ev}'; stderr: ${c.stderr}`);
        for (let i = from; i < events.length; i++) {
          if (events[i].ev === ev && match(events[i])) { found = events[i]; return true; }
        }
        return false;
      }, timeoutMs, `native event '${ev}'`);
      return found;
    },
    // Sends a command that answers with one event, and returns that event.
    async ask(line, ev, timeoutMs = 10000) {
      const from = events.length;
      c.send(line);
      return c.next(ev, { from, timeoutMs });
    },
    async stop() {
      if (exit) return exit;
      c.send('exit');
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  return c;
}

let wasmModule = null;
// The mqtt-wasm package for Node (null when wasm/dist is not built).
export async function loadWasm() {
  if (wasmModule) return wasmModule;
  const dist = path.join(repoRoot, 'wasm', 'dist', 'mqtt_wasm.wasm');
  if (!fs.existsSync(dist)) return null;
  wasmModule = (await import(new URL('../../wasm/js/node.js', import.meta.url).href)).default;
  return wasmModule;
}

export function uniqueId(prefix) {
  return `${prefix}${process.pid}${Math.floor(Math.random() * 1e6)}`.slice(0, 23);
}

// A reference subscriber, Mosquitto's own client (mosquitto_sub -c -q 2: a persistent session,
// as our subscribers have) on `filter`: what it got tells broker-side from client-side faults.
// Resolves once it is subscribed (a QoS 0 message that sendProbe(topic) publishes on probeTopic,
// inside filter, came back), or null when mosquitto_sub is missing or never subscribes.
// copies(topic, payload): how many times it got that message; ids(topic, payload): the packet
// ids they came with.
export async function startReferenceSubscriber({ port, id, filter, probeTopic, sendProbe, timeoutMs = 10000 }) {
  const counts = new Map(); // `${topic} ${payload}` -> [packet id of each copy]
  const forgotten = new Set(); // topics whose late copies are not kept (a long run stays flat)
  let proc;
  let failed = false;
  try {
    proc = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-i', id, '-c', '-q', '2',
      '-F', '%m %t %p', '-t', filter], { stdio: ['ignore', 'pipe', 'ignore'] });
    proc.on('error', () => { failed = true; });
  } catch {
    return null;
  }
  readline.createInterface({ input: proc.stdout }).on('line', (line) => {
    const sp = line.indexOf(' ');
    const key = line.slice(sp + 1);
    if (forgotten.has(key.slice(0, key.indexOf(' ')))) return;
    if (!counts.has(key)) counts.set(key, []);
    counts.get(key).push(Number(line.slice(0, sp)));
  });
  try {
    await waitFor(() => {
      if (failed) throw new Error('mosquitto_sub did not start');
      sendProbe(probeTopic);
      return [...counts.keys()].some((k) => k.startsWith(`${probeTopic} `));
    }, timeoutMs, 'the reference subscriber');
  } catch {
    proc.kill();
    return null;
  }
  return {
    copies(topic, payload) { return counts.get(`${topic} ${payload}`)?.length ?? 0; },
    ids(topic, payload) { return counts.get(`${topic} ${payload}`) ?? []; },
    // Drops what came on topic and ignores what still comes on it.
    forget(topic) {
      forgotten.add(topic);
      for (const k of counts.keys()) if (k.startsWith(`${topic} `)) counts.delete(k);
    },
    stop() { proc.kill(); },
  };
}
