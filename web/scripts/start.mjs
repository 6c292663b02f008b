// `npm start`: a local Mosquitto (TCP + WebSocket listeners on free ports), the WebAssembly
// package and the playground built if needed, then the playground served; prints the URLs.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePlayground, ensureWasm, repoDir, distDir } from './build-if-needed.mjs';
import { servePlayground } from './serve.mjs';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT || 5173);

const { startBroker } = await import(pathToFileURL(path.join(repoDir, 'tests', 'fixtures', 'broker.mjs')).href);
const broker = await startBroker();
console.log(`broker   mqtt://${broker.host}:${broker.tcpPort}  ws://${broker.host}:${broker.wsPort}/mqtt`);

let server;
async function shutdown(code = 0) {
  await server?.close();
  await broker.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  ensureWasm();
  ensurePlayground();
  const brokerWsUrl = `ws://${broker.host}:${broker.wsPort}/mqtt`;
  try {
    server = await servePlayground({ root: distDir, brokerWsUrl, port });
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    server = await servePlayground({ root: distDir, brokerWsUrl, port: 0 });
  }
  console.log(`playground ${server.url}`);
} catch (err) {
  console.error(err.message);
  await shutdown(1);
}
