// The broker restarts: `disconnect`, then `reconnect`, and the subscriptions work again.
import { equal, ok } from './assert.mjs';
import { closeClient, collector, next, request, uniqueTopic, wsOptions } from './util.mjs';

export async function reconnectAfterBrokerRestart(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker, { reconnectMinDelay: 50, reconnectMaxDelay: 200, keepalive_interval: 10 }));
  const topic = uniqueTopic('reconnect');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1 });
  const log = [];
  for (const name of ['connect', 'disconnect', 'reconnect', 'close']) client.on(name, () => log.push(name));
  const disconnected = next(client, 'disconnect');
  const reconnected = next(client, 'reconnect');
  await broker.restart();
  const [reason] = await disconnected;
  ok(reason instanceof Error && reason.code !== 0, 'disconnect carries the reason');
  await reconnected;
  equal(log[0], 'disconnect', 'disconnect first');
  ok(log.includes('reconnect'), 'then reconnect');
  ok(!log.includes('connect'), 'connect only once, at the start');
  equal(client.connected, true);

  // The subscription was restored (clean session: the broker forgot it).
  const other = await mqtt.connectAsync(wsOptions(broker));
  await request(other, 'publish', { topic, message: 'after restart', qos: 1 });
  const [m] = await got.waitFor(1);
  equal(new TextDecoder().decode(m.payload), 'after restart');
  await closeClient(other);
  await closeClient(client);
}

export async function requestsWhileOfflineAreQueued(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker, { reconnectMinDelay: 50, reconnectMaxDelay: 200 }));
  const topic = uniqueTopic('offline');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1 });
  const disconnected = next(client, 'disconnect');
  const stopped = broker.stop();
  await disconnected;
  await stopped;
  // Offline: the publish is accepted and queued; it completes once the connection is back.
  const published = request(client, 'publish', { topic, message: 'queued', qos: 1 });
  const reconnected = next(client, 'reconnect');
  await broker.start();
  await reconnected;
  await published;
  const [m] = await got.waitFor(1);
  equal(new TextDecoder().decode(m.payload), 'queued');
  await closeClient(client);
}

export async function keepAliveDetectsFrozenBroker(mqtt, broker) {
  // The broker stops answering (SIGSTOP) without closing anything: only the keep-alive timer
  // (driven by the host's wake-ups: a Worker timer in a page) can notice.
  const client = await mqtt.connectAsync(wsOptions(broker, {
    keepalive_interval: 1, connectTimeout: 1000, reconnectMinDelay: 50, reconnectMaxDelay: 200,
  }));
  const disconnected = next(client, 'disconnect');
  await broker.pause();
  let reason;
  try {
    [reason] = await disconnected;
  } finally {
    await broker.resume();
  }
  equal(reason.code, mqtt.errors.PING_TIMEOUT, `disconnect reason ${reason.codeName}`);
  await next(client, 'reconnect');
  equal(client.connected, true);
  await closeClient(client);
}

export async function givesUpWithoutReconnect(mqtt, broker) {
  // reconnect: false and the connection is cut: `disconnect` with the reason, then `close` (it
  // gives up for good), nothing after; later requests fail with CLOSED; the client is deleted.
  const clientsBefore = mqtt.memory().clients;
  const client = await mqtt.connectAsync(wsOptions(broker, { port: broker.wsProxyPort, reconnect: false }));
  const log = [];
  for (const name of mqtt.events) client.on(name, (e) => log.push(e ? `${name} ${e.codeName}` : name));
  const closed = next(client, 'close');
  await broker.cutProxy();
  await closed;
  equal(log[0], 'disconnect CONNECTION_LOST', 'disconnect first, with the reason');
  equal(log[log.length - 1], 'close', 'close last');
  ok(!log.includes('reconnect'), 'no reconnection');
  equal(client.closed, true);
  equal(client.state, 'closed');
  const failures = [];
  equal(client.publish({ topic: 'x', message: 'y', qos: 1, fail: (e) => failures.push(e.code) }), mqtt.errors.CLOSED);
  equal(failures[0], mqtt.errors.CLOSED);
  equal(client.close(), mqtt.errors.CLOSED, 'close() after it gave up');
  equal(mqtt.memory().clients, clientsBefore, 'the wasm client is deleted');
}
