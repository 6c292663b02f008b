// Return codes, callbacks and events, in their order; the promise layer; several clients.
import { deepEqual, equal, ok } from './assert.mjs';
import { closeClient, collector, next, request, uniqueTopic, wsOptions } from './util.mjs';

export async function connectSubscribePublishClose(mqtt, broker) {
  const log = [];
  let client;
  await new Promise((resolve, reject) => {
    client = mqtt.createClient({
      ...wsOptions(broker),
      keepalive_interval: 30,
      success: () => {
        log.push('success');
        resolve();
      },
      fail: reject,
    });
    ok(client, 'createClient returns the client');
    for (const name of mqtt.events) client.on(name, () => log.push(name));
  });
  await Promise.resolve();
  ok(log.includes('connect'), 'connect event');
  equal(client.connected, true, 'connected');
  ok(typeof client.clientId === 'string' && client.clientId.length > 0, 'a client id was generated');

  const topic = uniqueTopic('basic');
  const messages = collector(client);
  const granted = await new Promise((resolve, reject) => {
    const rc = client.subscribe({ topic, qos: 1, success: resolve, fail: reject });
    equal(rc, 0, 'subscribe returns 0');
  });
  equal(granted.qos, 1, 'granted QoS');

  let publishSuccess = 0;
  await new Promise((resolve, reject) => {
    const rc = client.publish({
      topic,
      message: 'hello',
      qos: 1,
      success: () => {
        publishSuccess++;
        resolve();
      },
      fail: reject,
    });
    equal(rc, 0, 'publish returns 0');
  });
  const [m] = await messages.waitFor(1);
  equal(m.topic, topic);
  ok(m.payload instanceof ArrayBuffer, 'the message is an ArrayBuffer');
  equal(new TextDecoder().decode(m.payload), 'hello');
  deepEqual([m.info.qos, m.info.retain, m.info.dup], [1, false, false], 'qos, retain, dup');

  await new Promise((resolve, reject) => {
    equal(client.unsubscribe({ topic, success: resolve, fail: reject }), 0, 'unsubscribe returns 0');
  });
  equal(publishSuccess, 1, 'success exactly once');

  const closed = next(client, 'close');
  equal(client.close(), 0, 'close returns 0');
  await closed;
  equal(client.closed, true);
  ok(client.close() !== 0, 'a second close returns non-zero');
  equal(log.filter((e) => e === 'close').length, 1, 'one close event');
  equal(log[log.length - 1], 'close', 'close is the last event');
  const events = log.filter((e) => e !== 'message');
  deepEqual(events.slice(0, 2).sort(), ['connect', 'success'], 'connect and success first');
  deepEqual(events.slice(2), ['close'], 'then only close');
}

export async function promiseLayer(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('promise');
  const messages = collector(client);
  const granted = await client.subscribeAsync({ topic, qos: 2 });
  equal(granted.qos, 2);
  await client.publishAsync({ topic, message: new Uint8Array([1, 2, 3]).buffer, qos: 2 });
  const [m] = await messages.waitFor(1);
  deepEqual(Array.from(new Uint8Array(m.payload)), [1, 2, 3]);
  let rejected = null;
  await client.publishAsync({ topic: 'a/#', message: 'x' }).catch((e) => { rejected = e; });
  ok(rejected instanceof Error, 'publishAsync rejects on an invalid topic');
  equal(rejected.code, mqtt.errors.INVALID_TOPIC);
  await client.unsubscribeAsync({ topic });
  await client.closeAsync();
  equal(client.closed, true);
  let refused = null;
  await mqtt.connectAsync({ host: broker.host, port: 1, protocol: 'ws', reconnect: false }).catch((e) => { refused = e; });
  ok(refused instanceof Error && refused.code !== 0, 'connectAsync rejects when nothing listens');
}

