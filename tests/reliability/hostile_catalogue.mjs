// The hostile-broker catalogue: one scripted fake broker per case, each sending one malformed,
// out-of-order or hostile packet. `expect` is the error code name the client must report (as an
// `error` event, or through `fail` when the connection was not up yet) before it closes the
// connection; `expect: null` marks packets that are legal and must NOT end the connection
// (then `check(conn)` verifies the client's answer; with an `expect`, `check(conn)` verifies what
// the client sent before it hung up).
//
// `client` holds the client options of the case: version, receiveMaximum, maximumPacketSize,
// topicAliasMaximum, connectTimeout, authMethod (mapped to rel_client flags or createClient options).
//
// `resumeCatalogue` (at the end): brokers that come back with smaller limits for a resumed session.
import { pkt, packet, props, u16, str, varint } from '../fixtures/fake_broker.mjs';

const connackFor = (conn) => pkt.connack({ version: conn.version });

// MQTT 5 AUTH: reason code, then the Authentication Method property when `method` is given.
const auth = (rc, method) => packet(0xf0, Buffer.from([rc]), method ? props([0x15, ...str(method)]) : props());
// The client's DISCONNECT names a Protocol Error (0x82).
const disconnectedWith82 = (conn) => conn.received.some((p) => p.type === 'disconnect' && p.body[0] === 0x82);

// Answer CONNECT, then send `bytes` (a Buffer or a function of the connection).
const afterConnack = (bytes) => async (conn) => {
  await conn.expect('connect');
  conn.send(connackFor(conn));
  conn.send(typeof bytes === 'function' ? bytes(conn) : bytes);
  await conn.closed;
};

