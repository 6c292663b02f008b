// The package as users get it: the generated files are current, the TypeScript declarations
// type-check a user's file, and the packed tarball installs into an empty folder and works there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt, repoRoot, wasmDir } from './helpers/package.mjs';

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('mqtt-wasm package', () => {
  it('js/errors.js and the .d.ts error codes are generated from the current error.h', () => {
    run(process.execPath, [path.join(wasmDir, 'scripts', 'gen-errors.mjs'), '--check'], wasmDir);
  });

  const tsc = path.join(wasmDir, 'node_modules', 'typescript', 'bin', 'tsc');
  it('a TypeScript file using the API type-checks (tsc --noEmit)', { skip: !existsSync(tsc) && 'typescript is not installed (npm ci in wasm/)' }, () => {
    try {
      run(process.execPath, [tsc, '--noEmit', '-p', path.join(repoRoot, 'tests', 'js', 'types', 'tsconfig.json')], repoRoot);
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
    }
  });

  // The benchmark target: what a page downloads (the .wasm and the browser bundle), gzip -9.
  it('a page loads at most 40 KB gzip', { skip: notBuilt }, () => {
    const sizes = JSON.parse(run(process.execPath, [path.join(wasmDir, 'scripts', 'size.mjs'), '--json'], wasmDir));
    assert.deepEqual(sizes.browser.files, ['dist/mqtt_wasm.wasm', 'dist/mqtt.browser.js']);
    assert.ok(sizes.browser.total.gzip <= 40000, `${sizes.browser.total.gzip} B gzip`);
  });

  describe('npm pack, install in an empty folder, use', { skip: notBuilt }, () => {
    let broker;
    let dir;
    before(async () => {
      broker = await startBroker();
      dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-wasm-pack-'));
    });
    after(async () => {
      if (broker) await broker.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('packs only the files the entries load and installs without Emscripten', { timeout: 180000 }, () => {
      const out = run('npm', ['pack', '--json', '--pack-destination', dir], wasmDir);
      const [info] = JSON.parse(out.slice(out.indexOf('[')));
      const files = info.files.map((f) => f.path).sort();
      // Exactly what the two entries load (the size report counts the same files), the types and
      // the docs: nothing a user downloads goes uncounted, nothing unused is shipped.
      const sizes = JSON.parse(run(process.execPath, [path.join(wasmDir, 'scripts', 'size.mjs'), '--json'], wasmDir));
      const needed = new Set([...sizes.browser.files, ...sizes.node.files, 'types/index.d.ts', 'README.md', 'package.json']);
      assert.deepEqual(files, [...needed].sort());
      for (const f of ['dist/mqtt_wasm.wasm', 'dist/mqtt.browser.js', 'js/node.js']) assert.ok(files.includes(f), `${f} is in the tarball`);
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      const app = path.join(dir, 'app');
      execFileSync('mkdir', ['-p', app]);
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, tarball)], app);
      assert.ok(existsSync(path.join(app, 'node_modules', 'mqtt-wasm', 'dist', 'mqtt_wasm.wasm')));
    });

    it('imports `mqtt-wasm` by name (default and named exports) and does a round trip with the broker', { timeout: 60000 }, () => {
      const app = path.join(dir, 'app');
      writeFileSync(path.join(app, 'main.mjs'), `
        import mqtt, { createClient, connectAsync, errors, MqttError } from 'mqtt-wasm';
        const named = { createClient, connectAsync, errors, MqttError };
        for (const [name, value] of Object.entries(named)) if (value !== mqtt[name]) throw new Error(name + ': not the one of the default export');
        const [port, wsPort] = process.argv.slice(2).map(Number);
        for (const options of [{ host: '127.0.0.1', port }, { host: '127.0.0.1', port: wsPort, protocol: 'ws' }]) {
          const client = await mqtt.connectAsync(options);
          const got = new Promise((resolve) => client.once('message', (t, m) => resolve(new TextDecoder().decode(m))));
          await client.subscribeAsync({ topic: 'pack/test', qos: 1 });
          await client.publishAsync({ topic: 'pack/test', message: 'from the tarball', qos: 1 });
          console.log(await got);
          await client.closeAsync();
        }
      `);
      const out = execFileSync(process.execPath, ['main.mjs', String(broker.tcpPort), String(broker.wsPort)], { cwd: app, encoding: 'utf8', timeout: 50000 });
      assert.equal(out.trim(), 'from the tarball\nfrom the tarball');
    });

    // The README's examples, as written but for the broker's port; each exits by itself.
    const examples = readFileSync(path.join(wasmDir, 'README.md'), 'utf8').match(/```js\n[\s\S]*?```/g)
      .map((block) => block.slice(6, -3));
    const example = (start) => {
      const found = examples.filter((e) => e.startsWith(start));
      assert.equal(found.length, 1, `one README example starts with ${start}`);
      return found[0];
    };
    const runExample = (file, source, port, newPort) => {
      assert.equal(source.split(`port: ${port},`).length, 2, `the example names port ${port} once`);
      writeFileSync(path.join(dir, 'app', file), source.replace(`port: ${port},`, `port: ${newPort},`));
      return execFileSync(process.execPath, [file], { cwd: path.join(dir, 'app'), encoding: 'utf8', timeout: 50000 });
    };

    it('the README\'s Use example runs (ESM, WebSocket)', { timeout: 60000 }, () => {
      const out = runExample('readme.mjs', example("import mqtt from 'mqtt-wasm';"), 9001, broker.wsPort);
      assert.equal(out, 'connected\ngranted 1\ndemo/a hello 0\n');
    });

    const requireEsm = process.features.require_module ? false : 'this Node cannot require an ES module';
    it('the README\'s CommonJS example runs (require from a .cjs file, TCP)', { skip: requireEsm, timeout: 60000 }, () => {
      const out = runExample('readme.cjs', example('// CommonJS'), 1883, broker.tcpPort);
      assert.equal(out, 'connected from CommonJS\n');
    });

    it('the installed package type-checks a file using every API item (tsc --strict, nodenext)', { skip: !existsSync(tsc) && 'typescript is not installed', timeout: 60000 }, () => {
      const app = path.join(dir, 'app');
      copyFileSync(path.join(repoRoot, 'tests', 'js', 'types', 'usage.ts'), path.join(app, 'usage.ts'));
      // Resolved as Node resolves it: node_modules/mqtt-wasm's `exports` map, its `types` condition.
      writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
          lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
        },
        files: ['usage.ts'],
      }));
      try {
        run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
      } catch (e) {
        assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
      }
    });
  });
});
