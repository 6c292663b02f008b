// Secure defaults. TLS verifies the certificate chain and the host name unless told not to
// (native driver, the `mqtt` CLI, the wasm client over TLS and WSS in Node). Passwords never
// show: not in the CLI's -d output, not in its errors, not in error events or fail messages of
// either client, not when the wasm client object is printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { startBroker } from '../fixtures/broker.mjs';
import { makeCerts } from '../fixtures/certs.mjs';
import { nativeBuild, startNativeClient, loadWasm, uniqueId } from './helpers.mjs';

const PASSWORD = 'Pw-never-shown-7f3a9c';
const WRONG = 'Wrong-pw-never-shown-2b8e';
let tlsBroker;
let authBroker;
let certs;
let build;
let mqtt;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-secure-'));

before(async () => {
  build = nativeBuild();
  mqtt = await loadWasm();
  certs = makeCerts(path.join(tmp, 'certs'), { hostname: 'localhost' });
  tlsBroker = await startBroker({ tls: { certFile: certs.certFile, keyFile: certs.keyFile }, wss: true });
  authBroker = await startBroker({ users: { alice: PASSWORD } });
}, { timeout: 600000 });
after(async () => {
  await tlsBroker?.stop();
  await authBroker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// One native connection attempt: the first of success / fail, as an event object.
async function nativeAttempt(args) {
  const c = startNativeClient(build.client, [...args, '--no-reconnect', '--connect-timeout', '5000']);
  try {
    await c.next('success', { match: () => true, timeoutMs: 10000 }).catch(() => null);
    return c.events.find((e) => e.ev === 'success' || e.ev === 'fail') ?? await c.next('fail');
  } finally {
    await c.stop();
  }
}

function wasmAttempt(options) {
  return new Promise((resolve) => {
    const c = mqtt.createClient({ reconnect: false, connectTimeout: 5000, ...options,
      success: () => { resolve({ ev: 'success' }); c.close(); },
      fail: (e) => resolve({ ev: 'fail', code: mqtt.errorName(e.code).toLowerCase(), message: e.message }) });
    if (!c) resolve({ ev: 'create_failed' });
  });
}

const TLS_REFUSALS = ['tls_certificate_invalid', 'tls_failed'];

test('native: a self-signed broker without the CA is refused; the CA makes it work; --insecure is explicit', { timeout: 60000 }, async () => {
  const url = `mqtts://127.0.0.1:${tlsBroker.tlsPort}`;
  const noCa = await nativeAttempt(['--url', url]);
  assert.equal(noCa.ev, 'fail');
  assert.equal(noCa.code, 'tls_certificate_invalid', noCa.message);
  const withCa = await nativeAttempt(['--url', url, '--cafile', certs.caFile]);
  assert.equal(withCa.ev, 'success', JSON.stringify(withCa));
  const wrongName = await nativeAttempt(['--url', url, '--cafile', certs.caFile, '--servername', 'not-the-broker.example']);
  assert.equal(wrongName.ev, 'fail');
  assert.equal(wrongName.code, 'tls_hostname_mismatch', wrongName.message);
  const insecure = await nativeAttempt(['--url', url, '--insecure']);
  assert.equal(insecure.ev, 'success', 'verification is off only when asked');
  console.log(`native TLS: no CA -> ${noCa.code}; CA -> success; wrong name -> ${wrongName.code}; --insecure -> success`);
});

test('CLI: mqtt pub over TLS without the CA exits 2 and says why', { timeout: 60000 }, () => {
  const r = spawnSync(build.cli, ['pub', '-L', `mqtts://127.0.0.1:${tlsBroker.tlsPort}/t`, '--tls', '-m', 'x'],
    { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /certificate|TLS/i);
  const ok = spawnSync(build.cli, ['pub', '-h', '127.0.0.1', '-p', String(tlsBroker.tlsPort), '--cafile', certs.caFile,
    '-t', 't', '-m', 'x'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(ok.status, 0, ok.stderr);
});

test('wasm (Node): TLS and WSS verify the certificate and the host name by default', { timeout: 60000 }, async (t) => {
  if (!mqtt) return t.skip('wasm/dist is not built');
  const ca = fs.readFileSync(certs.caFile, 'utf8');
  const results = {};
  for (const [scheme, port] of [['mqtts', tlsBroker.tlsPort], ['wss', tlsBroker.wssPort]]) {
    const url = `${scheme}://127.0.0.1:${port}${scheme === 'wss' ? '/mqtt' : ''}`;
    const noCa = await wasmAttempt({ url });
    assert.equal(noCa.ev, 'fail', `${scheme} without CA`);
    assert.ok(TLS_REFUSALS.includes(noCa.code) || (scheme === 'wss' && noCa.code === 'websocket_failed'),
      `${scheme} without CA: ${noCa.code} ${noCa.message}`);
    const withCa = await wasmAttempt({ url, tls: { ca } });
    assert.equal(withCa.ev, 'success', `${scheme} with CA: ${JSON.stringify(withCa)}`);
    const wrongName = await wasmAttempt({ url, tls: { ca, servername: 'not-the-broker.example' } });
    assert.equal(wrongName.ev, 'fail', `${scheme} wrong name`);
    results[scheme] = `no CA -> ${noCa.code}; CA -> success; wrong name -> ${wrongName.code}`;
  }
  console.log(`wasm TLS: ${JSON.stringify(results)}`);
});

test('the CLI never prints the password: -d output and errors, right and wrong password, -P and -L forms', { timeout: 60000 }, () => {
  const port = String(authBroker.tcpPort);
  const runs = [
    ['pub', '-d', '-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', PASSWORD, '-t', 't', '-m', 'x', '-q', '1'],
    ['pub', '-d', '-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', WRONG, '-t', 't', '-m', 'x'],
    ['pub', '-d', '-L', `mqtt://alice:${WRONG}@127.0.0.1:${port}/t`, '-m', 'x'],
    ['sub', '-d', '-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', WRONG, '-t', 't', '-C', '1', '-W', '2'],
    ['sub', '-d', '-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', PASSWORD, '-t', 't', '-E'],
    // Unreachable broker and bad TLS: the error paths that describe the connection.
    ['pub', '-d', '-h', '127.0.0.1', '-p', '1', '-u', 'alice', '-P', PASSWORD, '-t', 't', '-m', 'x'],
    ['pub', '-d', '-L', `mqtts://alice:${PASSWORD}@127.0.0.1:${tlsBroker.tlsPort}/t`, '-m', 'x'],
    // A usage error right after the password.
    ['pub', '-d', '-u', 'alice', '-P', PASSWORD, '--no-such-flag'],
  ];
  const codes = [];
  for (const args of runs) {
    const r = spawnSync(build.cli, args, { encoding: 'utf8', timeout: 20000 });
    codes.push(r.status);
    const out = `${r.stdout}\n${r.stderr}`;
    assert.ok(!out.includes(PASSWORD) && !out.includes(WRONG),
      `password printed by: mqtt ${args.join(' ').replaceAll(PASSWORD, '<pw>').replaceAll(WRONG, '<wrong>')}\n${out}`);
  }
  assert.deepEqual(codes, [0, 3, 3, 3, 0, 2, 2, 1], 'exit codes: ok, refused x3, ok, unreachable, TLS, usage');
});

test('native client: the password is in no event or error', { timeout: 60000 }, async () => {
  for (const pw of [PASSWORD, WRONG]) {
    const c = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${authBroker.tcpPort}`, '--username', 'alice',
      '--password', pw, '--id', uniqueId('pw'), '--no-reconnect']);
    await c.next(pw === PASSWORD ? 'success' : 'fail');
    if (pw === PASSWORD) {
      // A refused publish and a broker-side disconnect give more messages to check.
      c.send('pub bad/+/topic 1 x');
      c.send('pub t 1 x');
      await c.ask('report pub', 'report');
      await authBroker.restart();
      await c.next('disconnect');
    }
    await c.stop();
    const all = JSON.stringify(c.events) + c.stderr;
    assert.ok(!all.includes(pw), `password in: ${all}`);
  }
});

test('wasm client: the password is in no error, fail message or printed client object', { timeout: 60000 }, async (t) => {
  if (!mqtt) return t.skip('wasm/dist is not built');
  const seen = [];
  const refused = await new Promise((resolve) => {
    const c = mqtt.createClient({ url: `mqtt://127.0.0.1:${authBroker.tcpPort}`, username: 'alice', password: WRONG,
      reconnect: false, fail: (e) => { seen.push(String(e), JSON.stringify(e), util.inspect(e)); resolve(c); } });
    c.on('error', (e) => seen.push(String(e), util.inspect(e)));
    seen.push(util.inspect(c, { depth: 6, showHidden: true }));
  });
  seen.push(util.inspect(refused, { depth: 6, showHidden: true }));
  const ok = await new Promise((resolve, reject) => {
    const c = mqtt.createClient({ url: `mqtt://127.0.0.1:${authBroker.tcpPort}`, username: 'alice', password: PASSWORD,
      success: () => resolve(c), fail: reject });
  });
  seen.push(util.inspect(ok, { depth: 6, showHidden: true }));
  ok.close();
  const text = seen.join('\n');
  assert.ok(!text.includes(WRONG) && !text.includes(PASSWORD), 'a password shows when an error or the client is printed');
});