export const catalogue = [
  {
    name: 'remaining length of 5 bytes',
    expect: 'malformed_remaining_length',
    script: afterConnack(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])),
  },
  {
    name: 'packet over the maximum packet size (header only: refused before buffering)',
    client: { maximumPacketSize: 1024 },
    expect: 'packet_too_large',
    script: afterConnack(Buffer.concat([Buffer.from([0x30]), varint(1024 * 1024)])),
  },
  {
    name: 'packet over the maximum packet size, MQTT 5 (told to the broker in CONNECT)',
    client: { version: 5, maximumPacketSize: 1024 },
    expect: 'packet_too_large',
    script: afterConnack((conn) => pkt.publish({ version: conn.version, topic: 'big', payload: Buffer.alloc(2000, 7) })),
  },
  {
    name: 'invalid UTF-8 in a PUBLISH topic',
    expect: 'malformed_utf8',
    script: afterConnack(pkt.publish({ topicBytes: Buffer.from([0x61, 0xc3, 0x28]) })),
  },
  {
    name: 'U+0000 in a PUBLISH topic',
    expect: 'malformed_utf8',
    script: afterConnack(pkt.publish({ topicBytes: Buffer.from([0x61, 0x00, 0x62]) })),
  },
  {
    name: 'reserved flag bits set (PUBACK 0x42)',
    expect: 'invalid_flags',
    script: afterConnack(packet(0x42, u16(1))),
  },
  {
    name: 'reserved flag bits set (PINGRESP 0xD1)',
    expect: 'invalid_flags',
    script: afterConnack(Buffer.from([0xd1, 0x00])),
  },
  {
    name: 'PUBACK for a packet identifier not in flight',
    expect: 'unknown_packet_id',
    script: afterConnack(pkt.ack('puback', 0x1234)),
  },
  {
    name: 'PUBCOMP for a packet identifier not in flight',
    expect: 'unknown_packet_id',
    script: afterConnack(pkt.ack('pubcomp', 0x0042)),
  },
  {
    name: 'SUBACK for a packet identifier not in flight',
    expect: 'unknown_packet_id',
    script: afterConnack(pkt.suback(0x0999, [0])),
  },
  {
    name: 'a second CONNACK',
    expect: 'unexpected_packet',
    script: afterConnack(pkt.connack()),
  },
  {
    name: 'PUBLISH before CONNACK',
    expect: 'unexpected_packet',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(pkt.publish({ topic: 'early', payload: 'x' }));
      conn.send(pkt.connack({ version: conn.version }));
      await conn.closed;
    },
  },
  {
    name: 'SUBACK before CONNACK',
    expect: 'unexpected_packet',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(pkt.suback(1, [0]));
      await conn.closed;
    },
  },
  {
    name: 'a client packet type from the broker (SUBSCRIBE)',
    expect: 'unexpected_packet',
    script: afterConnack(packet(0x82, u16(1), str('a'), Buffer.from([0]))),
  },
  {
    name: 'reserved packet type 0',
    expect: 'invalid_packet_type',
    script: afterConnack(Buffer.from([0x00, 0x00])),
  },
  {
    name: 'AUTH in MQTT 3.1.1',
    expect: 'invalid_packet_type',
    script: afterConnack(Buffer.from([0xf0, 0x00])),
  },
  {
    name: 'length that does not match the contents (PUBACK of 3 bytes in 3.1.1)',
    expect: 'malformed_packet',
    script: afterConnack(packet(0x40, u16(1), Buffer.from([0]))),
  },
  {
    name: 'QoS 3 in PUBLISH',
    expect: 'invalid_qos_from_server',
    script: afterConnack(packet(0x36, str('t'), u16(1), Buffer.from('x'))),
  },
  {
    name: 'packet identifier 0 in a QoS 1 PUBLISH',
    expect: 'zero_packet_id',
    script: afterConnack(pkt.publish({ topic: 't', qos: 1, id: 0, payload: 'x' })),
  },
  {
    name: 'wildcard in a PUBLISH topic',
    expect: 'malformed_topic',
    script: afterConnack(pkt.publish({ topic: 'a/+/b', payload: 'x' })),
  },
  {
    name: 'duplicated property in CONNACK (Receive Maximum twice, MQTT 5)',
    client: { version: 5 },
    expect: 'duplicate_property',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(pkt.connack({ version: 5, properties: [[0x21, 0, 10], [0x21, 0, 20]] }));
      await conn.closed;
    },
  },
  {
    name: 'duplicated property in PUBLISH (Message Expiry twice, MQTT 5)',
    client: { version: 5 },
    expect: 'duplicate_property',
    script: afterConnack(pkt.publish({ version: 5, topic: 't', payload: 'x',
      properties: [[0x02, 0, 0, 0, 9], [0x02, 0, 0, 0, 9]] })),
  },
  {
    name: 'property not allowed in the packet (Session Expiry in PUBLISH, MQTT 5)',
    client: { version: 5 },
    expect: 'property_not_allowed',
    script: afterConnack(pkt.publish({ version: 5, topic: 't', payload: 'x', properties: [[0x11, 0, 0, 0, 9]] })),
  },
  {
    name: 'topic alias when the client allows none (MQTT 5)',
    client: { version: 5 },
    expect: 'topic_alias_invalid',
    script: afterConnack(pkt.publish({ version: 5, topic: '', payload: 'x', properties: [[0x23, 0, 5]] })),
  },
  {
    name: 'topic alias above the client Topic Alias Maximum (MQTT 5)',
    client: { version: 5, topicAliasMaximum: 2 },
    expect: 'topic_alias_invalid',
    script: afterConnack(pkt.publish({ version: 5, topic: 't', payload: 'x', properties: [[0x23, 0, 3]] })),
  },
  {
    name: 'unknown topic alias (never set, MQTT 5)',
    client: { version: 5, topicAliasMaximum: 5 },
    expect: 'topic_alias_invalid',
    script: afterConnack(pkt.publish({ version: 5, topic: '', payload: 'x', properties: [[0x23, 0, 1]] })),
  },
  {
    name: 'CONNACK reason code not allowed (MQTT 5, 0x05)',
    client: { version: 5 },
    expect: 'invalid_reason_code',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(pkt.connack({ version: 5, rc: 0x05 }));
      await conn.closed;
    },
  },
  {
    name: 'QoS 2 flood without PUBREL beyond our Receive Maximum (MQTT 5, receive maximum 10)',
    client: { version: 5, receiveMaximum: 10 },
    expect: 'receive_maximum_exceeded',
    script: afterConnack((conn) => Buffer.concat(Array.from({ length: 11 }, (_, i) =>
      pkt.publish({ version: conn.version, topic: 'flood', qos: 2, id: i + 1, payload: `m${i}` })))),
  },
  // No 3.1.1 variant of the QoS 2 flood: 3.1.1 has no Receive Maximum, so a broker sending more
  // unreleased QoS 2 messages breaks no rule (see livelock.test.mjs for what that does today).
  {
    name: 'QoS 1 flood of 500 PUBLISH in one write (receive maximum 10): acknowledged, not a violation',
    client: { version: 5, receiveMaximum: 10 },
    expect: null,
    messages: 500,
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(connackFor(conn));
      conn.send(Buffer.concat(Array.from({ length: 500 }, (_, i) =>
        pkt.publish({ version: conn.version, topic: 'flood1', qos: 1, id: (i % 65535) + 1, payload: `m${i}` }))));
      await conn.closed;
    },
    check: (conn) => conn.received.filter((p) => p.type === 'puback').length === 500,
  },
  {
    name: 'PUBREL for an unknown packet identifier (MQTT 5): answered PUBCOMP 0x92, not a violation',
    client: { version: 5 },
    expect: null,
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(connackFor(conn));
      conn.send(pkt.ack('pubrel', 77));
      await conn.closed;
    },
    check: (conn) => conn.received.some((p) => p.type === 'pubcomp' && p.id === 77 && p.rc === 0x92),
  },
  {
    name: 'PUBREL for an unknown packet identifier (3.1.1): answered PUBCOMP, not a violation',
    expect: null,
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(connackFor(conn));
      conn.send(pkt.ack('pubrel', 78));
      await conn.closed;
    },
    check: (conn) => conn.received.some((p) => p.type === 'pubcomp' && p.id === 78),
  },
  {
    name: 'AUTH naming another authentication method than CONNECT (MQTT 5, during connect)',
    client: { version: 5, authMethod: 'SCRAM-SHA-1' },
    expect: 'protocol_error',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(auth(0x18, 'PLAIN'));
      await conn.closed;
    },
  },
  {
    name: 'AUTH without an authentication method (MQTT 5, during connect)',
    client: { version: 5, authMethod: 'SCRAM-SHA-1' },
    expect: 'protocol_error',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(auth(0x18));
      await conn.closed;
    },
  },
  {
    name: 'AUTH naming another authentication method after CONNACK (MQTT 5): DISCONNECT 0x82',
    client: { version: 5, authMethod: 'SCRAM-SHA-1' },
    expect: 'protocol_error',
    script: afterConnack(auth(0x19, 'PLAIN')),
    check: disconnectedWith82,
  },
  {
    name: 'AUTH when CONNECT named no authentication method (MQTT 5): DISCONNECT 0x82',
    client: { version: 5 },
    expect: 'protocol_error',
    script: afterConnack(auth(0x19, 'SCRAM-SHA-1')),
    check: disconnectedWith82,
  },
  {
    name: 'no CONNACK at all (connect timeout)',
    client: { connectTimeout: 500 },
    expect: 'connect_timeout',
    script: async (conn) => {
      await conn.expect('connect');
      await conn.closed;
    },
  },
  {
    name: 'connection closed in the middle of a PUBLISH',
    expect: 'connection_lost',
    event: 'disconnect',
    script: async (conn) => {
      await conn.expect('connect');
      conn.send(connackFor(conn));
      conn.send(pkt.publish({ topic: 'cut', payload: 'abcdef' }).subarray(0, 6));
      setTimeout(() => conn.end(), 50);
      await conn.closed;
    },
  },
];

