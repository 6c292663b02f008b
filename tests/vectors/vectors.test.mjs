// Checks the vector files themselves, independently of the C++ codec: unique names, a version on
// every record, and for every valid record a remaining length that matches its bytes.
// Run: node --test tests/vectors/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, VECTORS_DIR, readVectors } from './vectors.mjs';

test('every record has a unique name, a version and bytes', () => {
  const names = new Set();
  for (const file of FILES) {
    for (const v of readVectors(file)) {
      assert.ok(!names.has(v.name), `${file}:${v.line} duplicate name ${v.name}`);
      names.add(v.name);
      assert.ok(v.version === 4 || v.version === 5, `${file}:${v.line} version`);
      assert.ok(v.bytes.length >= 2, `${file}:${v.line} bytes`);
    }
  }
});

test('valid records are one whole packet each', () => {
  for (const file of ['packets_v311.txt', 'packets_v5.txt']) {
    const types = new Set();
    for (const v of readVectors(file)) {
      assert.equal(v.expect, 'ok', `${file}:${v.line}`);
      let length = 0, i = 1, shift = 0;
      for (;;) {
        const b = v.bytes[i++];
        length += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(b & 0x80)) break;
      }
      assert.equal(v.bytes.length - i, length, `${file}:${v.line} ${v.name}: remaining length`);
      types.add(v.bytes[0] >> 4);
    }
    const last = file.includes('v5') ? 15 : 14;
    for (let t = 1; t <= last; t++) assert.ok(types.has(t), `${file}: no packet of type ${t}`);
  }
});

test('malformed records name an error of the table in error.h', () => {
  const header = readFileSync(join(VECTORS_DIR, '../../core/include/mqtt/error.h'), 'utf8');
  const names = new Set([...header.matchAll(/X\(([a-z0-9_]+),/g)].map((m) => m[1]));
  assert.ok(names.size > 50);
  for (const v of readVectors('malformed.txt')) {
    assert.ok(names.has(v.expect), `malformed.txt:${v.line}: ${v.expect} is not an ErrorCode`);
    assert.notEqual(v.expect, 'ok', `malformed.txt:${v.line}`);
  }
});
