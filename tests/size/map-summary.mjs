// Reads a GNU ld map file and prints how much of the linked program comes from where:
// the core (libmqtt_core.a), the program itself (main and any port), and each C/C++ runtime
// library. Sizes are of input sections kept after --gc-sections, grouped as flash (text, rodata,
// ARM exception tables, initialised-data images) and RAM (data, bss).
// Usage: node tests/size/map-summary.mjs build/size-v5/mqtt_size.map
//        node tests/size/map-summary.mjs --core <map>   prints only the core's flash bytes
import fs from 'node:fs';

const coreOnly = process.argv[2] === '--core';
const mapFile = process.argv[coreOnly ? 3 : 2];
const lines = fs.readFileSync(mapFile, 'utf8').split('\n');
const start = lines.findIndex((l) => l.startsWith('Linker script and memory map'));

function origin(file) {
  if (/libmqtt_core(_small)?\.a\(/.test(file)) return 'core (libmqtt_core*.a)';
  const lib = file.match(/lib([^/]+)\.a\(/);
  if (lib) return `lib${lib[1]}`;
  if (/crt[^/]*\.o$/.test(file)) return 'startup (crt*.o)';
  return 'program (main, port)';
}

const totals = new Map();
let outputSection = '';
let pendingInput = null;
for (const line of lines.slice(start + 1)) {
  const out = line.match(/^(\.[\w.]+)/);
  if (out) { outputSection = out[1]; continue; }
  let m = line.match(/^ (\.[^\s]+)\s*$/);          // long input-section name, numbers on next line
  if (m) { pendingInput = m[1]; continue; }
  m = line.match(/^ ?(\.[^\s]+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/);
  if (!m) { pendingInput = null; continue; }
  const input = m[1] || pendingInput || '';
  pendingInput = null;
  const size = parseInt(m[3], 16);
  const file = m[4].trim();
  if (!size || !input || file.startsWith('load address')) continue;
  const kind = /^\.(bss|noinit)/.test(outputSection) ? 'bss'
    : /^\.data/.test(outputSection) ? 'data'
    : /^\.(text|rodata|ARM\.exidx|ARM\.extab|init|fini|preinit_array|init_array|fini_array|eh_frame)$/.test(outputSection) ? 'flash'
    : null;
  if (!kind) continue;
  const key = origin(file);
  const t = totals.get(key) || { flash: 0, data: 0, bss: 0 };
  t[kind] += size;
  totals.set(key, t);
}

if (coreOnly) {
  console.log((totals.get('core (libmqtt_core*.a)') || { flash: 0 }).flash);
  process.exit(0);
}

const rows = [...totals.entries()].sort((a, b) => b[1].flash - a[1].flash);
console.log(`${'from'.padEnd(28)} ${'flash'.padStart(8)} ${'data'.padStart(6)} ${'bss'.padStart(6)}`);
for (const [key, t] of rows) {
  console.log(`${key.padEnd(28)} ${String(t.flash).padStart(8)} ${String(t.data).padStart(6)} ${String(t.bss).padStart(6)}`);
}
console.log('(input-section sizes: merged strings make the sum a little above size(1); data is also in flash)');