// --- Resumed sessions under the broker's new limits -----------------------------------------
// The client (MQTT 5, Clean Start 0, reconnection on) publishes the `publish` groups once it is
// connected. The first connection (Receive Maximum 10) takes every publish without completing it
// (the first `recFirst` QoS 2 ones get PUBREC, so the client holds them awaiting PUBCOMP) and
// drops; the second says session present with the CONNACK properties `limits`. The script throws
// (kept in fake.errors) when the client sends what those limits forbid, resends other than the
// same packet (DUP set, same packet id; PUBREL for what got PUBREC), has more than `window`
// exchanges open or opens a third connection; it sets `conn.done` once `resent` exchanges are
// complete and nothing more came. `later`: groups published inside the reconnect listener; the
// broker takes `fresh` new messages (DUP 0) from them, after every resent PUBLISH. `outcome`: what each group's publishes must end in, each
// exactly once (`success` or the code name of `fail` for all, or counts by result); `errors`: the
// code of the error events, if any.
//
// Whether the client sent more is told without waiting on time: a QoS 1 PUBLISH from the broker
// (the barrier) is answered by a PUBACK, and whatever the client sent before reading it arrives
// first on the same connection.
async function barrier(conn, id) {
  conn.send(pkt.publish({ version: 5, topic: 'barrier', qos: 1, id, payload: 'b' }));
  for (;;) if ((await conn.expect('puback')).id === id) return;
}

// Two QoS > 0 PUBLISH packets that differ at most in DUP and packet id.
function sameMessage(a, b) {
  const end = 2 + a.body.readUInt16BE(0); // topic; the packet id follows
  return (a.flags & 0x07) === (b.flags & 0x07) && a.body.subarray(0, end).equals(b.body.subarray(0, end)) &&
    a.body.subarray(end + 2).equals(b.body.subarray(end + 2));
}

