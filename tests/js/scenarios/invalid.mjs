// Invalid arguments: a non-zero result, `fail` once with an Error carrying that code, one `error`
// event with the same code (the API's "a bad argument"), never a throw.
import { equal, ok } from './assert.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './util.mjs';

function check(mqtt, errorEvents, label, call, expected) {
  const failures = [];
  let successes = 0;
  let rc;
  errorEvents.length = 0;
  try {
    rc = call({ fail: (e) => failures.push(e), success: () => successes++ });
  } catch (e) {
    throw new Error(`${label}: threw ${e && e.message}`);
  }
  ok(typeof rc === 'number' && rc !== 0, `${label}: non-zero result (got ${rc})`);
  if (Array.isArray(expected)) ok(expected.includes(rc), `${label}: code ${mqtt.errorName(rc)}`);
  else if (expected !== undefined) equal(rc, expected, `${label}: code ${mqtt.errorName(rc)}`);
  equal(successes, 0, `${label}: no success`);
  equal(failures.length, 1, `${label}: fail once`);
  const e = failures[0];
  ok(e instanceof Error, `${label}: an Error`);
  equal(e.code, rc, `${label}: error code is the result`);
  ok(typeof e.message === 'string' && e.message.length > 0, `${label}: a message`);
  equal(e.codeName, mqtt.errorName(rc), `${label}: codeName`);
  equal(errorEvents.length, 1, `${label}: one error event`);
  equal(errorEvents[0].code, rc, `${label}: the error event's code is the result`);
}

