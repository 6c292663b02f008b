// `npm run build`: regenerates js/errors.js from the C++ table, configures and builds the
// wasm module with Emscripten (emcmake + CMake + Ninja) into dist/, then bundles the browser
// entry into dist/mqtt.browser.js (esbuild, minified). The CMake build folder is
// <repo>/build/wasm (override with MQTT_WASM_BUILD_DIR). Needs emcc, cmake and ninja on PATH;
// the JS optimizer of -Os needs acorn, found through NODE_PATH (Debian: node-acorn).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repo = path.resolve(pkg, '..');
const buildDir = process.env.MQTT_WASM_BUILD_DIR || path.join(repo, 'build', 'wasm');

const env = { ...process.env };
const systemModules = '/usr/share/nodejs';  // Debian's node modules (node-acorn)
if (!env.NODE_PATH && existsSync(path.join(systemModules, 'acorn'))) env.NODE_PATH = systemModules;

const run = (cmd, args) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', env, cwd: repo });
};

run(process.execPath, [path.join(here, 'gen-errors.mjs')]);
const extra = process.argv.slice(2);  // e.g. -DMQTT_WASM_CLOSURE=ON
run('emcmake', ['cmake', '-S', pkg, '-B', buildDir, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=MinSizeRel', ...extra]);
run('cmake', ['--build', buildDir, '-j', process.env.MQTT_WASM_JOBS || '2']);
// The Emscripten glue, minified in place (no Closure Compiler in Debian's Emscripten): the Node
// entry imports it as it is, and it is about a quarter smaller gzipped.
const { build, transform } = await import('esbuild');
const gluePath = path.join(pkg, 'dist', 'mqtt_wasm.mjs');
const glue = readFileSync(gluePath, 'utf8');
const minified = await transform(glue, { minify: true, format: 'esm', target: 'es2020', legalComments: 'none' });
if (minified.code.length < glue.length) writeFileSync(gluePath, minified.code);
// The browser entry as one minified ES module (js/ + the Emscripten glue): what a page loads
// without a bundler. It sits in dist/, next to the .wasm it fetches.
console.log('$ esbuild js/browser.js --bundle --minify --outfile=dist/mqtt.browser.js');
await build({
  entryPoints: [path.join(pkg, 'js', 'browser.js')],
  outfile: path.join(pkg, 'dist', 'mqtt.browser.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
run(process.execPath, [path.join(here, 'size.mjs')]);
