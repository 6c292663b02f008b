// The JavaScript clients under test, behind one small interface, for Node and the browser:
//   const c = await open(lib, lib's module, { url, host, port, transport, clientId, protocolVersion })
//   c.onMessage = (topic, payload) => {};  c.onLost = () => {};
//   await c.subscribe(topic, qos);  c.publish(topic, bytes, qos, done);  c.close();
// `lib` is 'wasm' (ours: mqtt-wasm), 'mqttjs' (MQTT.js) or 'paho' (paho-mqtt, browser only).

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const withTimeout = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
]);

async function openWasm(mqtt, o) {
  const c = { onMessage: () => {}, onLost: () => {} };
  const connected = deferred();
  const client = mqtt.createClient({
    host: o.host,
    port: o.port,
    protocol: o.transport === 'tcp' ? 'mqtt' : 'ws',
    path: '/mqtt',
    clientId: o.clientId,
    protocolVersion: o.protocolVersion || 4,
    keepalive_interval: 60,
    reconnect: false,
    maxInflight: 65535,
    queueMaxMessages: 1 << 20,
    queueMaxBytes: 1 << 30,
    success: () => connected.resolve(),
    fail: (e) => connected.reject(new Error(`wasm: ${e.message}`)),
  });
  if (!client) throw new Error('wasm: createClient returned null');
  client.on('message', (topic, payload) => c.onMessage(topic, payload));
  client.on('disconnect', () => c.onLost());
  client.on('close', () => c.onLost());
  await withTimeout(connected.promise, 10000, 'wasm connect');
  c.subscribe = (topic, qos) => withTimeout(new Promise((resolve, reject) => {
    client.subscribe({ topic, qos, success: resolve, fail: (e) => reject(new Error(e.message)) });
  }), 10000, 'wasm subscribe');
  c.publish = (topic, message, qos, done) => {
    client.publish({ topic, message, qos, success: done, fail: done });
  };
  c.close = () => client.close();
  return c;
}

async function openMqttjs(mqtt, o) {
  const c = { onMessage: () => {}, onLost: () => {} };
  const url = o.transport === 'tcp' ? `mqtt://${o.host}:${o.port}` : `ws://${o.host}:${o.port}/mqtt`;
  const client = mqtt.connect(url, {
    clientId: o.clientId,
    protocolVersion: o.protocolVersion || 4,
    keepalive: 60,
    reconnectPeriod: 0,
    clean: true,
  });
  const connected = deferred();
  client.once('connect', () => connected.resolve());
  client.once('error', (e) => connected.reject(e));
  client.on('message', (topic, payload) => c.onMessage(topic, payload));
  client.on('close', () => c.onLost());
  await withTimeout(connected.promise, 10000, 'MQTT.js connect');
  c.subscribe = (topic, qos) => withTimeout(new Promise((resolve, reject) => {
    client.subscribe(topic, { qos }, (err) => (err ? reject(err) : resolve()));
  }), 10000, 'MQTT.js subscribe');
  // MQTT.js wants a Buffer (Node) or its Buffer polyfill (browser bundle) or a string.
  const B = globalThis.Buffer || (mqtt.Buffer);
  c.publish = (topic, message, qos, done) => {
    client.publish(topic, B ? B.from(message.buffer, message.byteOffset, message.byteLength) : message, { qos }, done);
  };
  c.close = () => client.end(true);
  return c;
}

async function openPaho(Paho, o) {
  const c = { onMessage: () => {}, onLost: () => {} };
  const client = new Paho.Client(o.host, Number(o.port), '/mqtt', o.clientId);
  const pending = [];  // paho-mqtt calls onMessageDelivered in order; no per-message callback
  client.onMessageArrived = (m) => c.onMessage(m.destinationName, m.payloadBytes);
  client.onConnectionLost = () => c.onLost();
  client.onMessageDelivered = () => {
    const done = pending.shift();
    if (done) done();
  };
  await withTimeout(new Promise((resolve, reject) => {
    client.connect({
      timeout: 10,
      keepAliveInterval: 60,
      cleanSession: true,
      mqttVersion: 4,
      onSuccess: resolve,
      onFailure: (e) => reject(new Error(`paho: ${e.errorMessage}`)),
    });
  }), 12000, 'paho connect');
  c.subscribe = (topic, qos) => withTimeout(new Promise((resolve, reject) => {
    client.subscribe(topic, { qos, onSuccess: resolve, onFailure: (e) => reject(new Error(String(e.errorMessage))) });
  }), 10000, 'paho subscribe');
  c.publish = (topic, message, qos, done) => {
    pending.push(done);
    const m = new Paho.Message(message);
    m.destinationName = topic;
    m.qos = qos;
    client.send(m);
  };
  c.close = () => { try { client.disconnect(); } catch { /* already lost */ } };
  return c;
}

export function open(lib, module, options) {
  if (lib === 'wasm') return openWasm(module, options);
  if (lib === 'mqttjs') return openMqttjs(module, options);
  if (lib === 'paho') return openPaho(module, options);
  throw new Error(`unknown client ${lib}`);
}
