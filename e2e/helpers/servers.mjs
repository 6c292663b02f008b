// Starts what the playground tests need, on free loopback ports: a Mosquitto (TCP +
// WebSocket) from tests/fixtures, the built playground served with its config endpoint.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

const { startBroker, freePort } = await import(pathToFileURL(path.join(repo, 'tests', 'fixtures', 'broker.mjs')).href);
const { ensureWasm, ensurePlayground, distDir } = await import(pathToFileURL(path.join(repo, 'web', 'scripts', 'build-if-needed.mjs')).href);
const { servePlayground } = await import(pathToFileURL(path.join(repo, 'web', 'scripts', 'serve.mjs')).href);

export { freePort };

export async function startStack() {
  const quiet = (line) => process.stderr.write(`# ${line}\n`);
  if (!process.env.PLAYGROUND_SKIP_WASM) ensureWasm({ log: quiet });
  ensurePlayground({ log: quiet });
  const broker = await startBroker();
  const brokerWsUrl = `ws://${broker.host}:${broker.wsPort}/mqtt`;
  const server = await servePlayground({ root: distDir, brokerWsUrl, port: 0 });
  return {
    broker,
    brokerWsUrl,
    url: server.url,
    async stop() {
      await server.close();
      await broker.stop();
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
