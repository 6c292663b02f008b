// Hostile brokers: every case of hostile_catalogue.mjs against the native client, the native
// client built with AddressSanitizer + UBSan (set MQTT_REL_ASAN=0 to leave it out), and the wasm
// client in Node. The client must report the violation by its code name, close the connection
// itself, and not crash (the native driver must still answer and exit 0: any sanitizer report
// makes it exit non-zero). Then every case of resumeCatalogue on the same hosts: a resumed session
// under smaller limits ends each publish exactly once, as the limits allow.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker } from '../fixtures/fake_broker.mjs';
import { nativeBuild, startNativeClient, loadWasm, waitFor, uniqueId } from './helpers.mjs';
import { catalogue, resumeCatalogue } from './hostile_catalogue.mjs';

const results = [];

function nativeArgs(port, c = {}) {
  const a = ['--url', `mqtt://127.0.0.1:${port}`, '--no-reconnect', '--keepalive', '0'];
  if (c.version) a.push('--version', String(c.version));
  if (c.receiveMaximum) a.push('--receive-max', String(c.receiveMaximum));
  if (c.maximumPacketSize) a.push('--max-packet', String(c.maximumPacketSize));
  if (c.topicAliasMaximum) a.push('--topic-alias-max', String(c.topicAliasMaximum));
  if (c.connectTimeout) a.push('--connect-timeout', String(c.connectTimeout));
  if (c.authMethod) a.push('--auth-method', c.authMethod);
  return a;
}

const sentTypes = (conn) => conn.received.map((p) => `${p.type}${p.type === 'disconnect' ? ` ${p.body[0]}` : ''}`).join(', ');

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
      if (item.check) assert.ok(item.check(fake.connections[0]), `what the client sent: ${sentTypes(fake.connections[0])}`);
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
    ...(c.authMethod ? { authenticationMethod: c.authMethod } : {}),
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
    if (item.check) assert.ok(item.check(fake.connections[0]), `what the client sent: ${sentTypes(fake.connections[0])}`);
    return `${reported.ev} ${reported.code}`;
  } finally {
    client.close();
    await fake.close();
  }
}

// --- resumeCatalogue ----------------------------------------------------------------------------
const RESUME_CLIENT = { version: 5, clean: false, sessionExpiry: 600, reconnectMin: 50, reconnectMax: 100 };

// accounts: per publish group { accepted, success, fail_codes, double, outstanding } (rel_client's
// report); events: [{ ev, code }] of the client; fake: the fake broker after the resumed
// connection saw everything.
const groups = (item) => [...item.publish, ...(item.later ?? [])];
const burst = (g) => `burst ${g.tag} ${g.topic} ${g.qos} ${g.count} ${g.size ?? 0} ${g.retain ? 1 : 0}`;

function assertResumed(item, accounts, events, fake) {
  for (const g of groups(item)) {
    const a = accounts[g.tag];
    const want = item.outcome[g.tag];
    assert.equal(a.accepted, g.count, `${g.tag}: every publish accepted`);
    assert.equal(a.double, 0, `${g.tag}: no publish completed twice`);
    assert.equal(a.outstanding, 0, `${g.tag}: every publish completed`);
    const ended = { ...(a.success ? { success: a.success } : {}), ...a.fail_codes };
    assert.deepEqual(ended, typeof want === 'string' ? { [want]: g.count } : want, `how the ${g.tag} publishes ended`);
  }
  const errors = events.filter((e) => e.ev === 'error').map((e) => e.code);
  if (item.errors) {
    assert.ok(errors.length > 0, `an error event naming ${item.errors}`);
    assert.deepEqual([...new Set(errors)], [item.errors], 'the error events');
  } else {
    assert.deepEqual(errors, [], 'no error event');
  }
  assert.equal(events.filter((e) => e.ev === 'reconnect').length, 1, 'one reconnection');
  assert.equal(fake.connections.length, 2, 'the client stays on the resumed connection');
  assert.equal(fake.connections[1].closedBy, null, 'the resumed connection stays up');
}

// Waits until the resumed connection saw every resend, or the fake broker saw a violation.
async function resumedConnectionDone(fake) {
  await waitFor(() => fake.connections[1]?.done || fake.errors.length, 10000, 'the resumed connection to see every resend');
  assert.deepEqual(fake.errors.map(String), [], 'the fake broker saw only what the new limits allow');
}