// window: the Receive Maximum of `limits`; allowed(p): whether `limits` allow that PUBLISH.
// session: false says session present 0: the broker forgot the exchanges, so what got PUBREC is
// done (no PUBREL) and the others come again as new messages (DUP 0).
function resumeUnder({ total, limits, resent, window = 65535, allowed = () => true, recFirst = 0, session = true,
  fresh = 0 }) {
  return () => {
    const first = new Map(); // packet id -> the PUBLISH on the first connection
    const received = new Set(); // ids answered with PUBREC on the first connection
    let n = 0;
    return async (conn) => {
      const connect = await conn.expect('connect');
      if (++n > 2) throw new Error(`connection ${n}: the client left the resumed connection`);
      if (connect.connectFlags & 0x02) throw new Error(`connection ${n}: Clean Start set`);
      if (n === 1) {
        conn.send(pkt.connack({ version: 5, properties: [[0x21, 0, 10]] }));
        while (first.size < total) {
          const p = await conn.expect('publish');
          first.set(p.id, p);
          if (p.qos === 2 && received.size < recFirst) {
            conn.send(pkt.ack('pubrec', p.id));
            received.add(p.id);
          }
        }
        for (let i = 0; i < received.size; i++) await conn.expect('pubrel');
        conn.destroy();
        return;
      }
      conn.send(pkt.connack({ version: 5, sessionPresent: session, properties: limits }));
      // id -> 'publish' (answer PUBACK, or PUBREC for QoS 2) | 'rec' (PUBREL awaited) | 'rel' (answer PUBCOMP)
      const open = new Map();
      const qosOf = new Map(); // id -> QoS of the PUBLISH resent under it
      const resumed = new Set(); // first-connection ids resent (PUBLISH or PUBREL)
      const messages = [...first.values()];
      let read = 0;
      let completed = 0;
      let maxOpen = 0;
      let lastAt = -1; // resent PUBLISH packets keep their first order [MQTT-4.6.0-1]
      let freshSeen = 0;
      const take = (p) => {
        if (p.type === 'pubrel') {
          if (open.get(p.id) === 'rec' || (session && received.has(p.id) && !resumed.has(p.id))) {
            resumed.add(p.id);
            return open.set(p.id, 'rel');
          }
          throw new Error(`PUBREL id ${p.id} for no exchange awaiting it`);
        }
        // The same message: with the session, the same id; without, maybe another.
        const at = messages.findIndex((m) => !resumed.has(m.id) && !received.has(m.id) &&
          (!session || m.id === p.id) && sameMessage(m, p));
        if (at < 0 && freshSeen < fresh && !(p.flags & 0x08) && !open.has(p.id) && !first.has(p.id)) {
          freshSeen++;
          qosOf.set(p.id, p.qos);
          return open.set(p.id, 'publish');
        }
        if (at < 0 || open.has(p.id)) throw new Error(`PUBLISH id ${p.id} is not a resend of one in flight`);
        if (freshSeen) throw new Error(`PUBLISH id ${p.id} resent after a new message`);
        if (!(p.flags & 0x08) !== !session) throw new Error(`PUBLISH id ${p.id} resent with DUP ${(p.flags >> 3) & 1}`);
        if (!allowed(p)) throw new Error(`PUBLISH id ${p.id} (${p.size} bytes, flags ${p.flags}) is over the new limits`);
        if (at < lastAt) throw new Error(`PUBLISH id ${p.id} resent out of its first order`);
        lastAt = at;
        resumed.add(messages[at].id);
        qosOf.set(p.id, p.qos);
        return open.set(p.id, 'publish');
      };
      const readSent = () => {
        for (; read < conn.received.length; read++) {
          const p = conn.received[read];
          if (p.type === 'publish' || p.type === 'pubrel') take(p);
        }
        maxOpen = Math.max(maxOpen, open.size);
        if (open.size > window) throw new Error(`${open.size} exchanges open, Receive Maximum ${window}`);
      };
      const exchanges = resent + fresh;
      for (let round = 0; completed < exchanges; round++) {
        if (round > 4 * exchanges) throw new Error(`${completed} of ${exchanges} exchanges completed; open: ${[...open]}`);
        await barrier(conn, 1000 + round);
        readSent();
        // Answer the oldest exchange that waits on us.
        const next = [...open].find(([, stage]) => stage !== 'rec');
        if (!next) continue;
        const [id, stage] = next;
        if (stage === 'publish' && qosOf.get(id) === 2) {
          conn.send(pkt.ack('pubrec', id));
          open.set(id, 'rec');
          continue;
        }
        conn.send(pkt.ack(stage === 'rel' ? 'pubcomp' : 'puback', id));
        open.delete(id);
        completed++;
      }
      await barrier(conn, 5000);
      readSent();
      if (open.size) throw new Error(`more than ${exchanges} exchanges; open: ${[...open]}`);
      conn.maxUnacked = maxOpen;
      conn.done = true;
      await conn.closed;
    };
  };
}

