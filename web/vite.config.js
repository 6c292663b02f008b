import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const wasmPackage = path.resolve(here, '..', 'wasm');
const wasmEntry = path.join(wasmPackage, 'js', 'browser.js');

// The playground always runs the real WebAssembly package from ../wasm. Until it is built,
// the import resolves to a module that says so (it does not pretend to be a client).
const wasmBuilt = fs.existsSync(wasmEntry) && fs.existsSync(path.join(wasmPackage, 'dist', 'mqtt_wasm.mjs'));
const mqttWasm = wasmBuilt ? wasmEntry : path.resolve(here, 'src/runner/wasm-missing.js');

// In the dev server (`node scripts/start.mjs --dev`), /config.json tells the page where the
// broker is, as the static server does.
const devConfig = {
  name: 'playground-config',
  configureServer(server) {
    server.middlewares.use('/config.json', (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ brokerWsUrl: process.env.PLAYGROUND_BROKER_WS || 'ws://127.0.0.1:9001/mqtt' }));
    });
  },
};

export default defineConfig({
  base: './',
  plugins: [devConfig],
  resolve: { alias: { 'mqtt-wasm': mqttWasm } },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', fs: { allow: [here, wasmPackage] } },
});
