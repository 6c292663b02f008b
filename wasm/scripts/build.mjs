// `npm run build`: regenerates js/errors.js from the C++ table, configures and builds the
// standalone wasm module with Emscripten (emcmake + CMake + Ninja) into dist/mqtt_wasm.wasm,
// minifies its loader (js/binding.js) into dist/mqtt_wasm.mjs, then bundles the browser entry
// into dist/mqtt.browser.js (esbuild, minified). The CMake build folder is <repo>/build/wasm
// (override with MQTT_WASM_BUILD_DIR). Needs emcc, cmake and ninja on PATH.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repo = path.resolve(pkg, '..');
const buildDir = process.env.MQTT_WASM_BUILD_DIR || path.join(repo, 'build', 'wasm');

const run = (cmd, args) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: repo });
};

run(process.execPath, [path.join(here, 'gen-errors.mjs')]);
// What an earlier build left (e.g. the Emscripten glue of older versions) is not shipped by mistake.
rmSync(path.join(pkg, 'dist'), { recursive: true, force: true });
run('emcmake', ['cmake', '-S', pkg, '-B', buildDir, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=MinSizeRel', ...process.argv.slice(2)]);
run('cmake', ['--build', buildDir, '-j', process.env.MQTT_WASM_JOBS || '2']);
const { build } = await import('esbuild');
const bundle = (entry, outfile, target) => {
  console.log(`$ esbuild ${entry} --bundle --minify --outfile=${outfile}`);
  return build({
    entryPoints: [path.join(pkg, entry)],
    outfile: path.join(pkg, outfile),
    bundle: true,
    format: 'esm',
    minify: true,
    target,
    legalComments: 'none',
    logLevel: 'warning',
  });
};
// The loader: the Node entry imports it as it is (the readable js/ files import it too).
await bundle('js/binding.js', 'dist/mqtt_wasm.mjs', 'es2020');
// The browser entry as one minified ES module (js/ + the loader): what a page loads without a
// bundler. It sits in dist/, next to the .wasm it fetches.
await bundle('js/browser.js', 'dist/mqtt.browser.js', 'es2022');
run(process.execPath, [path.join(here, 'size.mjs')]);