export async function severalClientsAreIndependent(mqtt, broker) {
  const [a, b] = await Promise.all([mqtt.connectAsync(wsOptions(broker)), mqtt.connectAsync(wsOptions(broker))]);
  ok(a.clientId !== b.clientId, 'distinct generated client ids');
  const topic = uniqueTopic('two');
  const got = collector(b);
  await request(b, 'subscribe', { topic, qos: 1 });
  await a.closeAsync();
  equal(a.closed, true);
  equal(b.connected, true, 'closing one client leaves the other connected');
  const c = await mqtt.connectAsync(wsOptions(broker));
  await request(c, 'publish', { topic, message: 'from c', qos: 1 });
  const [m] = await got.waitFor(1);
  equal(new TextDecoder().decode(m.payload), 'from c');
  await closeClient(b);
  await closeClient(c);
}

export async function manyPublishesInOneTick(mqtt, broker) {
  // The host coalesces the packets of one tick into one WebSocket frame; the broker must still
  // see each packet. maxInflight 10: Mosquitto takes at most 20 incoming QoS 2 messages in flight
  // and, under MQTT 3.1.1, silently drops the ones beyond (PUBREC with no way to say "refused").
  const client = await mqtt.connectAsync(wsOptions(broker, { maxInflight: 10 }));
  const topic = uniqueTopic('burst');
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1 });
  const n = 100;
  const done = [];
  for (let i = 0; i < n; i++) {
    done.push(new Promise((resolve, reject) => {
      equal(client.publish({ topic, message: String(i), qos: i % 3, success: resolve, fail: reject }), 0);
    }));
  }
  await Promise.all(done);
  const messages = await got.waitFor(n);
  equal(new Set(messages.map((m) => new TextDecoder().decode(m.payload))).size, n, 'every message arrived once');
  await closeClient(client);
}

export async function requestsFromInsideListeners(mqtt, broker) {
  // A listener that publishes and subscribes (the engine is on the stack): each request works.
  const client = await mqtt.connectAsync(wsOptions(broker));
  const ping = uniqueTopic('ping');
  const pong = uniqueTopic('pong');
  const got = collector(client);
  client.on('message', (topic, payload) => {
    if (topic !== ping) return;
    const n = Number(new TextDecoder().decode(payload));
    equal(client.publish({ topic: pong, message: String(n + 1), qos: 1 }), 0);
    if (n < 5) equal(client.publish({ topic: ping, message: String(n + 1), qos: 2 }), 0);
  });
  await request(client, 'subscribe', { topic: ping, qos: 2 });
  await request(client, 'subscribe', { topic: pong, qos: 1 });
  await request(client, 'publish', { topic: ping, message: '0', qos: 2 });
  const messages = await got.waitFor(12);
  const pongs = messages.filter((m) => m.topic === pong).map((m) => new TextDecoder().decode(m.payload));
  equal(pongs.length, 6, 'a pong for each ping');
  deepEqual(pongs.slice().sort(), ['1', '2', '3', '4', '5', '6']);
  await closeClient(client);
}

