// close(): DISCONNECT, `close` once and last, nothing after it, later calls refused.
import { deepEqual, equal, ok } from './assert.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './util.mjs';

export async function nothingAfterClose(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('after-close');
  await request(client, 'subscribe', { topic, qos: 1 });
  const after = [];
  let closing = false;
  for (const name of mqtt.events) {
    client.on(name, () => {
      if (closing && name !== 'close') after.push(name);
      if (name === 'close') after.push('close');
    });
  }
  closing = true;
  equal(client.close(), 0);
  deepEqual(after, ['close'], 'close is emitted by close()');
  equal(client.state, 'closed');

  // Something is published to the closed client's topic; a witness subscribed to it gets it.
  const witness = await mqtt.connectAsync(wsOptions(broker));
  const seen = collector(witness);
  await request(witness, 'subscribe', { topic, qos: 1 });
  await request(witness, 'publish', { topic, message: 'late', qos: 1 });
  await seen.waitFor(1);
  deepEqual(after, ['close'], 'no event after close');

  // Every later call fails: non-zero, and `fail` with CLOSED.
  const failures = [];
  const fail = (e) => failures.push(e.code);
  const success = () => failures.push('success');
  const rcs = [
    client.subscribe({ topic, success, fail }),
    client.unsubscribe({ topic, success, fail }),
    client.publish({ topic, message: 'x', success, fail }),
    client.close(),
  ];
  ok(rcs.every((rc) => rc !== 0), `non-zero results ${rcs}`);
  equal(rcs[0], mqtt.errors.CLOSED);
  deepEqual(failures, [mqtt.errors.CLOSED, mqtt.errors.CLOSED, mqtt.errors.CLOSED], 'fail once each, with CLOSED');
  await closeClient(witness);
}

export async function closeFailsPendingRequests(mqtt, broker) {
  // A client closed before it connected: its queued request ends in exactly one fail.
  const results = [];
  const client = mqtt.createClient({ ...wsOptions(broker), fail: (e) => results.push(['connect-fail', e.code]) });
  ok(client);
  equal(client.publish({ topic: uniqueTopic('queued'), message: 'x', qos: 1, success: () => results.push(['success']), fail: (e) => results.push(['fail', e.code]) }), 0);
  let closed = 0;
  client.on('close', () => closed++);
  equal(client.close(), 0);
  equal(closed, 1);
  const publishResults = results.filter((r) => r[0] !== 'connect-fail');
  deepEqual(publishResults, [['fail', mqtt.errors.CLOSED]], 'the queued publish fails with CLOSED');
  deepEqual(results.filter((r) => r[0] === 'connect-fail'), [['connect-fail', mqtt.errors.CLOSED]], 'createClient fail once, with CLOSED');
}

export async function closeInsideCallback(mqtt, broker) {
  // Closing from inside an event listener is allowed; the client is released after the callback.
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('inside');
  await request(client, 'subscribe', { topic, qos: 0 });
  const closed = new Promise((resolve) => client.on('close', resolve));
  client.on('message', () => {
    equal(client.close(), 0);
    ok(client.close() !== 0);
  });
  equal(client.publish({ topic, message: 'bye' }), 0);
  await closed;
  equal(client.closed, true);
}

export async function noEventAfterCloseInsideAListener(mqtt, broker) {
  // The first of two listeners closes the client: `close` is the last event, so the second
  // listener does not get the event being emitted (a message, an error) after it.
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('inside2');
  await request(client, 'subscribe', { topic, qos: 0 });
  const log = [];
  const closed = new Promise((resolve) => client.on('close', () => {
    log.push('close');
    resolve();
  }));
  client.on('message', () => {
    log.push('message 1');
    client.close();
  });
  client.on('message', () => log.push('message 2'));
  equal(client.publish({ topic, message: 'bye' }), 0);
  await closed;
  deepEqual(log, ['message 1', 'close'], 'nothing after close');

  const other = await mqtt.connectAsync(wsOptions(broker));
  const seen = [];
  other.on('error', () => {
    seen.push('error 1');
    other.close();
  });
  other.on('error', () => seen.push('error 2'));
  other.on('close', () => seen.push('close'));
  ok(other.publish({ topic: 'a/#', message: 'x' }) !== 0);
  deepEqual(seen, ['error 1', 'close'], 'nothing after close');
}

export async function closeInsideConnectListener(mqtt, broker) {
  // The CONNACK accepted the connection, so the createClient request succeeded: a `connect`
  // listener that closes must not turn it into fail(CLOSED).
  const log = [];
  await new Promise((resolve) => {
    const client = mqtt.createClient({
      ...wsOptions(broker),
      success: () => log.push('success'),
      fail: (e) => log.push(`fail ${e.codeName}`),
    });
    client.on('connect', () => {
      log.push('connect');
      client.close();
    });
    client.on('close', () => {
      log.push('close');
      resolve();
    });
  });
  deepEqual(log.filter((x) => x !== 'close'), ['connect', 'success'], 'connected: success, not fail');
}
