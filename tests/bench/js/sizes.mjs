// Section 5: sizes. The npm package's wasm + JavaScript (raw, gzip -9, brotli -11) beside the
// browser bundles of MQTT.js and paho-mqtt; and the core on a Cortex-M4, built with the build
// engineer's size project (tests/size, which also links the device port when native/port/size.cmake
// is there) into build/bench-size-{v5,v311}.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';

function sizes(files) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    raw += b.length;
    gzip += zlib.gzipSync(b, { level: 9 }).length;
    brotli += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli, files: files.length };
}

// The files a page loads from the package: the `browser` entry of its exports map, as the
// package's own size script lists them (the .wasm and the minified browser bundle).
function browserFiles(wasmDir) {
  const r = spawnSync('node', [path.join(wasmDir, 'scripts/size.mjs'), '--json'], { cwd: wasmDir, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout).browser.files.map((f) => path.join(wasmDir, f));
}

function cortexM4({ root, smoke, log }) {
  const out = { variants: [] };
  const toolchain = path.join(root, 'native/port/arm-none-eabi.cmake');
  if (!fs.existsSync(path.join(root, 'tests/size/CMakeLists.txt')) || !fs.existsSync(toolchain)) {
    out.missing = 'tests/size or the arm-none-eabi toolchain file is not there yet';
    return out;
  }
  for (const [tag, v5, label] of [['v5', 'ON', 'full (MQTT 5.0 + 3.1.1)'], ['v311', 'OFF', '3.1.1 only (MQTT_CONFIG_V5=0)']]) {
    const dir = path.join(root, `build/bench-size-${tag}`);
    const v = { tag, label };
    if (smoke && !fs.existsSync(path.join(dir, 'mqtt_size'))) {
      v.missing = 'not built in a smoke run (the full run builds it)';
      out.variants.push(v);
      continue;
    }
    log(`Cortex-M4 size build ${tag}`);
    let r = spawnSync('cmake', ['-S', path.join(root, 'tests/size'), '-B', dir, '-G', 'Ninja', '-Wno-dev',
      `-DCMAKE_TOOLCHAIN_FILE=${toolchain}`, '-DCMAKE_BUILD_TYPE=MinSizeRel', `-DMQTT_V5=${v5}`], { encoding: 'utf8' });
    if (r.status === 0) r = spawnSync('cmake', ['--build', dir, '-j', process.env.MQTT_JOBS || '2'], { encoding: 'utf8' });
    if (r.status !== 0) {
      v.missing = `build failed: ${(r.stdout + r.stderr).split('\n').filter((l) => /error/.test(l)).slice(0, 2).join(' | ')}`;
      out.variants.push(v);
      continue;
    }
    for (const prog of ['mqtt_size', 'mqtt_size_port']) {
      const file = path.join(dir, prog);
      if (!fs.existsSync(file)) continue;
      const s = spawnSync('arm-none-eabi-size', [file], { encoding: 'utf8' }).stdout.trim().split('\n').pop().trim().split(/\s+/);
      const entry = { text: Number(s[0]), data: Number(s[1]), bss: Number(s[2]) };
      const map = `${file}.map`;
      if (fs.existsSync(map)) {
        const summary = spawnSync('node', [path.join(root, 'tests/size/map-summary.mjs'), map], { encoding: 'utf8' }).stdout;
        const core = summary.match(/core \(libmqtt_core[^)]*\)\s+(\d+)\s+(\d+)\s+(\d+)/);
        if (core) entry.core = { flash: Number(core[1]), data: Number(core[2]), bss: Number(core[3]) };
        const port = summary.match(/program \(main, port\)\s+(\d+)\s+(\d+)\s+(\d+)/);
        if (port) entry.program = { flash: Number(port[1]), data: Number(port[2]), bss: Number(port[3]) };
      }
      v[prog === 'mqtt_size' ? 'core' : 'port'] = entry;
    }
    // The largest core objects (before --gc-sections): where to look first.
    const lib = path.join(dir, 'core/libmqtt_core.a');
    if (fs.existsSync(lib)) {
      const rows = spawnSync('arm-none-eabi-size', [lib], { encoding: 'utf8' }).stdout.trim().split('\n').slice(1)
        .map((l) => l.trim().split(/\s+/)).map((f) => ({ object: f[5], text: Number(f[0]) }))
        .sort((a, b) => b.text - a.text);
      v.objects = rows.slice(0, 8);
    }
    out.variants.push(v);
  }
  return out;
}

export function measureSizes({ root, benchDir, smoke, log }) {
  const out = { js: [] };
  const wasmDir = path.join(root, 'wasm');
  const wasmFile = path.join(wasmDir, 'dist/mqtt_wasm.wasm');
  const files = fs.existsSync(wasmFile) ? browserFiles(wasmDir) : null;
  if (files) {
    const js = files.filter((f) => f !== wasmFile);
    out.js.push({ id: 'ours', name: 'mqtt-wasm (ours): .wasm', ...sizes([wasmFile]) });
    out.js.push({ id: 'ours-api', name: 'mqtt-wasm (ours): JavaScript (loader + API, minified browser bundle)', ...sizes(js) });
    out.js.push({ id: 'ours-total', name: 'mqtt-wasm (ours): total for a page', total: true, ...sizes(files) });
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: wasmDir, encoding: 'utf8' });
    try {
      const p = JSON.parse(pack.stdout)[0];
      out.npmPack = { size: p.size, unpackedSize: p.unpackedSize, entryCount: p.entryCount };
    } catch { /* npm pack not available */ }
  } else {
    out.missingWasm = 'wasm/dist/mqtt_wasm.wasm is not built';
  }
  const nm = path.join(benchDir, 'node_modules');
  const mqttjs = path.join(nm, 'mqtt/dist/mqtt.min.js');
  if (fs.existsSync(mqttjs)) out.js.push({ id: 'mqttjs', name: 'MQTT.js: dist/mqtt.min.js', total: true, ...sizes([mqttjs]) });
  const paho = path.join(nm, 'paho-mqtt/paho-mqtt-min.js');
  if (fs.existsSync(paho)) out.js.push({ id: 'paho', name: 'paho-mqtt: paho-mqtt-min.js', total: true, ...sizes([paho]) });
  out.cortexM4 = cortexM4({ root, smoke, log });
  return out;
}
