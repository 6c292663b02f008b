// Node only: mqtts:// (tls) and wss:// with a throwaway CA; an untrusted certificate fails
// the connection with the matching error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { makeCerts } from '../fixtures/certs.mjs';
import { notBuilt } from './helpers/package.mjs';
import { closeClient, collector, request, uniqueTopic } from './scenarios/util.mjs';

describe('mqtt-wasm in Node over TLS', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  let ca;
  let caFile;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    const certs = makeCerts(mkdtempSync(path.join(os.tmpdir(), 'mqtt-wasm-certs-')), { hostname: 'localhost' });
    caFile = certs.caFile;
    ca = readFileSync(certs.caFile);
    broker = await startBroker({ tls: { certFile: certs.certFile, keyFile: certs.keyFile }, wss: true });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  for (const protocol of ['mqtts', 'wss']) {
    it(`round trip over ${protocol}`, { timeout: 30000 }, async () => {
      const port = protocol === 'mqtts' ? broker.tlsPort : broker.wssPort;
      const client = await mqtt.connectAsync({ host: '127.0.0.1', port, protocol, tls: { ca, servername: 'localhost' } });
      const topic = uniqueTopic(protocol);
      const got = collector(client);
      await request(client, 'subscribe', { topic, qos: 1 });
      await request(client, 'publish', { topic, message: `over ${protocol}`, qos: 1 });
      const [m] = await got.waitFor(1);
      assert.equal(new TextDecoder().decode(m.payload), `over ${protocol}`);
      await closeClient(client);
    });
  }

  // Node 22 and later have a global WebSocket, which takes no TLS options; Node 20 has it behind
  // a flag. In a child process that has it, wss with `tls` must still use them.
  it('wss with tls options where Node has a global WebSocket', { timeout: 30000 }, () => {
    const flags = process.allowedNodeEnvironmentFlags.has('--experimental-websocket') ? ['--experimental-websocket'] : [];
    const source = `
      if (typeof WebSocket !== 'function') throw new Error('no global WebSocket');
      const { default: mqtt } = await import(${JSON.stringify(new URL('../../wasm/js/node.js', import.meta.url).href)});
      const ca = (await import('node:fs')).readFileSync(${JSON.stringify(caFile)});
      const client = await mqtt.connectAsync({ host: '127.0.0.1', port: ${broker.wssPort}, protocol: 'wss',
        reconnect: false, tls: { ca, servername: 'localhost' } });
      await client.publishAsync({ topic: 'wss/global', message: 'x', qos: 1 });
      await client.closeAsync();
      console.log('ok');`;
    const out = execFileSync(process.execPath, [...flags, '--no-warnings', '--input-type=module', '-e', source],
      { encoding: 'utf8', timeout: 25000 });
    assert.equal(out.trim(), 'ok');
  });

  it('tls options that Node refuses: createClient returns null, fail names the tls option, nothing leaks', () => {
    const before = mqtt.memory().clients;
    for (const tls of [{ ca: 5 }, { cert: 'not a certificate', key: 'not a key' }, { servername: 5 }]) {
      const failures = [];
      let client;
      assert.doesNotThrow(() => {
        client = mqtt.createClient({ host: '127.0.0.1', port: broker.tlsPort, protocol: 'mqtts', tls, fail: (e) => failures.push(e) });
      });
      assert.equal(client, null, JSON.stringify(tls));
      assert.equal(failures.length, 1, `${JSON.stringify(tls)}: fail once`);
      assert.equal(failures[0].code, mqtt.errors.INVALID_OPTIONS, failures[0].message);
      assert.match(failures[0].message, /'tls'/);
    }
    assert.equal(mqtt.memory().clients, before, 'no wasm client left behind');
  });

  it('an untrusted certificate fails with TLS_CERTIFICATE_INVALID', { timeout: 30000 }, async () => {
    const err = await new Promise((resolve) => {
      const client = mqtt.createClient({ host: '127.0.0.1', port: broker.tlsPort, protocol: 'mqtts', reconnect: false, fail: resolve });
      assert.ok(client);
    });
    assert.equal(err.code, mqtt.errors.TLS_CERTIFICATE_INVALID, err.message);
  });

  it('a certificate for another name fails with TLS_HOSTNAME_MISMATCH', { timeout: 30000 }, async () => {
    const err = await new Promise((resolve) => {
      const client = mqtt.createClient({
        host: '127.0.0.1', port: broker.tlsPort, protocol: 'mqtts', reconnect: false,
        tls: { ca, servername: 'not-this-host.example' }, fail: resolve,
      });
      assert.ok(client);
    });
    assert.equal(err.code, mqtt.errors.TLS_HOSTNAME_MISMATCH, err.message);
  });
});
