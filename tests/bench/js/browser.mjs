// Runs the JavaScript client benchmarks in headless Chromium (playwright-core driving the system's
// Chromium). The page (web/index.html) is served from a local static server; the clients talk
// WebSocket to the blaster, the sink or Mosquitto. CPU time is read from /proc for every Chromium
// process (browser, renderer, network service: the WebSocket lives in the network service) at
// the page's start and end marks, and every Chromium process is pinned to one core.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const root = path.resolve(benchDir, '../..');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json' };
const MOUNTS = [
  ['/bench/', benchDir],
  ['/node_modules/', path.join(benchDir, 'node_modules')],
  ['/wasm/', path.join(root, 'wasm')],
];

function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (url === '/' || url === '/index.html') file = path.join(benchDir, 'web/index.html');
    for (const [prefix, dir] of MOUNTS) {
      if (!file && url.startsWith(prefix)) {
        const candidate = path.resolve(dir, url.slice(prefix.length));
        if (candidate.startsWith(dir + path.sep)) file = candidate;
      }
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Every Chromium process below this Node process.
function chromiumPids() {
  const parent = new Map();
  const exe = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(fields[1]));
      exe.set(Number(d), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch { /* gone */ }
  }
  const out = [];
  for (const [pid, name] of exe) {
    if (!/chrom/i.test(name)) continue;
    let p = parent.get(pid), depth = 0;
    while (p && p !== process.pid && depth++ < 20) p = parent.get(p);
    if (p === process.pid) out.push(pid);
  }
  return out;
}

const TICK = 100;  // USER_HZ
export function chromiumCpuSeconds() {
  let ticks = 0;
  for (const pid of chromiumPids()) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);  // utime, stime
    } catch { /* gone */ }
  }
  return ticks / TICK;
}

function pin(cpu) {
  if (cpu === undefined || cpu === null) return;
  for (const pid of chromiumPids()) {
    try { execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }); } catch { /* gone */ }
  }
}

// Opens Chromium once; run(lib, args) runs one benchmark in a fresh page.
export async function openBrowser({ cpu } = {}) {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,  // the driver stops everything
  });
  const version = browser.version();
  return {
    version,
    async run(lib, args) {
      const page = await browser.newPage();
      const marks = {};
      await page.exposeFunction('benchMark', (name) => { marks[name] = chromiumCpuSeconds(); });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(base);
        await page.waitForFunction(() => document.title === 'ready');
        pin(cpu);
        const r = await page.evaluate(([l, a]) => window.runBench(l, a), [lib, args]);
        if (marks.start !== undefined && marks.end !== undefined) {
          r.cpu_s = marks.end - marks.start;
          r.cpu_us_per_msg = r.messages ? (r.cpu_s * 1e6) / r.messages : null;
        }
        r.host = `chromium ${version}`;
        return r;
      } catch (e) {
        throw new Error(`${lib} ${args.mode} in Chromium: ${e.message.split('\n')[0]}${errors.length ? ` (${errors[0]})` : ''}`);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}
