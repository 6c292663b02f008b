// Starts what the playground tests need, on free loopback ports: a Mosquitto (TCP +
// WebSocket) from tests/fixtures, the built playground served with its config endpoint.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

const { startBroker, freePort } = await import(pathToFileURL(path.join(repo, 'tests', 'fixtures', 'broker.mjs')).href);
const { ensureWasm, ensurePlayground, distDir: webDist } = await import(pathToFileURL(path.join(repo, 'web', 'scripts', 'build-if-needed.mjs')).href);
const { servePlayground } = await import(pathToFileURL(path.join(repo, 'web', 'scripts', 'serve.mjs')).href);

export { freePort, ensureWasm };
export const distDir = () => webDist;

export const buildLog = (line) => process.stderr.write(`# ${line}\n`);

// A Mosquitto whose log the tests can read as it grows: its stdout is block-buffered when it is
// a file, its own log file is written line by line. `verbose` logs every packet.
export async function startLoggedBroker({ verbose = false } = {}) {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-e2e-'));
  const logFile = path.join(logDir, 'broker.log');
  const broker = await startBroker({ verbose, extraConfig: `log_dest file ${logFile}` });
  return {
    broker,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async stop() {
      await broker.stop();
      fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}

export async function startStack() {
  if (!process.env.PLAYGROUND_SKIP_WASM) await ensureWasm({ log: buildLog });
  await ensurePlayground({ log: buildLog });
  const logged = await startLoggedBroker();
  const { broker } = logged;
  const brokerWsUrl = `ws://${broker.host}:${broker.wsPort}/mqtt`;
  const server = await servePlayground({ root: webDist, brokerWsUrl, port: 0 });
  return {
    broker,
    brokerWsUrl,
    url: server.url,
    brokerLog: logged.log,
    async stop() {
      await server.close();
      await logged.stop();
    },
  };
}

// Resolves when predicate() is truthy, checking whenever the event loop is free (state, not
// a fixed delay); rejects with `what` after timeoutMs.
export async function waitUntil(predicate, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
