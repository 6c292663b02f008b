// The playground's browser-free parts under Node: routing, the share codec, payload and
// console formatting, the network module, the worker's outbox (batches, flood ration), and the instrumentation around the real
// WebAssembly client (Node entry of the same package) against Mosquitto.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultRoutes, parseRoutes, resolveRoute } from '../web/src/runner/routing.js';
import { decodeScript, encodeScript, scriptFromHash, shareHash } from '../web/src/share/codec.js';
import { formatPayload, formatSize } from '../web/src/panels/payload.js';
import { formatArgs, scriptLocation, BODY_LINE_OFFSET } from '../web/src/runner/format.js';
import { createNetworkModule } from '../web/src/runner/network-shim.js';
import { instrumentMqtt } from '../web/src/runner/instrument.js';
import { createOutbox, ROWS_PER_SECOND } from '../web/src/runner/outbox.js';
import { wasmOutOfDate } from '../web/scripts/build-if-needed.mjs';
import fs from 'node:fs';
import os from 'node:os';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('routing', () => {
  const { rules, errors } = parseRoutes([
    '# comment',
    'test.mosquitto.org:1883 -> ws://127.0.0.1:9001/mqtt',
    '*.example.com:* → wss://127.0.0.1:9443/',
    'broken line',
    '* = ws://127.0.0.1:9002/mqtt',
  ].join('\n'));

  test('first match wins; globs on host and port; default port 1883', () => {
    assert.equal(resolveRoute(rules, 'test.mosquitto.org', 1883), 'ws://127.0.0.1:9001/mqtt');
    assert.equal(resolveRoute(rules, 'test.mosquitto.org'), 'ws://127.0.0.1:9001/mqtt');
    assert.equal(resolveRoute(rules, 'TEST.mosquitto.org', 1883), 'ws://127.0.0.1:9001/mqtt');
    assert.equal(resolveRoute(rules, 'test.mosquitto.org', 8883), 'ws://127.0.0.1:9002/mqtt');
    assert.equal(resolveRoute(rules, 'a.example.com', 1), 'wss://127.0.0.1:9443/');
    assert.equal(resolveRoute(rules, 'example.com', 1883), 'ws://127.0.0.1:9002/mqtt');
  });

  test('a line that is not a rule is reported with its number', () => {
    assert.equal(errors.length, 1);
    assert.equal(errors[0].line, 4);
  });

  test('no rule, no route; the default routes everything to the local broker', () => {
    assert.equal(resolveRoute(parseRoutes('').rules, 'x', 1), null);
    const d = parseRoutes(defaultRoutes('ws://127.0.0.1:1234/mqtt'));
    assert.deepEqual(d.errors, []);
    assert.equal(resolveRoute(d.rules, 'anything.at.all', 1883), 'ws://127.0.0.1:1234/mqtt');
  });
});

describe('share codec', () => {
  test('round-trips any text exactly, in URL-safe characters', async () => {
    const samples = ['', 'a', "var mqtt = require('mqtt');\n", 'ünïcødé ✓ 😀\r\n\t\u0000end', 'x'.repeat(100000)];
    for (const s of samples) {
      const enc = await encodeScript(s);
      assert.match(enc, /^[A-Za-z0-9_-]*$/);
      assert.equal(await decodeScript(enc), s);
      assert.equal(await scriptFromHash(await shareHash(s)), s);
    }
  });

  test('compresses: a long repetitive script gives a short link', async () => {
    assert.ok((await encodeScript('client.publish({ topic: "a", message: "b" });\n'.repeat(200))).length < 200);
  });

  test('no code in the hash is null; a damaged one throws', async () => {
    assert.equal(await scriptFromHash(''), null);
    assert.equal(await scriptFromHash('#other=1'), null);
    await assert.rejects(scriptFromHash('#code=AAAA_not_deflate'));
  });
});

describe('formatting', () => {
  const bytes = (a) => new Uint8Array(a);
  test('payloads: text, JSON, hex for binary, empty', () => {
    assert.deepEqual(formatPayload(new TextEncoder().encode('héllo'), 'text'), { text: 'héllo', kind: 'text' });
    assert.deepEqual(formatPayload(new TextEncoder().encode('{ "a": 1 }'), 'json'), { text: '{"a":1}', kind: 'json' });
    assert.deepEqual(formatPayload(bytes([0, 1, 255]), 'text'), { text: '00 01 ff', kind: 'hex' });
    assert.deepEqual(formatPayload(new TextEncoder().encode('ab'), 'hex'), { text: '61 62', kind: 'hex' });
    assert.equal(formatPayload(bytes([]), 'text').kind, 'empty');
    assert.equal(formatSize(1536), '1.5 KiB');
  });

  test('console arguments: substitutions, objects, binary', () => {
    assert.equal(formatArgs(['%s is %d', 'x', 42, 'extra']), 'x is 42 extra');
    assert.equal(formatArgs(['a', { b: [1, 'c'] }]), 'a { b: [ 1, "c" ] }');
    assert.equal(formatArgs([new Uint8Array([1, 2]).buffer]), 'ArrayBuffer(2) <01 02>');
    const o = {};
    o.self = o;
    assert.equal(formatArgs([o]), '{ self: [Circular] }');
  });

  test('an error thrown by the script is located in app.js', () => {
    const fn = new Function(`\n\nthrow new Error('x');\n//# sourceURL=app.js`);
    try {
      fn();
      assert.fail('should throw');
    } catch (err) {
      assert.deepEqual(scriptLocation(err), { line: 3, column: 7 });
    }
    assert.equal(BODY_LINE_OFFSET, 2);
  });
});