const MAX_PACKET = 64;

export const resumeCatalogue = [
  {
    name: 'Receive Maximum 10, then 2 on the resumed session: at most 2 unacknowledged, each resent once',
    publish: [{ tag: 'rm', topic: 'r/rm', qos: 1, count: 5 }],
    broker: resumeUnder({ total: 5, limits: [[0x21, 0, 2]], resent: 5, window: 2 }),
    outcome: { rm: 'success' },
    errors: null,
  },
  {
    name: 'Receive Maximum 2 on the resumed session and 3 new publishes from the reconnect listener: they wait behind the resends',
    publish: [{ tag: 'old', topic: 'r/late', qos: 1, count: 4 }],
    later: [{ tag: 'new', topic: 'r/late', qos: 1, count: 3 }],
    broker: resumeUnder({ total: 4, limits: [[0x21, 0, 2]], resent: 4, window: 2, fresh: 3 }),
    outcome: { old: 'success', new: 'success' },
    errors: null,
  },
  {
    name: 'Maximum QoS 0 on the resumed session: the QoS 1 publishes in flight fail not_supported',
    publish: [{ tag: 'qos', topic: 'r/qos', qos: 1, count: 3 }],
    broker: resumeUnder({ total: 3, limits: [[0x24, 0]], resent: 0, allowed: (p) => p.qos === 0 }),
    outcome: { qos: 'not_supported' },
    errors: 'not_supported',
  },
  {
    name: 'Retain Available 0 on the resumed session: retained publishes fail not_supported, the others resent',
    publish: [{ tag: 'kept', topic: 'r/ret', qos: 1, count: 2, retain: true },
      { tag: 'plain', topic: 'r/ret', qos: 1, count: 2 }],
    broker: resumeUnder({ total: 4, limits: [[0x25, 0]], resent: 2, allowed: (p) => !(p.flags & 0x01) }),
    outcome: { kept: 'not_supported', plain: 'success' },
    errors: 'not_supported',
  },
  {
    name: `Maximum Packet Size ${MAX_PACKET} on the resumed session: larger publishes fail payload_too_large, the others resent`,
    publish: [{ tag: 'big', topic: 'r/size', qos: 1, count: 2, size: 200 },
      { tag: 'small', topic: 'r/size', qos: 1, count: 2 }],
    broker: resumeUnder({ total: 4, limits: [[0x27, 0, 0, 0, MAX_PACKET]], resent: 2,
      allowed: (p) => p.size <= MAX_PACKET }),
    outcome: { big: 'payload_too_large', small: 'success' },
    errors: 'payload_too_large',
  },
  {
    name: 'QoS 2 and QoS 1 in flight, one QoS 2 past PUBREC; Receive Maximum 2 on the resumed session: at most 2 exchanges open',
    publish: [{ tag: 'two', topic: 'r/q2', qos: 2, count: 3 }, { tag: 'one', topic: 'r/q2', qos: 1, count: 3 }],
    broker: resumeUnder({ total: 6, recFirst: 1, limits: [[0x21, 0, 2]], resent: 6, window: 2 }),
    outcome: { two: 'success', one: 'success' },
    errors: null,
  },
  {
    name: 'the same, but the broker forgot the session (session present 0): sent again as new messages, at most 2 open',
    publish: [{ tag: 'two', topic: 'r/new', qos: 2, count: 3 }, { tag: 'one', topic: 'r/new', qos: 1, count: 3 }],
    broker: resumeUnder({ total: 6, recFirst: 1, limits: [[0x21, 0, 2]], resent: 5, window: 2, session: false }),
    outcome: { two: 'success', one: 'success' },
    errors: null,
  },
  {
    name: 'Maximum QoS 1 on the resumed session: QoS 2 publishes fail not_supported, the one past PUBREC completes',
    publish: [{ tag: 'two', topic: 'r/mq1', qos: 2, count: 3 }, { tag: 'one', topic: 'r/mq1', qos: 1, count: 1 }],
    broker: resumeUnder({ total: 4, recFirst: 1, limits: [[0x24, 1]], resent: 2, allowed: (p) => p.qos <= 1 }),
    outcome: { two: { success: 1, not_supported: 2 }, one: 'success' },
    errors: 'not_supported',
  },
];
export { props };
