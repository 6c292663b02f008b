// The will message, end to end with the real Mosquitto: published when the client's connection
// is cut (no DISCONNECT), with the topic, payload bytes, QoS and retain flag given in `will`;
// not published after close().
import { deepEqual, equal } from './assert.mjs';
import { closeClient, collector, connect, request, uniqueTopic, wsOptions } from './util.mjs';

const willPayload = () => Uint8Array.from([0, 1, 0x7f, 0x80, 0xfe, 0xff, 0x68, 0x69]);

export async function willIsPublishedWhenTheConnectionIsCut(mqtt, broker) {
  const topic = uniqueTopic('will');
  const watcher = await connect(mqtt, wsOptions(broker));
  const live = collector(watcher);
  await request(watcher, 'subscribe', { topic, qos: 1 });
  // Through the fault proxy, which resets both TCP connections: the broker sees the connection
  // end without a DISCONNECT.
  const dying = await connect(mqtt, {
    ...wsOptions(broker, { port: broker.wsProxyPort }),
    reconnect: false,
    will: { topic, payload: willPayload(), qos: 1, retain: true },
  });
  await broker.cutProxy();
  const [m] = await live.waitFor(1);
  equal(m.topic, topic, 'the will topic');
  deepEqual([...new Uint8Array(m.payload)], [...willPayload()], 'the will payload, byte for byte');
  equal(m.info.qos, 1, 'delivered at the will QoS');
  equal(m.info.retain, false, 'a live delivery carries no retain flag');

  // Retained by the broker: a later subscriber gets it with the retain flag set.
  const late = await connect(mqtt, wsOptions(broker));
  const retained = collector(late);
  await request(late, 'subscribe', { topic, qos: 1 });
  const [r] = await retained.waitFor(1);
  deepEqual([...new Uint8Array(r.payload)], [...willPayload()], 'the retained will payload');
  equal(r.info.qos, 1, 'the retained will QoS');
  equal(r.info.retain, true, 'the retained will has the retain flag');

  await request(watcher, 'publish', { topic, message: '', qos: 1, retain: true });  // clears the retained will
  await Promise.all([closeClient(watcher), closeClient(late), closeClient(dying)]);
}

export async function willIsNotPublishedAfterClose(mqtt, broker) {
  const topic = uniqueTopic('nowill');
  const watcher = await connect(mqtt, wsOptions(broker));
  const got = collector(watcher);
  await request(watcher, 'subscribe', { topic, qos: 1 });
  const leaving = await connect(mqtt, wsOptions(broker, { will: { topic, payload: 'will', qos: 1 } }));
  // Its last message, then close(): DISCONNECT follows on the same connection, so a will (had
  // the broker not received the DISCONNECT) would be published right after `last`.
  equal(leaving.publish({ topic, message: 'last', qos: 0 }), 0);
  await closeClient(leaving);
  await got.waitFor(1);
  // A full round trip later (the broker handled the end of that connection long before):
  await request(watcher, 'publish', { topic, message: 'after', qos: 1 });
  const messages = await got.waitFor(2);
  deepEqual(messages.map((x) => new TextDecoder().decode(x.payload)), ['last', 'after'], 'no will between them');
  await closeClient(watcher);
}
