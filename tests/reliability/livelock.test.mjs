// A persistent MQTT 3.1.1 subscriber comes back to 500 queued QoS 2 messages. Mosquitto 2.0
// (default settings) sends them all at once on the session resume, before the first PUBREL;
// MQTT 3.1.1 has no Receive Maximum, so that is legal. A client that treated more than its
// receive_maximum unreleased QoS 2 identifiers as a violation would drop the connection,
// reconnect into the same burst, and crawl or stall; it must take them all in one connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../fixtures/broker.mjs';
import { nativeBuild, startNativeClient, waitFor, uniqueId } from './helpers.mjs';

const QUEUED = 500;
let broker;
let build;

before(async () => {
  build = nativeBuild();
  broker = await startBroker({ extraConfig: 'max_queued_messages 0' });
}, { timeout: 600000 });
after(async () => { await broker?.stop(); });

async function resume(extraArgs) {
  const id = uniqueId('ll');
  const topic = `ll/${id}`;
  const args = ['--url', `mqtt://127.0.0.1:${broker.tcpPort}`, '--id', id, '--clean', '0', '--reconnect-min', '100',
    '--reconnect-max', '500', ...extraArgs];
  let sub = startNativeClient(build.client, args);
  await sub.next('success');
  await sub.ask(`sub ${topic} 2`, 'suback');
  await sub.stop();
  // MQTT 5 publisher: it learns the broker's Receive Maximum, so nothing is lost on its side.
  const pub = startNativeClient(build.client, ['--url', `mqtt://127.0.0.1:${broker.tcpPort}`, '--id', uniqueId('lp'),
    '--version', '5']);
  await pub.next('success');
  pub.send(`flow a ${topic} 2 ${QUEUED} 50`);
  await pub.next('flow_done', { timeoutMs: 30000 });
  await pub.stop();
  sub = startNativeClient(build.client, args);
  try {
    const started = Date.now();
    let t = null;
    await waitFor(async () => {
      t = await sub.ask(`tally ${topic}`, 'tally');
      return t.unique === QUEUED;
    }, 20000, 'every queued message').catch(() => {});
    return { received: t.unique, seconds: (Date.now() - started) / 1000, disconnects: sub.count('disconnect'),
      errors: [...new Set(sub.all('error').map((e) => e.code))] };
  } finally {
    await sub.stop();
  }
}

test('3.1.1 subscriber with receiveMaximum 65535 resumes 500 queued QoS 2 messages in one connection',
  { timeout: 120000 }, async () => {
    const r = await resume(['--receive-max', '65535']);
    console.log(`3.1.1 resume, receive maximum 65535: ${JSON.stringify(r)}`);
    assert.equal(r.received, QUEUED);
    assert.equal(r.disconnects, 0);
  });

// 3.1.1 has no Receive Maximum: the engine holds every identifier instead of calling it a violation.
test('3.1.1 subscriber with the default receiveMaximum resumes 500 queued QoS 2 messages without a reconnection loop',
  { timeout: 120000 },
  async () => {
    const r = await resume([]);
    console.log(`3.1.1 resume, default receive maximum: ${JSON.stringify(r)}`);
    assert.equal(r.received, QUEUED);
    assert.equal(r.disconnects, 0, `reconnected ${r.disconnects} times (${r.errors})`);
  });
