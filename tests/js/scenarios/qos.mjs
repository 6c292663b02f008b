// QoS 0, 1 and 2 end to end; `success` exactly once per publish; unsubscribe stops delivery.
import { deepEqual, equal } from './assert.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './util.mjs';

export async function qosLevels(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('qos');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 2 });
  const calls = [0, 0, 0];
  for (const qos of [0, 1, 2]) {
    await new Promise((resolve, reject) => {
      equal(client.publish({
        topic,
        message: `q${qos}`,
        ...(qos === 0 ? {} : { qos }),  // qos defaults to 0
        success: () => {
          calls[qos]++;
          resolve();
        },
        fail: reject,
      }), 0);
    });
  }
  const messages = await got.waitFor(3);
  deepEqual(messages.map((m) => m.info.qos), [0, 1, 2], 'delivered at the published QoS');
  deepEqual(messages.map((m) => new TextDecoder().decode(m.payload)), ['q0', 'q1', 'q2']);
  // One more round trip, then count: no late second success.
  await request(client, 'publish', { topic, message: 'sync', qos: 2 });
  await got.waitFor(4);
  deepEqual(calls, [1, 1, 1], 'success once per publish');
  await closeClient(client);
}

export async function grantedQosIsCapped(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('cap');
  const got = collector(client);
  const granted = await request(client, 'subscribe', { topic });  // qos defaults to 0
  deepEqual(granted, { topic, qos: 0 }, 'success gets the topic and the granted QoS');
  await request(client, 'publish', { topic, message: 'x', qos: 2 });
  const [m] = await got.waitFor(1);
  equal(m.info.qos, 0, 'delivered at the subscription QoS');
  await closeClient(client);
}

export async function unsubscribeStopsDelivery(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const gone = uniqueTopic('gone');
  const control = uniqueTopic('control');
  const got = collector(client);
  await request(client, 'subscribe', { topic: gone, qos: 1 });
  await request(client, 'subscribe', { topic: control, qos: 1 });
  await request(client, 'publish', { topic: gone, message: 'before', qos: 1 });
  await got.waitFor(1);
  await request(client, 'unsubscribe', { topic: gone });
  await request(client, 'publish', { topic: gone, message: 'after', qos: 1 });
  await request(client, 'publish', { topic: control, message: 'control', qos: 1 });
  // The broker delivers in order: once the control message is here, 'after' would have been too.
  const messages = await got.waitFor(2);
  deepEqual(messages.map((m) => [m.topic, new TextDecoder().decode(m.payload)]), [[gone, 'before'], [control, 'control']]);
  await closeClient(client);
}
