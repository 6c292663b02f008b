// `npm start`: a local Mosquitto (TCP + WebSocket listeners on free ports), the WebAssembly
// package and the playground built if needed, then the playground served; prints the URLs.
//
//   node web/scripts/start.mjs [--port N] [--dev]      (--port 0: a free port)
//
// --dev serves the sources with Vite's dev server (reloads on edit) instead of the build.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildInterrupted, ensurePlayground, ensureWasm, repoDir, distDir, stopBuilds, webDir } from './build-if-needed.mjs';
import { servePlayground } from './serve.mjs';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT || 5173);
const dev = args.includes('--dev');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`not a port number: ${portArg >= 0 ? args[portArg + 1] : process.env.PORT} (0 picks a free one)`);
  process.exit(2);
}

// Ctrl-C once the playground is served is how it is stopped (exit 0); before that, it
// interrupts the start: a running build is stopped too, and the exit status is 128 + the
// signal's number, as for any interrupted program.
let ready = false;
let broker = null;
let close = async () => {};
let stopping = null;
function shutdown(code) {
  stopping ??= (async () => {
    await stopBuilds();
    await close();
    await broker?.stop();
    process.exit(code);
  })();
  return stopping;
}
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) {
  process.on(signal, () => {
    if (!ready) console.error(`interrupted (${signal}): stopping`);
    shutdown(ready ? 0 : 128 + number);
  });
}

const { startBroker, freePort } = await import(pathToFileURL(path.join(repoDir, 'tests', 'fixtures', 'broker.mjs')).href);
broker = await startBroker();
const brokerWsUrl = `ws://${broker.host}:${broker.wsPort}/mqtt`;
console.log(`broker     mqtt://${broker.host}:${broker.tcpPort}  ${brokerWsUrl}`);

try {
  await ensureWasm();
  if (dev) {
    process.env.PLAYGROUND_BROKER_WS = brokerWsUrl;
    const { createServer } = await import(pathToFileURL(path.join(webDir, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href);
    // Vite reads port 0 as "unset" (5173): a free port is picked here instead. Vite moves
    // to the next port itself if this one is taken meanwhile.
    const listenPort = port === 0 ? await freePort() : port;
    const server = await createServer({ root: webDir, configFile: path.join(webDir, 'vite.config.js'), server: { port: listenPort, host: '127.0.0.1' } });
    close = () => server.close();
    await server.listen();
    console.log(`playground ${server.resolvedUrls.local[0]}  (dev server)`);
  } else {
    await ensurePlayground();
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
  ready = true;
} catch (err) {
  console.error(err.message);
  await shutdown(err instanceof BuildInterrupted ? 130 : 1);
}
