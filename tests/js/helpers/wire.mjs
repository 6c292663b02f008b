// What a client put on the wire, read back: MQTT packets out of bytes, a client's masked
// WebSocket frames out of a TCP write, and the exchange the coalescing tests watch (Node and the
// page import this module).
import { closeClient, connect, next, request, uniqueTopic } from '../scenarios/util.mjs';

export const PUBLISH = 3;
export const PUBACK = 4;

// The MQTT packets in `bytes` (whole packets only): { type, topic } (topic for PUBLISH).
export function mqttPackets(bytes) {
  const packets = [];
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at] >> 4;
    let length = 0;
    let shift = 0;
    let i = at + 1;
    for (;;) {
      if (i >= bytes.length) throw new Error(`a packet cut at byte ${at} of ${bytes.length}`);
      const b = bytes[i++];
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    const body = bytes.subarray(i, i + length);
    if (body.length < length) throw new Error(`a packet cut at byte ${at} of ${bytes.length}`);
    const packet = { type };
    if (type === PUBLISH) packet.topic = new TextDecoder().decode(body.subarray(2, 2 + ((body[0] << 8) | body[1])));
    packets.push(packet);
    at = i + length;
  }
  return packets;
}

// The payloads of the client-to-server WebSocket frames in `bytes` (RFC 6455 5.2: clients mask
// every frame), joined: what a client's one TCP write carried, as MQTT bytes.
export function webSocketPayloads(bytes) {
  const parts = [];
  let at = 0;
  while (at < bytes.length) {
    let length = bytes[at + 1] & 0x7f;
    let i = at + 2;
    if (length === 126) {
      length = (bytes[i] << 8) | bytes[i + 1];
      i += 2;
    } else if (length === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + i, 8).getBigUint64(0));
      i += 8;
    }
    const masked = bytes[at + 1] & 0x80;
    const mask = masked ? bytes.subarray(i, i + 4) : null;
    if (masked) i += 4;
    const payload = bytes.slice(i, i + length);
    if (mask) for (let k = 0; k < payload.length; k++) payload[k] ^= mask[k & 3];
    if ((bytes[at] & 0x0f) === 2) parts.push(payload);  // binary frames (not pings or the close)
    at = i + length;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// A responder subscribed at QoS 1 answers each request from its `message` handler, at once
// (`deferred` false), or after awaiting other work: a few microtasks later, after the engine has
// handed its PUBACK to the transport, still in the same task. An asker publishes one request at
// QoS 1 and waits for the answer. `watch()` is called once both are connected and subscribed,
// so only this exchange is recorded. Resolves with the answer's topic.
async function otherWork() {
  for (let i = 0; i < 3; i++) await null;
}

export async function answeredRequest(mqtt, options, { deferred, watch }) {
  const asked = uniqueTopic('ask');
  const answered = uniqueTopic('answer');
  const responder = await connect(mqtt, options);
  const asker = await connect(mqtt, options);
  try {
    responder.on('message', (topic, payload) => {
      const answer = () => responder.publish({ topic: answered, message: payload, qos: 1 });
      if (deferred) otherWork().then(answer);
      else answer();
    });
    await request(responder, 'subscribe', { topic: asked, qos: 1 });
    // QoS 0 here: the asker itself sends no PUBACK while the responder's writes are watched.
    await request(asker, 'subscribe', { topic: answered, qos: 0 });
    watch();
    const answer = next(asker, 'message');
    await request(asker, 'publish', { topic: asked, message: 'ping', qos: 1 });
    const [topic] = await answer;
    return topic;
  } finally {
    await closeClient(asker);
    await closeClient(responder);
  }
}

// Of `writes` (each the MQTT bytes of one write or frame), the ones carrying the responder's
// PUBACK or its answer, each as its packets' names sorted (the engine may acknowledge before or
// after the handler runs): the tests expect exactly one, ['PUBACK', 'PUBLISH <answer topic>'].
export function answerWrites(writes, answerTopic) {
  return writes
    .map(mqttPackets)
    .filter((packets) => packets.some((p) => p.type === PUBACK || (p.type === PUBLISH && p.topic === answerTopic)))
    .map((packets) => packets.map((p) => (p.type === PUBACK ? 'PUBACK' : p.type === PUBLISH ? `PUBLISH ${p.topic}` : `type ${p.type}`)).sort());
}
