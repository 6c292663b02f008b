// Replays the fuzz corpus (tests/fuzz/corpus/<target>/) and every saved crash
// (tests/fuzz/regressions/<target>/) once through the libFuzzer targets, without fuzzing:
// a regression must stay fixed. Uses the newest fuzz build among build/ci-fuzz (npm test's fuzz
// suite) and build/fuzz-campaign (tests/reliability/fuzz-campaign.sh), or MQTT_FUZZ_BUILD;
// skipped when there is none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers.mjs';

function findBinary(name) {
  const dirs = process.env.MQTT_FUZZ_BUILD ? [process.env.MQTT_FUZZ_BUILD]
    : ['build/ci-fuzz', 'build/fuzz-campaign'].map((d) => path.join(repoRoot, d));
  const found = dirs.map((d) => path.join(d, 'tests', 'fuzz', name)).filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return found[0] ?? null;
}

for (const target of ['decoder', 'session']) {
  test(`fuzz_${target}: corpus and regressions replay without a crash`, { timeout: 300000 }, (t) => {
    const bin = findBinary(`fuzz_${target}`);
    if (!bin) return t.skip('no fuzz build (run npm test -- fuzz, or tests/reliability/fuzz-campaign.sh)');
    const regressions = path.join(repoRoot, 'tests', 'fuzz', 'regressions', target);
    const files = fs.existsSync(regressions)
      ? fs.readdirSync(regressions).filter((f) => !f.startsWith('.')).map((f) => path.join(regressions, f)) : [];
    // Files given one by one are run once each; a directory with -runs=0 is run once, unit by unit.
    if (files.length) {
      const r = spawnSync(bin, files, { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, `a regression input crashes fuzz_${target} again:\n${r.stderr.slice(-4000)}`);
    }
    const corpus = path.join(repoRoot, 'tests', 'fuzz', 'corpus', target);
    const r = spawnSync(bin, ['-runs=0', corpus], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, `the corpus crashes fuzz_${target}:\n${r.stderr.slice(-4000)}`);
    const units = fs.readdirSync(corpus).length;
    console.log(`fuzz_${target} (${path.relative(repoRoot, bin)}): ${units} corpus units and ${files.length} regressions replayed`);
  });
}
