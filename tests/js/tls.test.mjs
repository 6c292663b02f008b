// Node only: mqtts:// (tls) and wss:// with a throwaway CA; an untrusted certificate fails
// the connection with the matching error.
import assert from 'node:assert/strict';
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
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    const certs = makeCerts(mkdtempSync(path.join(os.tmpdir(), 'mqtt-wasm-certs-')), { hostname: 'localhost' });
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