export async function invalidRequests(mqtt, broker) {
  const E = mqtt.errors;
  const client = await mqtt.connectAsync(wsOptions(broker));
  const errorEvents = [];
  client.on('error', (e) => errorEvents.push(e));
  const topic = uniqueTopic('valid');
  const pub = (o) => (cb) => client.publish({ ...cb, ...o });
  const sub = (o) => (cb) => client.subscribe({ ...cb, ...o });
  const unsub = (o) => (cb) => client.unsubscribe({ ...cb, ...o });
  const cases = [
    ['publish wildcard #', pub({ topic: 'a/#', message: 'x' }), E.INVALID_TOPIC],
    ['publish wildcard +', pub({ topic: 'a/+/b', message: 'x' }), E.INVALID_TOPIC],
    ['publish empty topic', pub({ topic: '', message: 'x' }), [E.MISSING_TOPIC, E.INVALID_TOPIC]],
    ['publish missing topic', pub({ message: 'x' }), E.MISSING_TOPIC],
    ['publish missing message', pub({ topic }), E.MISSING_MESSAGE],
    ['publish message number', pub({ topic, message: 42 }), E.INVALID_ARGUMENT],
    ['publish message object', pub({ topic, message: { a: 1 } }), E.INVALID_ARGUMENT],
    ['publish topic number', pub({ topic: 7, message: 'x' }), E.INVALID_ARGUMENT],
    ['publish qos 3', pub({ topic, message: 'x', qos: 3 }), E.INVALID_QOS],
    ['publish qos -1', pub({ topic, message: 'x', qos: -1 }), E.INVALID_QOS],
    ['publish qos 1.5', pub({ topic, message: 'x', qos: 1.5 }), E.INVALID_QOS],
    ['publish qos string', pub({ topic, message: 'x', qos: '1' }), E.INVALID_QOS],
    ['publish retain string', pub({ topic, message: 'x', retain: 'yes' }), E.INVALID_ARGUMENT],
    ['publish lone high surrogate', pub({ topic: 'a/\uD800', message: 'x' }), E.INVALID_UTF8],
    ['publish lone low surrogate', pub({ topic: '\uDC00b', message: 'x' }), E.INVALID_UTF8],
    ['publish U+0000 in topic', pub({ topic: 'a\u0000b', message: 'x' }), E.INVALID_UTF8],
    ['publish topic too long', pub({ topic: 'x'.repeat(65536), message: 'x' }), E.TOPIC_TOO_LONG],
    ['publish success not a function', pub({ topic, message: 'x', success: 5 }), E.INVALID_ARGUMENT],
    ['subscribe missing topic', sub({}), E.MISSING_TOPIC],
    ['subscribe bad filter', sub({ topic: 'a/#/b' }), E.INVALID_TOPIC_FILTER],
    ['subscribe bad +', sub({ topic: 'a+/b' }), E.INVALID_TOPIC_FILTER],
    ['subscribe qos 3', sub({ topic, qos: 3 }), E.INVALID_QOS],
    ['subscribe lone surrogate', sub({ topic: '\uD83D' }), E.INVALID_UTF8],
    ['subscribe subscriptionIdentifier 0', sub({ topic, properties: { subscriptionIdentifier: 0 } }), E.INVALID_PROPERTY],
    ['subscribe subscriptionIdentifier 2^28', sub({ topic, properties: { subscriptionIdentifier: 268435456 } }), E.INVALID_PROPERTY],
    ['subscribe rh 3', sub({ topic, rh: 3 }), E.INVALID_ARGUMENT],
    ['subscribe nl string', sub({ topic, nl: 'yes' }), E.INVALID_ARGUMENT],
    ['subscribe properties string', sub({ topic, properties: 'x' }), E.INVALID_PROPERTY],
    ['unsubscribe topic number', unsub({ topic: 1 }), E.INVALID_ARGUMENT],
    ['publish properties.contentType number', pub({ topic, message: 'x', properties: { contentType: 5 } }), E.INVALID_PROPERTY],
    ['publish properties.messageExpiryInterval -1', pub({ topic, message: 'x', properties: { messageExpiryInterval: -1 } }), E.INVALID_PROPERTY],
    ['unsubscribe missing topic', unsub({}), E.MISSING_TOPIC],
    ['unsubscribe bad filter', unsub({ topic: '#/a' }), E.INVALID_TOPIC_FILTER],
  ];
  for (const [label, call, expected] of cases) check(mqtt, errorEvents, label, call, expected);

  // A `fail` that is not a Function: nothing to call back; the result and the `error` event say it.
  errorEvents.length = 0;
  equal(client.subscribe({ topic, fail: 'no' }), E.INVALID_ARGUMENT, 'fail not a function');
  ok(errorEvents.length === 1 && /'fail' must be a Function/.test(errorEvents[0].message), 'fail not a function: error event');

  // No options object at all: non-zero, nothing to call back, an `error` event, no throw.
  for (const bad of [undefined, null, 'topic', 3]) {
    for (const method of ['subscribe', 'unsubscribe', 'publish']) {
      errorEvents.length = 0;
      let rc;
      try {
        rc = client[method](bad);
      } catch (e) {
        throw new Error(`${method}(${String(bad)}) threw ${e.message}`);
      }
      equal(rc, E.INVALID_ARGUMENT, `${method}(${String(bad)})`);
      equal(errorEvents.length, 1, `${method}(${String(bad)}): one error event`);
      equal(errorEvents[0].code, E.INVALID_ARGUMENT, `${method}(${String(bad)}): error event code`);
      ok(/options/.test(errorEvents[0].message), `${method}(${String(bad)}): the message names the options (${errorEvents[0].message})`);
    }
  }

  // Options whose getters throw: still a result, not an exception.
  const hostile = new Proxy({}, { get() { throw new Error('hostile getter'); } });
  for (const method of ['subscribe', 'unsubscribe', 'publish']) {
    errorEvents.length = 0;
    let rc;
    try {
      rc = client[method](hostile);
    } catch (e) {
      throw new Error(`${method}(hostile) threw ${e.message}`);
    }
    ok(rc !== 0, `${method}(hostile) is refused`);
    equal(errorEvents.length, 1, `${method}(hostile): one error event`);
  }
  let hostileClient;
  try {
    hostileClient = mqtt.createClient(hostile);
  } catch (e) {
    throw new Error(`createClient(hostile) threw ${e.message}`);
  }
  equal(hostileClient, null, 'createClient(hostile)');

  // The client is unharmed.
  errorEvents.length = 0;
  const got = collector(client);
  await request(client, 'subscribe', { topic, qos: 1 });
  await request(client, 'publish', { topic, message: 'still fine', qos: 1 });
  const [m] = await got.waitFor(1);
  equal(new TextDecoder().decode(m.payload), 'still fine');
  equal(errorEvents.length, 0, 'no error event for valid requests');
  await closeClient(client);
}

