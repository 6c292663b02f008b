// `npm start` as a user meets it: web/scripts/start.mjs prints the broker's and the
// playground's addresses, both answer, and Ctrl-C (SIGINT) ends it with every port freed; a
// Ctrl-C during the first build stops the build too and exits as an interrupted program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLog, ensureWasm, waitUntil } from './helpers/servers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Resolves true when something accepts a TCP connection on 127.0.0.1:port, false when refused.
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// start.mjs in a process group of its own, as a terminal runs it: Ctrl-C is a SIGINT to the
// whole group (interrupt()).
function startScript(args, env = {}) {
  const child = spawn(process.execPath, [path.join(repo, 'web', 'scripts', 'start.mjs'), ...args], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...env },
  });
  const run = { child, out: '', err: '' };
  child.stdout.on('data', (d) => { run.out += d; });
  child.stderr.on('data', (d) => { run.err += d; process.stderr.write(`# ${d}`); });
  run.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  run.interrupt = () => process.kill(-child.pid, 'SIGINT');
  run.kill = () => { if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL'); };
  run.brokerPorts = () => {
    const m = /^broker\s+mqtt:\/\/127\.0\.0\.1:(\d+)\s+ws:\/\/127\.0\.0\.1:(\d+)\/mqtt/m.exec(run.out);
    return m && [Number(m[1]), Number(m[2])];
  };
  return run;
}

// The processes below pid (children, grandchildren...), from ps.
function descendants(pid) {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args=']).toString().trim().split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter(Boolean).map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const found = [];
  for (let parents = new Set([pid]); parents.size;) {
    const next = rows.filter((r) => parents.has(r.ppid));
    found.push(...next);
    parents = new Set(next.map((r) => r.pid));
  }
  return found;
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

// The page and the config endpoint answer at url, with the broker's WebSocket address.
async function assertServes(url, wsPort) {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>MQTT playground<\/title>/);
  assert.deepEqual(await (await fetch(new URL('config.json', url))).json(), { brokerWsUrl: `ws://127.0.0.1:${wsPort}/mqtt` });
}

test('start.mjs prints working URLs, and SIGINT stops the broker and the server', { timeout: 240000 }, async () => {
  if (!process.env.PLAYGROUND_SKIP_WASM) await ensureWasm({ log: buildLog });
  const run = startScript(['--port', '0']);
  try {
    const url = await waitUntil(() => /^playground (http:\/\/\S+)/m.exec(run.out)?.[1], 'the playground URL', 200000);
    const ports = run.brokerPorts();
    assert.ok(ports, `the broker's addresses, in:\n${run.out}`);
    const [tcpPort, wsPort] = ports;
    await assertServes(url, wsPort);
    assert.equal(await accepts(tcpPort), true, 'the broker listens on TCP');
    assert.equal(await accepts(wsPort), true, 'the broker listens for WebSockets');

    run.interrupt();
    assert.deepEqual(await run.exited, { code: 0, signal: null });
    const httpPort = Number(new URL(url).port);
    for (const port of [httpPort, tcpPort, wsPort]) assert.equal(await accepts(port), false, `port ${port} is free`);
  } finally {
    run.kill();
  }
});

test('--dev --port 0 serves the sources on a free port', { timeout: 240000 }, async () => {
  if (!process.env.PLAYGROUND_SKIP_WASM) await ensureWasm({ log: buildLog });
  const run = startScript(['--dev', '--port', '0']);
  try {
    const url = await waitUntil(() => /^playground (http:\/\/\S+)\s+\(dev server\)/m.exec(run.out)?.[1], 'the dev server URL', 200000);
    const httpPort = Number(new URL(url).port);
    assert.notEqual(httpPort, 5173, 'port 0 is a free port, not the default');
    await assertServes(url, run.brokerPorts()[1]);
    run.interrupt();
    assert.deepEqual(await run.exited, { code: 0, signal: null });
    assert.equal(await accepts(httpPort), false, `port ${httpPort} is free`);
  } finally {
    run.kill();
  }
});

test('Ctrl-C during the first build stops the build and exits 130', { timeout: 240000 }, async () => {
  if (!process.env.PLAYGROUND_SKIP_WASM) await ensureWasm({ log: buildLog });
  // An empty output folder: the playground has to be built first.
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-dist-'));
  const run = startScript(['--port', '0'], { PLAYGROUND_DIST: dist });
  try {
    await waitUntil(() => /vite\.js build/.test(run.out), 'the playground build to start', 200000);
    const started = await waitUntil(() => {
      const d = descendants(run.child.pid);
      return d.some((p) => /vite\.js build/.test(p.args)) && d;
    }, 'the build process');
    const [tcpPort, wsPort] = run.brokerPorts();
    run.interrupt();
    assert.deepEqual(await run.exited, { code: 130, signal: null });
    assert.match(run.err, /interrupted/);
    assert.doesNotMatch(run.err + run.out, /failed \(exit/);
    assert.doesNotMatch(run.out, /^playground /m);
    for (const p of started) assert.equal(alive(p.pid), false, `${p.args} (pid ${p.pid}) was stopped`);
    for (const port of [tcpPort, wsPort]) assert.equal(await accepts(port), false, `port ${port} is free`);
  } finally {
    run.kill();
    fs.rmSync(dist, { recursive: true, force: true });
  }
});
