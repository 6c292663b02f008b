// Builds what the playground needs, only when it is missing or older than its sources:
// the WebAssembly package (npm run build --prefix wasm) and the playground (vite build).
// Builds run asynchronously, so a Ctrl-C handler can run meanwhile and stopBuilds() them.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(webDir, '..');
export const wasmDir = path.join(repoDir, 'wasm');
// PLAYGROUND_DIST builds and serves the playground elsewhere (a test's own empty folder).
export const distDir = path.resolve(process.env.PLAYGROUND_DIST || path.join(webDir, 'dist'));

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

// Builds running now. Each runs in its own process group, so stopBuilds() reaches the tools a
// build starts (npm -> emcc -> ninja) and not only npm; a Ctrl-C in the terminal reaches
// only the caller, which decides what to stop.
const running = new Set();

export class BuildInterrupted extends Error {}

function run(cmd, args, cwd, log) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const what = `${cmd} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    // Output goes to stderr: under the test runner, stdout is the TAP stream.
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 2, 2], detached: true });
    running.add(child);
    child.once('error', (err) => { running.delete(child); reject(err); });
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve();
      else if (child.stopped || signal) reject(new BuildInterrupted(`${what} interrupted${signal ? ` (${signal})` : ''}`));
      else reject(new Error(`${what} failed (exit ${code})`));
    });
  });
}

// Interrupts every running build (its whole process group) and resolves when they have exited.
export function stopBuilds(signal = 'SIGINT') {
  return Promise.all([...running].map((child) => new Promise((resolve) => {
    child.stopped = true;
    child.once('exit', resolve);
    try {
      process.kill(-child.pid, signal);
    } catch {
      resolve(); // already gone
    }
  })));
}

// What wasm/dist is built from (the JavaScript in wasm/js is bundled from source by Vite, but
// the loader js/binding.js is built into dist, and js/errors.js is made from the core's table).
const WASM_SOURCES = ['core/include', 'core/src', 'core/CMakeLists.txt', 'wasm/bindings.cpp', 'wasm/CMakeLists.txt',
  'wasm/js/binding.js', 'wasm/scripts'];

// True when wasm/dist is missing or older than any of its sources (e.g. after a pull that
// changed the core): serving it would pair an old engine with new JavaScript.
export function wasmOutOfDate(root = repoDir) {
  const built = ['mqtt_wasm.wasm', 'mqtt_wasm.mjs'].map((f) => path.join(root, 'wasm', 'dist', f));
  if (!built.every((f) => fs.existsSync(f))) return true;
  const builtAt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
  return WASM_SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

export async function ensureWasm({ log = console.log } = {}) {
  if (!wasmOutOfDate()) return;
  if (!fs.existsSync(path.join(wasmDir, 'package.json'))) {
    throw new Error('the WebAssembly package (wasm/) is missing');
  }
  await run('npm', ['run', 'build', '--prefix', wasmDir], repoDir, log);
}

export async function ensurePlayground({ log = console.log, force = false } = {}) {
  const built = path.join(distDir, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(webDir, 'src')),
    newestMtime(path.join(webDir, 'index.html')),
    newestMtime(path.join(webDir, 'vite.config.js')),
    newestMtime(path.join(wasmDir, 'js')),
    newestMtime(path.join(wasmDir, 'dist')),
  );
  if (!force && fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return;
  if (!fs.existsSync(path.join(webDir, 'node_modules', 'vite'))) {
    await run('npm', ['ci', '--no-audit', '--no-fund'], webDir, log);
  }
  await run(process.execPath, [path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn',
    '--outDir', distDir, '--emptyOutDir'], webDir, log);
}