export async function invalidClientOptions(mqtt, broker) {
  const E = mqtt.errors;
  const base = wsOptions(broker);
  const aliveBefore = mqtt.memory().clients;
  const cases = [
    ['no host', { port: broker.wsPort }, E.MISSING_HOST],
    ['host number', { ...base, host: 127 }, E.INVALID_OPTIONS],
    ['port string', { ...base, port: '1883' }, E.INVALID_PORT],
    ['port 70000', { ...base, port: 70000 }, E.INVALID_PORT],
    ['port 1.5', { ...base, port: 1.5 }, E.INVALID_PORT],
    ['port 0', { ...base, port: 0 }, E.INVALID_PORT],
    ['port -1', { ...base, port: -1 }, E.INVALID_PORT],
    ['keepalive -1', { ...base, keepalive_interval: -1 }, E.INVALID_KEEPALIVE],
    ['keepalive 65536', { ...base, keepalive_interval: 65536 }, E.INVALID_KEEPALIVE],
    ['keepalive string', { ...base, keepalive_interval: '60' }, E.INVALID_KEEPALIVE],
    ['protocolVersion 3', { ...base, protocolVersion: 3 }, E.INVALID_PROTOCOL_VERSION],
    ['bad url', { url: 'http://127.0.0.1/' }, E.INVALID_URL],
    ['bad protocol', { ...base, protocol: 'udp' }, E.INVALID_OPTIONS],
    ['clientId number', { ...base, clientId: 5 }, E.INVALID_CLIENT_ID],
    ['clientId lone surrogate', { ...base, clientId: 'a\uD800' }, E.INVALID_UTF8],
    ['success not a function', { ...base, success: 'yes' }, E.INVALID_ARGUMENT],
    ['username number', { ...base, username: 5 }, E.INVALID_OPTIONS],
    ['password number', { ...base, password: 5 }, E.INVALID_OPTIONS],
    ['clean string', { ...base, clean: 'yes' }, E.INVALID_OPTIONS],
    ['connectTimeout negative', { ...base, connectTimeout: -1 }, E.INVALID_OPTIONS],
    ['maxInflight 0', { ...base, maxInflight: 0 }, E.INVALID_OPTIONS],
    ['will qos 3', { ...base, will: { topic: 'w', qos: 3 } }, E.INVALID_QOS],
    ['will wildcard topic', { ...base, will: { topic: 'w/#' } }, E.INVALID_TOPIC],
    ['will without topic', { ...base, will: { payload: 'x' } }, E.INVALID_OPTIONS],
  ];
  for (const [label, options, expected] of cases) {
    const failures = [];
    let client;
    try {
      client = mqtt.createClient({ ...options, fail: (e) => failures.push(e) });
    } catch (e) {
      throw new Error(`${label}: threw ${e.message}`);
    }
    equal(client, null, `${label}: null`);
    equal(failures.length, 1, `${label}: fail once`);
    ok(failures[0] instanceof Error, `${label}: an Error`);
    equal(failures[0].code, expected, `${label}: ${failures[0].codeName} (${failures[0].message})`);
    // One range per message: the detail must not contradict the table's "from 1 to 65535".
    if (expected === E.INVALID_PORT) ok(!/2147483647/.test(failures[0].message), `${label}: ${failures[0].message}`);
  }
  for (const bad of [undefined, null, 'mqtt://x', 5]) {
    let client;
    try {
      client = mqtt.createClient(bad);
    } catch (e) {
      throw new Error(`createClient(${String(bad)}) threw ${e.message}`);
    }
    equal(client, null, `createClient(${String(bad)})`);
  }
  equal(mqtt.memory().clients, aliveBefore, 'a refused client is deleted at once');
}