export async function requestsFromInsideCallbacks(mqtt, broker) {
  // publish inside `connect`, subscribe inside a `fail`, close inside the createClient
  // `success`: each works, and every callback comes exactly once.
  const topic = uniqueTopic('inside');
  const log = [];
  let client;
  let both;
  const done = new Promise((resolve) => {
    let n = 0;
    both = (entry) => {  // the message and the publish's completion, in either order
      log.push(entry);
      if (++n === 2) resolve();
    };
    client = mqtt.createClient({
      ...wsOptions(broker),
      success: () => log.push('success'),
      fail: (e) => log.push(`fail ${e.codeName}`),
    });
    client.on('connect', () => {
      log.push('connect');
      log.push(`subscribe ${client.subscribe({
        topic: 'a/#/b',
        fail: (e) => {
          log.push(`subscribe fail ${e.codeName}`);
          log.push(`subscribe ${client.subscribe({ topic, qos: 1, success: ({ qos }) => log.push(`subscribed ${qos}`) })}`);
          log.push(`publish ${client.publish({
            topic, message: 'from fail', qos: 1, success: () => both('published'), fail: (e) => both(`publish fail ${e.codeName}`),
          })}`);
        },
      })}`);
    });
    client.on('message', (t, m) => both(`message ${new TextDecoder().decode(m)}`));
  });
  await done;
  await closeClient(client);
  deepEqual(log.slice(0, 7), ['connect', 'subscribe fail INVALID_TOPIC_FILTER', 'subscribe 0', 'publish 0',
    `subscribe ${mqtt.errors.INVALID_TOPIC_FILTER}`, 'success', 'subscribed 1']);
  deepEqual(log.slice(7).sort(), ['message from fail', 'published'], 'the publish made in a fail callback');

  const closedInSuccess = [];
  await new Promise((resolve) => {
    const c = mqtt.createClient({
      ...wsOptions(broker),
      success: () => {
        closedInSuccess.push('success', c.close(), c.close());
        resolve();
      },
      fail: (e) => closedInSuccess.push(`fail ${e.codeName}`),
    });
    c.on('close', () => closedInSuccess.push('close'));
  });
  deepEqual(closedInSuccess.filter((x) => x !== 'close'), ['success', 0, mqtt.errors.CLOSED], 'close() inside success: 0, then CLOSED');
  equal(closedInSuccess.filter((x) => x === 'close').length, 1, 'one close event');
}

export async function onceAndOff(mqtt, broker) {
  const client = await mqtt.connectAsync(wsOptions(broker));
  const topic = uniqueTopic('once');
  const seen = [];
  const a = () => seen.push('a');
  const b = () => seen.push('b');
  const c = () => seen.push('c');
  equal(client.on('message', a), client, 'on returns the client');
  equal(client.once('message', b), client, 'once returns the client');
  client.on('message', c);
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1 });
  await request(client, 'publish', { topic, message: '1', qos: 1 });
  await got.waitFor(1);
  equal(client.off('message', c), client, 'off returns the client');
  await request(client, 'publish', { topic, message: '2', qos: 1 });
  await got.waitFor(2);
  client.off('message');  // every listener of the event, the collector's too
  const third = new Promise((resolve) => client.on('message', () => {
    seen.push('d');
    resolve();
  }));
  await request(client, 'publish', { topic, message: '3', qos: 1 });
  await third;
  deepEqual(seen, ['a', 'b', 'c', 'a', 'd'], 'once fires once, off removes one or all');
  await closeClient(client);
}

export async function defaultTransportOfEachHost(mqtt, broker, host) {
  // Node: host and port alone mean TCP. A page: WebSocket (path /mqtt), and TCP is refused with
  // NOT_SUPPORTED, as a protocol, a url or a failover server.
  const port = host === 'browser' ? broker.wsPort : broker.tcpPort;
  const client = await mqtt.connectAsync({ host: broker.host, port });
  equal(client.connected, true, `${host}: connected with host and port only`);
  await closeClient(client);
  if (host !== 'browser') return;
  const tcp = [
    { host: broker.host, port: broker.tcpPort, protocol: 'mqtt' },
    { host: broker.host, port: broker.tcpPort, protocol: 'mqtts' },
    { url: `mqtt://${broker.host}:${broker.tcpPort}` },
    { url: `ws://${broker.host}:${broker.wsPort}/mqtt`, servers: [`mqtts://${broker.host}:8883`] },
  ];
  for (const options of tcp) {
    const failures = [];
    const c = mqtt.createClient({ ...options, fail: (e) => failures.push(e) });
    equal(c, null, `${JSON.stringify(options)}: null`);
    equal(failures.length, 1, `${JSON.stringify(options)}: fail once`);
    equal(failures[0].code, mqtt.errors.NOT_SUPPORTED, `${JSON.stringify(options)}: ${failures[0].message}`);
    ok(/WebSocket/.test(failures[0].message), `the message says what to use instead: ${failures[0].message}`);
  }
}
