// Node only (needs a broker with an ACL): a publish the broker refuses (MQTT 5 PUBACK 0x87)
// ends in `fail` with PUBLISH_REFUSED and the reason code, and an `error` event.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt } from './helpers/package.mjs';
import { closeClient } from './scenarios/util.mjs';

describe('refusals by the broker', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-wasm-acl-'));
    const aclFile = path.join(dir, 'acl');
    writeFileSync(aclFile, 'topic readwrite open/#\n');
    broker = await startBroker({ aclFile });
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('a refused QoS 1 publish: fail with PUBLISH_REFUSED (0x87) and an error event', { timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.wsPort, protocol: 'ws', protocolVersion: 5 });
    const errorEvent = new Promise((resolve) => client.once('error', resolve));
    const failed = await new Promise((resolve, reject) => {
      const rc = client.publish({ topic: 'closed/x', message: 'x', qos: 1, success: () => reject(new Error('success')), fail: resolve });
      assert.equal(rc, 0, 'accepted: the broker refuses later');
    });
    assert.equal(failed.code, mqtt.errors.PUBLISH_REFUSED);
    assert.equal(failed.reasonCode, 0x87);
    const e = await errorEvent;
    assert.equal(e.code, mqtt.errors.PUBLISH_REFUSED);
    assert.equal(client.connected, true, 'a refused publish does not end the connection');
    await client.publishAsync({ topic: 'open/x', message: 'allowed', qos: 1 });
    await closeClient(client);
  });
});
