// Payloads are binary-safe: every byte value, zero length, 1 MiB, and Strings as UTF-8.
import { bytesEqual, equal, ok } from './assert.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './util.mjs';

async function roundTrip(mqtt, broker, message, qos = 1) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('payload');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos });
  await request(client, 'publish', { topic, message, qos });
  const [m] = await got.waitFor(1);
  await closeClient(client);
  ok(m.payload instanceof ArrayBuffer, 'an ArrayBuffer');
  return m.payload;
}

export async function allByteValues(mqtt, broker) {
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  const payload = await roundTrip(mqtt, broker, bytes.buffer);
  equal(payload.byteLength, 256);
  bytesEqual(payload, bytes);
}

export async function emptyPayload(mqtt, broker) {
  const payload = await roundTrip(mqtt, broker, new ArrayBuffer(0));
  equal(payload.byteLength, 0);
  const fromString = await roundTrip(mqtt, broker, '', 0);
  equal(fromString.byteLength, 0);
}

// Slow with this broker: Mosquitto 2.0's WebSocket listener writes a large message to
// its client a few KiB per turn of its event loop (about 100 ms each when idle), so 1 MiB back
// from the broker takes about 25 s. Sending it (client to broker) takes a fraction of a second.
export async function oneMebibyte(mqtt, broker) {
  const bytes = new Uint8Array(1024 * 1024);
  let x = 2463534242;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;  // xorshift: every byte value, no pattern
    bytes[i] = x & 0xff;
  }
  const payload = await roundTrip(mqtt, broker, bytes.buffer, 1);
  equal(payload.byteLength, bytes.length);
  bytesEqual(payload, bytes);
}

export async function stringsAreUtf8(mqtt, broker) {
  const text = 'héllo wörld € 𝄞 日本';
  const payload = await roundTrip(mqtt, broker, text);
  bytesEqual(payload, new TextEncoder().encode(text));
  // A view of a larger buffer sends exactly the viewed bytes.
  const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const part = await roundTrip(mqtt, broker, big.subarray(2, 5));
  bytesEqual(part, [1, 2, 3]);
}
