// `npm run size`: raw, gzip (-9) and brotli (-11) sizes of what the package ships, per file and
// per host, counting exactly the files each entry loads:
//   browser = the `browser` export (dist/mqtt.browser.js: js/ and the loader, bundled, minified)
//             + the .wasm it fetches
//   node    = the `node` export (js/node.js) and every module it imports + the .wasm
// `--json` prints one JSON object; `--max-gzip=BYTES` exits 1 when the browser total is over it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const measure = (file) => {
  const data = readFileSync(path.join(root, file));
  return {
    file,
    raw: data.length,
    gzip: zlib.gzipSync(data, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const sum = (rows) => rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, brotli: a.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

// An entry and the package files it imports (relative static imports, followed).
function closure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(path.join(root, file))) return;
    seen.add(file);
    for (const m of readFileSync(path.join(root, file), 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g)) {
      visit(path.posix.join(path.posix.dirname(file), m[1]));
    }
  };
  visit(path.posix.normalize(entry));
  return [...seen];
}

const wasm = 'dist/mqtt_wasm.wasm';
const exportsOf = pkg.exports['.'];
const hosts = {
  browser: [wasm, ...closure(exportsOf.browser)],
  node: [wasm, ...closure(exportsOf.node)],
};
const files = [...new Set(Object.values(hosts).flat())].filter((f) => existsSync(path.join(root, f)));
const rows = files.map(measure);
const pick = (names) => rows.filter((r) => names.includes(r.file));
const report = { files: rows };
for (const [host, names] of Object.entries(hosts)) report[host] = { files: names, total: sum(pick(names)) };

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  const line = (name, s) => console.log(`${name.padEnd(24)} ${String(s.raw).padStart(7)} B raw ${String(s.gzip).padStart(6)} B gzip ${String(s.brotli).padStart(6)} B brotli`);
  for (const r of rows) line(r.file, r);
  for (const host of Object.keys(hosts)) line(`${host}: wasm + JS`, report[host].total);
}
const max = process.argv.find((a) => a.startsWith('--max-gzip='));
if (max && report.browser.total.gzip > Number(max.split('=')[1])) {
  console.error(`browser package is ${report.browser.total.gzip} B gzip, over the budget of ${max.split('=')[1]} B`);
  process.exit(1);
}
