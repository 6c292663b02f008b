// `npm run size`: raw and gzip sizes of what the package ships, per file and per host:
//   browser = dist/mqtt_wasm.wasm + dist/mqtt.browser.js (js/ and the glue, bundled, minified)
//   node    = dist/mqtt_wasm.wasm + dist/mqtt_wasm.mjs + the js/ files Node loads (readable)
// `--json` prints one JSON object; `--max-gzip=BYTES` exits 1 when the browser total is over it.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../', import.meta.url);
const measure = (f) => {
  const data = readFileSync(new URL(f, root));
  return { file: f, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
};
const sum = (rows) => rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
const nodeJs = ['js/node.js', 'js/client.js', 'js/options.js', 'js/errors.js', 'js/websocket.js'];
const files = ['dist/mqtt_wasm.wasm', 'dist/mqtt_wasm.mjs', 'dist/mqtt.browser.js', ...nodeJs, 'js/browser.js', 'js/timer.js']
  .filter((f) => existsSync(new URL(f, root)));
const rows = files.map(measure);
const pick = (names) => rows.filter((r) => names.includes(r.file));
const report = {
  files: rows,
  wasm: sum(pick(['dist/mqtt_wasm.wasm'])),
  browser: { js: sum(pick(['dist/mqtt.browser.js'])), total: sum(pick(['dist/mqtt_wasm.wasm', 'dist/mqtt.browser.js'])) },
  node: { js: sum(pick(['dist/mqtt_wasm.mjs', ...nodeJs])), total: sum(pick(['dist/mqtt_wasm.wasm', 'dist/mqtt_wasm.mjs', ...nodeJs])) },
};
const line = (name, s) => console.log(`${name.padEnd(26)} ${String(s.raw).padStart(8)} B raw ${String(s.gzip).padStart(7)} B gzip`);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  for (const r of rows) line(r.file, r);
  line('browser: JS (bundle)', report.browser.js);
  line('browser: wasm + JS', report.browser.total);
  line('node: JS (glue + js/)', report.node.js);
  line('node: wasm + JS', report.node.total);
}
const max = process.argv.find((a) => a.startsWith('--max-gzip='));
if (max && report.browser.total.gzip > Number(max.split('=')[1])) {
  console.error(`browser package is ${report.browser.total.gzip} B gzip, over the budget of ${max.split('=')[1]} B`);
  process.exit(1);
}