const resumedSummary = (item, fake) => `at most ${fake.connections[1].maxUnacked} unacknowledged on the resumed ` +
  `connection; ${groups(item).map((g) => `${g.tag} ${JSON.stringify(item.outcome[g.tag])}`).join(', ')}`;

async function runNativeResume(binary, item, env) {
  const fake = await startFakeBroker(item.broker());
  const c = RESUME_CLIENT;
  const client = startNativeClient(binary, ['--url', `mqtt://127.0.0.1:${fake.port}`, '--id', uniqueId('rs'),
    '--version', String(c.version), '--clean', '0', '--session-expiry', String(c.sessionExpiry), '--keepalive', '0',
    '--reconnect-min', String(c.reconnectMin), '--reconnect-max', String(c.reconnectMax)], { env });
  try {
    await client.next('connect');
    for (const g of item.later ?? []) client.send(`onreconnect ${burst(g)}`);
    for (const g of item.publish) client.send(burst(g));
    await resumedConnectionDone(fake);
    const accounts = {};
    for (const g of groups(item)) {
      accounts[g.tag] = await waitFor(async () => {
        const r = await client.ask(`report ${g.tag}`, 'report');
        return r.outstanding === 0 && r;
      }, 10000, `every ${g.tag} publish to complete`);
    }
    assertResumed(item, accounts, client.events, fake);
    assert.equal((await client.ask('stats', 'stats')).state, 'connected');
    const exit = await client.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `the driver exits cleanly; stderr:\n${client.stderr}`);
    return resumedSummary(item, fake);
  } finally {
    if (!client.exit) client.child.kill('SIGKILL');
    await fake.close();
  }
}

async function runWasmResume(mqtt, item) {
  const fake = await startFakeBroker(item.broker());
  const c = RESUME_CLIENT;
  const events = [];
  const accounts = {};
  const client = mqtt.createClient({
    url: `mqtt://127.0.0.1:${fake.port}`, clientId: uniqueId('rsw'), clean: false, protocolVersion: c.version,
    sessionExpiryInterval: c.sessionExpiry, keepalive_interval: 0, reconnectMinDelay: c.reconnectMin,
    reconnectMaxDelay: c.reconnectMax,
  });
  assert.ok(client, 'createClient returned a client');
  client.on('error', (e) => events.push({ ev: 'error', code: mqtt.errorName(e.code).toLowerCase() }));
  const publishGroup = (g) => {
    const a = { accepted: 0, success: 0, fail_codes: {}, double: 0, outstanding: 0 };
    accounts[g.tag] = a;
    for (let i = 0; i < g.count; i++) {
      let completions = 0;
      const done = () => {
        if (completions++ > 0) a.double++;
        else a.outstanding--;
      };
      const rc = client.publish({ topic: g.topic, message: `${g.tag}-${i}`.padEnd(g.size ?? 0, 'x'), qos: g.qos,
        retain: !!g.retain,
        success: () => { a.success++; done(); },
        fail: (e) => {
          const code = mqtt.errorName(e.code).toLowerCase();
          a.fail_codes[code] = (a.fail_codes[code] ?? 0) + 1;
          done();
        } });
      if (rc === 0) {
        a.accepted++;
        a.outstanding++;
      }
    }
  };
  for (const ev of ['connect', 'reconnect']) client.on(ev, () => events.push({ ev }));
  client.once('reconnect', () => (item.later ?? []).forEach(publishGroup));
  try {
    await waitFor(() => events.some((e) => e.ev === 'connect'), 10000, 'connect');
    item.publish.forEach(publishGroup);
    await resumedConnectionDone(fake);
    await waitFor(() => groups(item).every((g) => accounts[g.tag].outstanding === 0), 10000, 'every publish to complete');
    assertResumed(item, accounts, events, fake);
    return resumedSummary(item, fake);
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
    for (const item of resumeCatalogue) {
      test(`resumed session: ${item.name}`, { timeout: 30000 }, async (t) => {
        if (host.wasm && !mqtt) return t.skip('wasm/dist is not built');
        if (!host.wasm && !binary) return t.skip('not built (MQTT_REL_ASAN=0)');
        const got = host.wasm ? await runWasmResume(mqtt, item) : await runNativeResume(binary, item, host.env);
        results.push(`${host.name.padEnd(18)} resumed: ${item.name}: ${got}`);
      });
    }
  });
}

after(() => {
  console.log(`hostile catalogue results:\n  ${results.join('\n  ')}`);
});