describe('network module', () => {
  test('always connected; on(connect) fires; the AMP names are there', async () => {
    const network = createNetworkModule({ schedule: (fn) => setTimeout(fn, 0) });
    const net = network.openNetWorkClient();
    assert.equal(network.openNetClient, network.openNetWorkClient);
    assert.equal(net.getStatus(), 'connect');
    assert.equal(net.getType(), 'wifi');
    assert.equal(net.getInfo().netInfo.ip_addr, '127.0.0.1');
    await new Promise((resolve) => net.on('connect', resolve));
  });
});

describe('outbox', () => {
  // A manual clock and timers that fire only when told: a loop that never yields.
  function harness() {
    const h = { t: 0, posted: [], timers: [] };
    h.outbox = createOutbox({
      post: (msg) => h.posted.push(...msg.events),
      setTimer: (fn) => h.timers.push(fn),
      now: () => h.t,
    });
    h.yieldNow = () => { for (const fn of h.timers.splice(0)) fn(); };
    h.lines = () => h.posted.filter((e) => e.type === 'console').length;
    h.notes = () => h.posted.filter((e) => e.type === 'dropped');
    return h;
  }

  test('a flood in a loop that never yields: the ration is delivered, the rest counted, the count sent as it grows', () => {
    const h = harness();
    for (let i = 0; i < 5000; i++) {
      h.t = i * 0.1; // 5000 lines in 0.5 s
      h.outbox.report({ type: 'console', level: 'log', text: String(i) });
    }
    // Without a yield, everything kept has been posted but the last part of a MAX_QUEUED chunk.
    assert.ok(h.lines() > ROWS_PER_SECOND - 200 && h.lines() <= ROWS_PER_SECOND, `${h.lines()} lines posted`);
    const counts = h.notes().map((n) => n.console);
    assert.ok(counts.length >= 2, 'the count is sent at once and again while the flood lasts');
    assert.ok(counts.every((c, i) => i === 0 || c > counts[i - 1]), `growing counts ${counts}`);
    h.yieldNow();
    assert.equal(h.lines(), ROWS_PER_SECOND);
    assert.equal(h.notes().at(-1).console, 5000 - ROWS_PER_SECOND);
    assert.ok(new Set(h.notes().map((n) => n.flood)).size === 1, 'one flood');
  });

  test('a new second starts a new ration; the flood before it is closed with its final count', () => {
    const h = harness();
    for (let i = 0; i < ROWS_PER_SECOND + 10; i++) h.outbox.report({ type: 'console', text: String(i) });
    h.t = 1000;
    h.outbox.report({ type: 'console', text: 'next second' });
    h.yieldNow();
    const texts = h.posted.map((e) => (e.type === 'dropped' ? `dropped ${e.console}` : e.text));
    assert.deepEqual(texts.slice(-2), ['dropped 10', 'next second']);
  });

  test('messages in and out share one ration apart from the console; other events always pass', () => {
    const h = harness();
    for (let i = 0; i < ROWS_PER_SECOND; i++) h.outbox.report({ type: 'msg', dir: i % 2 ? 'in' : 'out' });
    h.outbox.report({ type: 'msg', dir: 'in' });
    h.outbox.report({ type: 'msg', dir: 'out' });
    h.outbox.report({ type: 'client-error', error: 'refused' });
    h.outbox.report({ type: 'client', state: 'closed' });
    h.yieldNow();
    assert.equal(h.posted.filter((e) => e.type === 'msg').length, ROWS_PER_SECOND);
    assert.deepEqual(h.notes().map(({ console: c, in: i, out: o }) => [c, i, o]).at(-1), [0, 1, 1]);
    assert.ok(h.posted.some((e) => e.type === 'client-error') && h.posted.some((e) => e.type === 'client'));
  });
});

