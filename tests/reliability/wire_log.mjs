// What a subscriber's connections carried, decoded from the fault proxy's tap (no packet capture
// needed): for each QoS 2 message, by topic and payload, every PUBLISH of it (connection, packet
// id, DUP, time) and how far that exchange went (PUBREC, PUBREL, PUBCOMP, on which connection).
// That tells a duplicate the broker sent (a second PUBLISH after the first exchange was
// complete, or under a new packet id) from one the client should have dropped (a resend of a
// packet id whose PUBREL had not come yet) [MQTT-4.3.3].
//
//   const wire = wireLog();
//   const proxy = await startFaultProxy({ targetPort, tap: wire.tap });
//   wire.deliveries(topic, payload)  // [{ connection, id, dup, atMs, pubrec, pubrel, pubcomp }]
//   wire.forget(topic)                // and what still comes on it
//
// MQTT 3.1.1 only (a 5.0 PUBLISH has properties before the payload). atMs is CLOCK_MONOTONIC in
// milliseconds, as rel_client's at_ms.
import { parseOne } from '../fixtures/fake_broker.mjs';

export const monotonicMs = () => Number(process.hrtime.bigint() / 1000000n);

export function wireLog() {
  const pending = new Map(); // `${connection} ${direction}` -> bytes not yet a whole packet
  const open = new Map(); // packet id -> the delivery whose exchange has not ended (PUBCOMP)
  const topics = new Map(); // topic -> Map(payload -> [delivery])
  const forgotten = new Set(); // topics whose late PUBLISHes are not kept

  function onPacket(connection, direction, p) {
    if (p.type === 'publish' && direction === 'down' && p.qos === 2) {
      const tl = p.body.readUInt16BE(0);
      const payload = p.body.subarray(2 + tl + 2).toString('latin1');
      const d = { connection, id: p.id, dup: (p.flags & 0x08) !== 0, atMs: monotonicMs(),
        pubrec: null, pubrel: null, pubcomp: null };
      open.set(p.id, d);
      if (forgotten.has(p.topic)) return;
      if (!topics.has(p.topic)) topics.set(p.topic, new Map());
      const byPayload = topics.get(p.topic);
      if (!byPayload.has(payload)) byPayload.set(payload, []);
      byPayload.get(payload).push(d);
      return;
    }
    const d = open.get(p.id);
    if (!d) return;
    if (p.type === 'pubrec' && direction === 'up') d.pubrec ??= connection;
    else if (p.type === 'pubrel' && direction === 'down') d.pubrel ??= connection;
    else if (p.type === 'pubcomp' && direction === 'up') {
      d.pubcomp ??= connection;
      open.delete(p.id);
    }
  }

  return {
    tap(connection, direction, chunk) {
      const key = `${connection} ${direction}`;
      let buf = pending.has(key) ? Buffer.concat([pending.get(key), chunk]) : chunk;
      for (;;) {
        const p = parseOne(buf);
        if (!p || p.error) break;
        onPacket(connection, direction, p);
        buf = buf.subarray(p.size);
      }
      if (buf.length) pending.set(key, Buffer.from(buf));
      else pending.delete(key);
    },
    deliveries(topic, payload) {
      return topics.get(topic)?.get(payload) ?? [];
    },
    // Drops what came on topic and ignores what still comes on it.
    forget(topic) {
      forgotten.add(topic);
      topics.delete(topic);
    },
  };
}

// One delivery, for a report: "proxied connection 3, packet id 17, DUP 1, ..., exchange: PUBREC+PUBREL+PUBCOMP"
// (connections as the proxy counts them: attempts refused by a stopped broker count too).
export function formatDelivery(d, sinceMs) {
  const steps = ['pubrec', 'pubrel', 'pubcomp'].filter((s) => d[s] !== null).map((s) => s.toUpperCase());
  return `proxied connection ${d.connection}, packet id ${d.id}, DUP ${d.dup ? 1 : 0}` +
    (sinceMs === undefined ? '' : `, ${((d.atMs - sinceMs) / 1000).toFixed(2)} s after the restart began`) +
    `, exchange: ${steps.length ? steps.join('+') : 'PUBLISH only'}`;
}

// Whose duplicate is it? `deliveries` is what the wire carried for that message (wireLog), in
// order. The client is at fault only when it delivered a resend of a packet id it still had to
// hold (its PUBREL not yet received: [MQTT-4.3.3-9]) or delivered twice what came once. Any other
// second PUBLISH is the broker's: sent again after the exchange had passed PUBREL (the packet id
// was released, the client cannot know), or sent under a second packet id.
export function judgeDuplicate(deliveries) {
  if (deliveries.length < 2) return { whose: 'client', why: 'one PUBLISH on the wire, delivered twice' };
  for (let i = 1; i < deliveries.length; i++) {
    const b = deliveries[i];
    const held = deliveries.slice(0, i).find((a) => a.id === b.id && a.pubrel === null && a.pubcomp === null);
    if (held) return { whose: 'client', why: `PUBLISH resent under packet id ${b.id} before its PUBREL: the client had to drop it` };
  }
  const first = deliveries[0];
  const why = first.pubrel !== null || first.pubcomp !== null
    ? `sent again after the first exchange had passed PUBREL (${first.pubcomp !== null ? 'PUBCOMP sent' : 'PUBREL received'})`
    : `sent again under another packet id (${deliveries.map((d) => d.id).join(', ')})`;
  return { whose: 'broker', why };
}
