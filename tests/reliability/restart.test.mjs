// QoS 2 to a persistent-session subscriber across graceful broker restarts (restart.mjs): nothing
// lost, and every duplicate our subscriber gets is traced on the wire. Mosquitto 2.0.11 sends
// PUBLISH (DUP 1) again after a restart for an exchange where it had already sent PUBREL and the
// client had answered PUBCOMP (the PUBCOMP was still unread when it saved its state): the packet id
// was released, so no client can tell it from a new message (README.md, "QoS 2 duplicates after a
// broker restart"). Those are counted apart; a duplicate the client could have dropped fails.
// MQTT_RESTART_CYCLES (8) restarts of MQTT_RESTART_COUNT (1000) messages each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, pkt } from '../fixtures/fake_broker.mjs';
import { nativeBuild, startNativeClient, waitFor } from './helpers.mjs';
import { judgeDuplicate } from './wire_log.mjs';
import { runRestartCycles } from './restart.mjs';

const CYCLES = Number(process.env.MQTT_RESTART_CYCLES || 8);
const COUNT = Number(process.env.MQTT_RESTART_COUNT || 1000);

test('a duplicate is the client\'s only when it came as a resend of a packet id still held', () => {
  const d = (id, connection, { dup = false, pubrec = null, pubrel = null, pubcomp = null } = {}) =>
    ({ id, connection, dup, atMs: 0, pubrec, pubrel, pubcomp });
  // The broker resent before PUBREL: the client held id 7 and had to drop the copy.
  assert.equal(judgeDuplicate([d(7, 1, { pubrec: 1 }), d(7, 2, { dup: true, pubrec: 2, pubrel: 2, pubcomp: 2 })]).whose, 'client');
  assert.equal(judgeDuplicate([d(7, 1), d(7, 1, { dup: true })]).whose, 'client');
  // One PUBLISH on the wire, two deliveries.
  assert.equal(judgeDuplicate([d(7, 1, { pubrec: 1, pubrel: 1, pubcomp: 1 })]).whose, 'client');
  // PUBLISH again after PUBREL (answered or not): the id was released.
  assert.equal(judgeDuplicate([d(7, 1, { pubrec: 1, pubrel: 1, pubcomp: 1 }), d(7, 2, { dup: true })]).whose, 'broker');
  assert.equal(judgeDuplicate([d(7, 1, { pubrec: 1, pubrel: 1 }), d(7, 2, { dup: true })]).whose, 'broker');
  // The same message under a second packet id.
  assert.equal(judgeDuplicate([d(7, 1, { pubrec: 1 }), d(9, 2)]).whose, 'broker');
});

// The client's side of what judgeDuplicate() assumes, scripted: a packet id delivered and not yet
// released by PUBREL is still held on the next connection of the same session, so the broker's
// resend is acknowledged but not delivered; once released, the id is free for a new message.
test('a resumed session still holds the QoS 2 packet ids awaiting PUBREL', async () => {
  let n = 0;
  const fake = await startFakeBroker(async (conn) => {
    await conn.expect('connect');
    if (++n === 1) {
      conn.send(pkt.connack());
      conn.send(pkt.publish({ topic: 'r/t', payload: 'm1', qos: 2, id: 7 }));
      await conn.expect('pubrec');
      conn.destroy(); // the connection drops before PUBREL
      return;
    }
    conn.send(pkt.connack({ sessionPresent: true }));
    conn.send(pkt.publish({ topic: 'r/t', payload: 'm1', qos: 2, id: 7, dup: true }));
    await conn.expect('pubrec');
    conn.send(pkt.ack('pubrel', 7));
    await conn.expect('pubcomp');
    conn.send(pkt.publish({ topic: 'r/t', payload: 'm2', qos: 2, id: 7 }));
    await conn.expect('pubrec');
    conn.send(pkt.ack('pubrel', 7));
    await conn.expect('pubcomp');
    await conn.closed;
  });
  const client = startNativeClient(nativeBuild().client, ['--url', `mqtt://127.0.0.1:${fake.port}`, '--clean', '0',
    '--keepalive', '0', '--reconnect-min', '50', '--reconnect-max', '100']);
  try {
    await waitFor(async () => (await client.ask('tally r/t', 'tally')).unique === 2, 10000, 'm1 and m2');
    await waitFor(() => fake.connections[1]?.received.filter((p) => p.type === 'pubcomp').length === 2, 10000,
      'both exchanges completed');
    const t = await client.ask('tally r/t', 'tally');
    assert.deepEqual({ received: t.received, duplicates: t.duplicates }, { received: 2, duplicates: 0 },
      `m1 delivered once across the reconnection: ${JSON.stringify(client.all('duplicate'))}`);
    assert.deepEqual(fake.errors, []);
  } finally {
    await client.stop();
    await fake.close();
  }
});

test(`QoS 2 across ${CYCLES} graceful broker restarts (persistence on), ${COUNT} messages each`, { timeout: 240000 },
  async () => {
    const r = await runRestartCycles({ cycles: CYCLES, count: COUNT, at: 0.5 });
    const withDups = r.cycles.filter((c) => c.duplicates > 0).length;
    console.log(`${CYCLES} restarts, ${r.sent} QoS 2 messages: restarts followed by duplicates ${withDups}; ` +
      `resent by the broker after the restart ${r.broker.length} (the reference subscriber got ${r.refDuplicates} ` +
      `duplicates of its own); the client's ${r.client.length}; missing ${r.missing}; double completions ${r.double}`);
    for (const x of [...r.client, ...r.broker].slice(0, 5)) console.log(`  ${x.evidence}`);
    assert.equal(r.double, 0, 'no publish completed twice');
    assert.equal(r.missing, 0, 'every success reached our subscriber');
    assert.deepEqual(r.client.map((x) => x.evidence), [], 'no duplicate the client could have dropped');
  });