describe('instrumentation around the real client (Node)', () => {
  let broker;
  let mqtt;
  before(async () => {
    const { startBroker } = await import(pathToFileURL(path.join(repo, 'tests', 'fixtures', 'broker.mjs')).href);
    broker = await startBroker();
    mqtt = (await import(pathToFileURL(path.join(repo, 'wasm', 'js', 'node.js')).href)).default;
  });
  after(async () => broker?.stop());

  test('routes host:port to the WebSocket endpoint and reports state, messages and subscriptions', async () => {
    const events = [];
    const { rules } = parseRoutes(defaultRoutes(`ws://127.0.0.1:${broker.wsPort}/mqtt`));
    const errors = [];
    const { module, closeAll } = instrumentMqtt(mqtt, {
      rules,
      report: (e) => events.push(e),
      guard: (fn) => { try { return fn(); } catch (err) { errors.push(err); return undefined; } },
    });
    const got = await new Promise((resolve, reject) => {
      const client = module.createClient({
        host: 'test.mosquitto.org',
        port: 1883,
        clientId: 'instrumented',
        fail: (err) => reject(new Error(err.message)),
      });
      client.on('connect', () => {
        client.subscribe({
          topic: 'units/#',
          qos: 1,
          success: () => client.publish({ topic: 'units/a', message: new Uint8Array([0, 1, 2]).buffer, qos: 1, retain: false }),
        });
      });
      client.on('message', (topic, message) => resolve({ topic, bytes: [...new Uint8Array(message)] }));
      // A listener that throws is reported, and the client goes on.
      client.on('message', () => { throw new Error('listener bug'); });
    });
    assert.deepEqual(got, { topic: 'units/a', bytes: [0, 1, 2] });
    assert.equal(await closeAll(2000), 1);

    const states = events.filter((e) => e.type === 'client').map((e) => e.state);
    assert.deepEqual(states, ['connecting', 'connected', 'closed']);
    const first = events.find((e) => e.type === 'client');
    assert.equal(first.from, 'test.mosquitto.org:1883');
    assert.equal(first.to, `ws://127.0.0.1:${broker.wsPort}/mqtt`);
    const subs = events.filter((e) => e.type === 'sub').map((e) => e.state);
    assert.deepEqual(subs, ['pending', 'granted']);
    const msgs = events.filter((e) => e.type === 'msg').map((e) => [e.dir, e.topic, [...e.payload], e.qos]);
    assert.deepEqual(msgs, [['out', 'units/a', [0, 1, 2], 1], ['in', 'units/a', [0, 1, 2], 1]]);
    await new Promise((r) => setImmediate(r));
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /listener bug/);
  });

  test('a url and failover servers are routed too', async () => {
    const events = [];
    const { rules } = parseRoutes(`* -> ws://127.0.0.1:${broker.wsPort}/mqtt`);
    const { module, closeAll } = instrumentMqtt(mqtt, { rules, report: (e) => events.push(e), guard: (fn) => fn() });
    await new Promise((resolve, reject) => {
      module.createClient({ url: 'mqtts://cloud.example:8883', clientId: 'by-url', success: resolve, fail: (e) => reject(new Error(e.message)) });
    });
    const first = events.find((e) => e.type === 'client');
    assert.equal(first.from, 'cloud.example:8883');
    assert.equal(first.to, `ws://127.0.0.1:${broker.wsPort}/mqtt`);
    await closeAll(2000);
  });

  test('a host with no route fails clearly, without connecting anywhere', async () => {
    const events = [];
    const { module } = instrumentMqtt(mqtt, { rules: parseRoutes('only.this:1 -> ws://127.0.0.1:1/mqtt').rules, report: (e) => events.push(e), guard: (fn) => fn() });
    let client;
    const failed = new Promise((resolve) => {
      client = module.createClient({ host: 'elsewhere', fail: (err) => resolve(err) });
    });
    assert.equal(client, null);
    assert.match((await failed).message, /no route for elsewhere:1883/);
    // A url of its own is routed the same way (never used as is).
    assert.equal(module.createClient({ url: 'wss://broker.example:8884/mqtt', fail() {} }), null);
    assert.match(events.at(-1).error, /no route for broker\.example:8884/);
    const failure = events.find((e) => e.type === 'client' && e.state === 'failed');
    assert.match(failure.error, /no route for elsewhere:1883/);
  });
});

describe('build if needed', () => {
  test('the WebAssembly package is rebuilt when missing or older than the core, its C++ or its loader', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-build-'));
    try {
      const file = (p, seconds) => {
        fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
        fs.writeFileSync(path.join(root, p), p);
        fs.utimesSync(path.join(root, p), seconds, seconds);
      };
      // Folders are dated when files are made in them: dated back here, so the files decide.
      const ageFolders = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          ageFolders(path.join(dir, e.name));
          fs.utimesSync(path.join(dir, e.name), 0, 0);
        }
      };
      const outOfDate = () => {
        ageFolders(root);
        return wasmOutOfDate(root);
      };
      file('core/src/client/engine.cpp', 1000);
      file('wasm/bindings.cpp', 1000);
      file('wasm/js/binding.js', 1000);
      file('wasm/js/client.js', 3000);  // bundled from source by Vite: not a reason to rebuild dist
      assert.equal(outOfDate(), true, 'nothing built yet');
      file('wasm/dist/mqtt_wasm.wasm', 2000);
      file('wasm/dist/mqtt_wasm.mjs', 2000);
      assert.equal(outOfDate(), false);
      for (const source of ['core/src/client/engine.cpp', 'wasm/bindings.cpp', 'wasm/js/binding.js']) {
        file(source, 2500);
        assert.equal(outOfDate(), true, `${source} changed`);
        file(source, 1000);
      }
      file('core/include/mqtt/error.h', 2500);
      assert.equal(outOfDate(), true, 'a new core header');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
