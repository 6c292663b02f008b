// MQTT 5 over WebSocket: properties both ways, subscription options, retained messages, the
// offline queue's bound.
import { bytesEqual, deepEqual, equal, ok } from './assert.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './util.mjs';

export async function mqtt5Properties(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker, { protocolVersion: 5, properties: { userProperties: { app: 'scenario' } } }));
  const topic = uniqueTopic('v5');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1, properties: { subscriptionIdentifier: 42 } });
  await request(client, 'publish', {
    topic,
    message: 'with properties',
    qos: 1,
    properties: {
      payloadFormatIndicator: true,
      messageExpiryInterval: 3600,
      contentType: 'text/plain',
      responseTopic: `${topic}/reply`,
      correlationData: new Uint8Array([0, 1, 254, 255]),
      userProperties: [['k', 'v1'], ['k', 'v2'], ['x', 'y']],
    },
  });
  const [m] = await got.waitFor(1);
  const p = m.info.properties;
  ok(p, 'properties are there with MQTT 5');
  equal(p.payloadFormatIndicator, 1);
  ok(p.messageExpiryInterval > 0 && p.messageExpiryInterval <= 3600, 'message expiry interval');
  equal(p.contentType, 'text/plain');
  equal(p.responseTopic, `${topic}/reply`);
  bytesEqual(p.correlationData, [0, 1, 254, 255]);
  deepEqual(p.userProperties, { k: ['v1', 'v2'], x: 'y' });
  deepEqual(p.subscriptionIdentifier, [42]);
  await closeClient(client);
}

// The subscription options reach the broker: retain handling 2 (no retained message at subscribe),
// no local (not its own publishes), retain as published (the retain flag kept on a live
// delivery); unsubscribe takes user properties. Each would show up as an extra or changed message.
export async function mqtt5SubscriptionOptions(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker, { protocolVersion: 5 }));
  const other = await mqtt.connectAsync(wsOptions(broker, { protocolVersion: 5 }));
  const base = uniqueTopic('v5options');
  await request(other, 'publish', { topic: `${base}/rh`, message: 'retained', qos: 1, retain: true });
  const got = collector(client);
  await request(client, 'subscribe', { topic: `${base}/rh`, qos: 1, rh: 2 });
  await request(client, 'subscribe', { topic: `${base}/nl`, qos: 1, noLocal: true });
  await request(client, 'subscribe', { topic: `${base}/rap`, qos: 1, rap: true });
  await request(client, 'publish', { topic: `${base}/nl`, message: 'own', qos: 1 });
  await request(other, 'publish', { topic: `${base}/nl`, message: 'other', qos: 1 });
  await request(other, 'publish', { topic: `${base}/rap`, message: 'flag kept', qos: 1, retain: true });
  await request(other, 'publish', { topic: `${base}/rh`, message: 'live', qos: 1 });
  const messages = await got.waitFor(3);
  deepEqual(messages.map((m) => [m.topic.slice(base.length), new TextDecoder().decode(m.payload), m.info.retain]),
    [['/nl', 'other', false], ['/rap', 'flag kept', true], ['/rh', 'live', false]]);
  await request(client, 'unsubscribe', { topic: `${base}/nl`, properties: { userProperties: { why: 'done' } } });
  for (const t of ['rh', 'rap']) await request(other, 'publish', { topic: `${base}/${t}`, message: '', qos: 1, retain: true });
  await closeClient(client);
  await closeClient(other);
}

export async function retainedMessages(mqtt, broker) {
  const topic = uniqueTopic('retained');
  const publisher = await mqtt.connectAsync(wsOptions(broker));
  await request(publisher, 'publish', { topic, message: 'kept', qos: 1, retain: true });
  const subscriber = await mqtt.connectAsync(wsOptions(broker));
  const got = collector(subscriber);
  await request(subscriber, 'subscribe', { topic, qos: 1 });
  const [m] = await got.waitFor(1);
  equal(new TextDecoder().decode(m.payload), 'kept');
  equal(m.info.retain, true, 'retain flag set on a retained message');
  await request(publisher, 'publish', { topic, message: '', qos: 1, retain: true });  // clears it
  await closeClient(publisher);
  await closeClient(subscriber);
}

export async function offlineQueueIsBounded(mqtt, broker) {
  // Nothing listens on port 1: the client stays offline, its requests wait in the queue.
  const results = [];
  const client = mqtt.createClient({ host: broker.host, port: 1, protocol: 'ws', queueMaxMessages: 2 });
  ok(client, 'created');
  const publish = (i) => client.publish({
    topic: 'test/queue', message: String(i), qos: 1,
    success: () => results.push([i, 'success']),
    fail: (e) => results.push([i, e.code]),
  });
  equal(publish(1), 0, 'first is queued');
  equal(publish(2), 0, 'second is queued');
  const rc = publish(3);
  equal(rc, mqtt.errors.QUEUE_FULL, 'third is refused');
  deepEqual(results, [[3, mqtt.errors.QUEUE_FULL]], 'fail at once for the refused one only');
  equal(client.close(), 0);
  deepEqual(results.slice(1).sort(), [[1, mqtt.errors.CLOSED], [2, mqtt.errors.CLOSED]], 'close fails the queued ones');
}
