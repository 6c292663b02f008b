// `npm start`: a local Mosquitto (TCP + WebSocket listeners on free ports), the WebAssembly
// package and the playground built if needed, then the playground served; prints the URLs.
//
//   node web/scripts/start.mjs [--port N] [--dev]
//
// --dev serves the sources with Vite's dev server (reloads on edit) instead of the build.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePlayground, ensureWasm, repoDir, distDir, webDir } from './build-if-needed.mjs';
import { servePlayground } from './serve.mjs';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT || 5173);
const dev = args.includes('--dev');

const { startBroker } = await import(pathToFileURL(path.join(repoDir, 'tests', 'fixtures', 'broker.mjs')).href);
const broker = await startBroker();
const brokerWsUrl = `ws://${broker.host}:${broker.wsPort}/mqtt`;
console.log(`broker     mqtt://${broker.host}:${broker.tcpPort}  ${brokerWsUrl}`);

let close = async () => {};
async function shutdown(code = 0) {
  await close();
  await broker.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  ensureWasm();
  if (dev) {
    process.env.PLAYGROUND_BROKER_WS = brokerWsUrl;
    const { createServer } = await import(pathToFileURL(path.join(webDir, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href);
    const server = await createServer({ root: webDir, configFile: path.join(webDir, 'vite.config.js'), server: { port, host: '127.0.0.1' } });
    await server.listen();
    close = () => server.close();
    console.log(`playground ${server.resolvedUrls.local[0]}  (dev server)`);
  } else {
    ensurePlayground();
    let server;
    try {
      server = await servePlayground({ root: distDir, brokerWsUrl, port });
    } catch (err) {
      if (err.code !== 'EADDRINUSE') throw err;
      server = await servePlayground({ root: distDir, brokerWsUrl, port: 0 });
    }
    close = () => server.close();
    console.log(`playground ${server.url}`);
  }
} catch (err) {
  console.error(err.message);
  await shutdown(1);
}
