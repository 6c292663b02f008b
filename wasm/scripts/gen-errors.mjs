// Generates js/errors.js from the MQTT_ERRORS X-macro of core/include/mqtt/error.h: the
// JavaScript error constants are the C++ table, renamed to UPPER_SNAKE_CASE.
// `node scripts/gen-errors.mjs` writes the file; `--check` exits 1 when it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const header = new URL('../../core/include/mqtt/error.h', import.meta.url);
const target = new URL('../js/errors.js', import.meta.url);
const types = new URL('../types/index.d.ts', import.meta.url);

export function parseErrorTable(text) {
  const rows = [];
  const row = /X\((\w+),\s*(\d+),\s*([01]),\s*"((?:[^"\\]|\\.)*)"\)/g;
  for (const m of text.matchAll(row)) {
    rows.push({ name: m[1], value: Number(m[2]), fatal: m[3] === '1', message: m[4] });
  }
  return rows;
}

export function render(rows) {
  const lines = rows.map((r) => `  ${r.name.toUpperCase()}: ${r.value},`);
  return `// Generated from core/include/mqtt/error.h by wasm/scripts/gen-errors.mjs: do not edit.
// The error codes of the mqtt module: every return value of a method and every \`code\` of an
// error. Messages and the fatal flag come from the compiled table at run time.
export const errors = Object.freeze({
${lines.join('\n')}
});
`;
}

// The ErrorCodes interface of types/index.d.ts, between its <errors> markers.
export function renderTypes(rows, dts) {
  const body = rows.map((r) => `  readonly ${r.name.toUpperCase()}: ${r.value};`).join('\n');
  return dts.replace(/( *\/\/ <errors>\n)[\s\S]*?( *\/\/ <\/errors>)/, `$1${body}\n$2`);
}

const isMain = process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url;
if (isMain) {
  const rows = parseErrorTable(readFileSync(header, 'utf8'));
  const text = render(rows);
  const dts = readFileSync(types, 'utf8');
  const typesText = renderTypes(rows, dts);
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text || dts !== typesText) {
      console.error('js/errors.js or types/index.d.ts is out of date: run `node scripts/gen-errors.mjs`');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    if (dts !== typesText) writeFileSync(types, typesText);
  }
}
