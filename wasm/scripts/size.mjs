// `npm run size`: raw and gzip sizes of what the package ships (wasm, Emscripten glue, js/).
// `--json` prints one JSON object; `--max-gzip=BYTES` exits 1 when the total is over it.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../', import.meta.url);
const files = [
  'dist/mqtt_wasm.wasm',
  'dist/mqtt_wasm.mjs',
  ...readdirSync(new URL('js/', root)).filter((f) => f.endsWith('.js')).sort().map((f) => `js/${f}`),
];
const rows = files.map((f) => {
  const data = readFileSync(new URL(f, root));
  return { file: f, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
});
const sum = (filter) => rows.filter(filter).reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
const wasm = sum((r) => r.file.endsWith('.wasm'));
const js = sum((r) => !r.file.endsWith('.wasm'));
// The browser loads node.js never, and Node loads browser.js/timer.js never: count each entry's set.
const browserJs = sum((r) => !r.file.endsWith('.wasm') && r.file !== 'js/node.js');
const total = { raw: wasm.raw + js.raw, gzip: wasm.gzip + js.gzip };
const report = { files: rows, wasm, js, browserJs, total };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  for (const r of rows) console.log(`${r.file.padEnd(24)} ${String(r.raw).padStart(8)} B raw ${String(r.gzip).padStart(7)} B gzip`);
  console.log(`${'wasm'.padEnd(24)} ${String(wasm.raw).padStart(8)} B raw ${String(wasm.gzip).padStart(7)} B gzip`);
  console.log(`${'js (all files)'.padEnd(24)} ${String(js.raw).padStart(8)} B raw ${String(js.gzip).padStart(7)} B gzip`);
  console.log(`${'total'.padEnd(24)} ${String(total.raw).padStart(8)} B raw ${String(total.gzip).padStart(7)} B gzip`);
}
const max = process.argv.find((a) => a.startsWith('--max-gzip='));
if (max && total.gzip > Number(max.split('=')[1])) {
  console.error(`package is ${total.gzip} B gzip, over the budget of ${max.split('=')[1]} B`);
  process.exit(1);
}
