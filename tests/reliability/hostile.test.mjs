// Hostile brokers: every case of hostile_catalogue.mjs against the native client, the native
// client built with AddressSanitizer + UBSan (set MQTT_REL_ASAN=0 to leave it out), and the wasm
// client in Node. The client must report the violation by its code name, close the connection
// itself, and not crash (the native driver must still answer and exit 0: any sanitizer report
// makes it exit non-zero).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker } from '../fixtures/fake_broker.mjs';
import { nativeBuild, startNativeClient, loadWasm, waitFor } from './helpers.mjs';
import { catalogue } from './hostile_catalogue.mjs';

const results = [];

function nativeArgs(port, c = {}) {
  const a = ['--url', `mqtt://127.0.0.1:${port}`, '--no-reconnect', '--keepalive', '0'];
  if (c.version) a.push('--version', String(c.version));
  if (c.receiveMaximum) a.push('--receive-max', String(c.receiveMaximum));
  if (c.maximumPacketSize) a.push('--max-packet', String(c.maximumPacketSize));
  if (c.topicAliasMaximum) a.push('--topic-alias-max', String(c.topicAliasMaximum));
  if (c.connectTimeout) a.push('--connect-timeout', String(c.connectTimeout));
  return a;
}

function matches(item, code) {
  return item.expectAny ? item.expectAny.includes(code) : code === item.expect;
}

async function runNative(binary, item, env) {
  const fake = await startFakeBroker(item.script);
  const client = startNativeClient(binary, nativeArgs(fake.port, item.client), { env });
  try {
    let reported = null;
    if (item.expect === null) {
      await waitFor(() => fake.connections[0] && item.check(fake.connections[0]), 10000, 'the client answer');
      if (item.messages) {
        await waitFor(async () => (await client.ask('tally flood1', 'tally')).received === item.messages, 10000,
          'every flooded message delivered');
      }
      // Still connected, no error.
      const s = await client.ask('stats', 'stats');
      assert.equal(s.state, 'connected', 'the connection stays up');
      assert.equal(client.count('error'), 0, `no error event: ${JSON.stringify(client.all('error'))}`);
    } else {
      const kinds = item.event ? [item.event] : ['error', 'fail'];
      await waitFor(() => client.events.find((e) => kinds.includes(e.ev) && e.code), 10000,
        `an ${kinds.join('/')} event naming ${item.expect ?? item.expectAny}`);
      reported = client.events.find((e) => kinds.includes(e.ev) && e.code);
      assert.ok(matches(item, reported.code), `reported ${reported.ev} ${reported.code} (${reported.message}), expected ${item.expect ?? item.expectAny}`);
      // The client ends the connection (except when the broker did).
      await waitFor(() => fake.connections[0]?.closedBy, 10000, 'the connection to end');
      if (item.event !== 'disconnect') assert.equal(fake.connections[0].closedBy, 'client', 'the client closed the connection');
      const s = await client.ask('stats', 'stats'); // still alive, still answering
      assert.notEqual(s.state, 'connected');
    }
    const exit = await client.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `the driver exits cleanly; stderr:\n${client.stderr}`);
    assert.deepEqual(fake.errors, [], 'the fake broker script ran to its end');
    return reported ? `${reported.ev} ${reported.code}` : 'no error, connection kept';
  } finally {
    if (!client.exit) client.child.kill('SIGKILL');
    await fake.close();
  }
}

async function runWasm(mqtt, item) {
  const fake = await startFakeBroker(item.script);
  const c = item.client ?? {};
  const events = [];
  const client = mqtt.createClient({
    url: `mqtt://127.0.0.1:${fake.port}`, reconnect: false, keepalive_interval: 0,
    ...(c.version ? { protocolVersion: c.version } : {}),
    ...(c.receiveMaximum ? { receiveMaximum: c.receiveMaximum } : {}),
    ...(c.maximumPacketSize ? { maximumPacketSize: c.maximumPacketSize } : {}),
    ...(c.topicAliasMaximum ? { topicAliasMaximum: c.topicAliasMaximum } : {}),
    ...(c.connectTimeout ? { connectTimeout: c.connectTimeout } : {}),
    success: () => events.push({ ev: 'success' }),
    fail: (e) => events.push({ ev: 'fail', code: mqtt.errorName(e.code).toLowerCase(), message: e.message }),
  });
  assert.ok(client, 'createClient returned a client');
  let messages = 0;
  for (const ev of ['error', 'disconnect']) {
    client.on(ev, (e) => events.push({ ev, code: mqtt.errorName(e.code).toLowerCase(), message: e.message }));
  }
  client.on('close', () => events.push({ ev: 'close' }));
  client.on('message', () => messages++);
  try {
    if (item.expect === null) {
      await waitFor(() => fake.connections[0] && item.check(fake.connections[0]), 10000, 'the client answer');
      if (item.messages) await waitFor(() => messages === item.messages, 10000, 'every flooded message delivered');
      assert.equal(events.filter((e) => e.ev === 'error').length, 0, `no error: ${JSON.stringify(events)}`);
      assert.equal(fake.connections[0].closedBy, null, 'the connection stays up');
      return 'no error, connection kept';
    }
    const kinds = item.event ? [item.event] : ['error', 'fail'];
    await waitFor(() => events.find((e) => kinds.includes(e.ev) && e.code), 10000, `an event naming ${item.expect}`);
    const reported = events.find((e) => kinds.includes(e.ev) && e.code);
    assert.ok(matches(item, reported.code), `reported ${reported.ev} ${reported.code} (${reported.message}), expected ${item.expect ?? item.expectAny}`);
    await waitFor(() => fake.connections[0]?.closedBy, 10000, 'the connection to end');
    if (item.event !== 'disconnect') assert.equal(fake.connections[0].closedBy, 'client', 'the client closed the connection');
    return `${reported.ev} ${reported.code}`;
  } finally {
    client.close();
    await fake.close();
  }
}

const hosts = [
  { name: 'native', load: () => nativeBuild().client },
  { name: 'native ASan+UBSan', load: () => (process.env.MQTT_REL_ASAN === '0' ? null : nativeBuild({ asan: true }).client),
    env: { ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:strict_string_checks=1',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' } },
  { name: 'wasm', wasm: true },
];

for (const host of hosts) {
  describe(`hostile broker catalogue: ${host.name} client`, () => {
    let binary = null;
    let mqtt = null;
    before(async () => {
      if (host.wasm) mqtt = await loadWasm();
      else binary = host.load();
    }, { timeout: 600000 });
    for (const item of catalogue) {
      test(item.name, { timeout: 30000 }, async (t) => {
        if (host.wasm && !mqtt) return t.skip('wasm/dist is not built');
        if (!host.wasm && !binary) return t.skip('not built (MQTT_REL_ASAN=0)');
        const got = host.wasm ? await runWasm(mqtt, item) : await runNative(binary, item, host.env);
        results.push(`${host.name.padEnd(18)} ${item.name}: ${got}`);
      });
    }
  });
}

after(() => {
  console.log(`hostile catalogue results:\n  ${results.join('\n  ')}`);
});
