// Reads the golden packet files of this folder (format: README.md) for the JavaScript tests.
//   import { readVectors } from '<root>/tests/vectors/vectors.mjs';
//   for (const v of readVectors('packets_v5.txt')) { v.name, v.version, v.expect, v.bytes ... }
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const VECTORS_DIR = dirname(fileURLToPath(import.meta.url));
export const FILES = ['packets_v311.txt', 'packets_v5.txt', 'malformed.txt'];

// Returns [{ file, line, name, version, expect, canonical, maxPacketSize, bytes: Uint8Array }].
// maxPacketSize is 0 when the record leaves the decoder's default. Throws on a syntax error.
export function readVectors(file) {
  const records = [];
  const lines = readFileSync(join(VECTORS_DIR, file), 'utf8').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.split('#')[0].trim();
    if (!line) return;
    const where = `${file}:${i + 1}`;
    const key = /^([a-z_]+):\s*(.*)$/.exec(line);
    if (key) {
      const [, name, value] = key;
      if (name === 'name') {
        records.push({ file, line: i + 1, name: value, version: 0, expect: 'ok', canonical: true,
                       maxPacketSize: 0, bytes: [] });
        return;
      }
      const r = records.at(-1);
      if (!r) throw new Error(`${where}: "${name}:" before "name:"`);
      if (name === 'version') r.version = Number(value);
      else if (name === 'expect') r.expect = value;
      else if (name === 'canonical') r.canonical = value !== 'no';
      else if (name === 'max_packet_size') r.maxPacketSize = Number(value);
      else throw new Error(`${where}: unknown key "${name}"`);
      return;
    }
    const r = records.at(-1);
    if (!r) throw new Error(`${where}: bytes before "name:"`);
    for (const tok of line.split(/\s+/)) {
      if (!/^[0-9a-fA-F]{2}$/.test(tok)) throw new Error(`${where}: bad byte "${tok}"`);
      r.bytes.push(parseInt(tok, 16));
    }
  });
  for (const r of records) r.bytes = Uint8Array.from(r.bytes);
  return records;
}
