// Type-checked (tsc --noEmit) against wasm/types/index.d.ts: the API as a TypeScript user writes it.
import mqtt, { createClient, errors, type Client, type MqttError, type MessageInfo } from 'mqtt-wasm';

const client: Client | null = mqtt.createClient({
  host: '127.0.0.1',
  port: 1883,
  clientId: 'typed',
  username: 'u',
  password: 'p',
  keepalive_interval: 30,
  protocol: 'ws',
  path: '/mqtt',
  protocolVersion: 5,
  clean: true,
  will: { topic: 'last/will', payload: 'bye', qos: 1, retain: false },
  reconnectMinDelay: 500,
  queueMaxMessages: 100,
  properties: { sessionExpiryInterval: 60, userProperties: { app: 'types' } },
  success: () => {},
  fail: (e: MqttError) => console.log(e.code, e.codeName, e.message),
});

if (client) {
  client.on('connect', () => {}).on('reconnect', () => {});
  client.on('disconnect', (reason) => console.log(reason.code));
  client.on('message', (topic: string, message: ArrayBuffer, info: MessageInfo) => {
    const qos: 0 | 1 | 2 = info.qos;
    console.log(topic, message.byteLength, qos, info.retain, info.dup, info.properties?.contentType);
  });
  client.once('error', (e) => console.log(e.reasonCode));
  client.on('close', () => {});
  const rc: number = client.subscribe({ topic: 'a/+', qos: 1, success: (g) => console.log(g.qos), fail: (e) => console.log(e) });
  if (rc !== errors.OK) console.log(mqtt.errorName(rc));
  client.publish({ topic: 'a/b', message: new Uint8Array([1, 2]).buffer, qos: 2, retain: true });
  client.publish({ topic: 'a/b', message: 'text', properties: { contentType: 'text/plain', userProperties: [['k', 'v']] } });
  client.unsubscribe({ topic: 'a/+', success: () => {} });
  void client.publishAsync({ topic: 'a/b', message: 'x' }).catch((e: MqttError) => e.code === errors.CLOSED);
  const closed: number = client.close();
  console.log(closed, client.state, client.closed, client.clientId);
}
const other = createClient({ url: 'ws://127.0.0.1:9001/mqtt' });

// Every other option, event, method and export.
const full = mqtt.createClient({
  url: 'mqtts://broker.example:8883',
  servers: ['mqtts://backup.example:8883', 'wss://backup.example/mqtt'],
  connectTimeout: 5000,
  reconnect: true,
  reconnectMaxDelay: 10000,
  reconnectJitter: 10,
  refusedRetryDelay: 30000,
  queueMaxBytes: 1 << 20,
  maxInflight: 10,
  sessionExpiryInterval: 3600,
  receiveMaximum: 50,
  maximumPacketSize: 65536,
  topicAliasMaximum: 10,
  userProperties: [['a', 'b']],
  authenticationMethod: 'SCRAM-SHA-1',
  authenticationData: new Uint8Array([1]),
  will: { topic: 'w', message: new Uint8Array([0]), delayInterval: 5, properties: { willDelayInterval: 5 } },
  tls: { ca: ['pem'], cert: 'pem', key: new Uint8Array(1), rejectUnauthorized: true, verify: true, servername: 'broker.example' },
});
if (full) {
  full.on('auth', ({ reasonCode, properties }) => {
    const data: Uint8Array | undefined = properties.authenticationData as Uint8Array | undefined;
    full.auth({ reasonCode: reasonCode === 0x18 ? 0x18 : 0, data: data ?? 'answer' });
  });
  full.on('message', (topic, message, info) => {
    const p = info.properties;
    const ids: number[] | undefined = p?.subscriptionIdentifier;
    const correlation: Uint8Array | undefined = p?.correlationData;
    const user: string | string[] | undefined = p?.userProperties?.key;
    console.log(topic, new TextDecoder().decode(message), ids, correlation, user, p?.payloadFormatIndicator, p?.messageExpiryInterval, p?.responseTopic);
  });
  full.on('message', (topic: string) => console.log(topic));
  full.off('message');
  full.subscribe({
    topic: 'a/#', qos: 2, nl: true, noLocal: true, rap: false, retainAsPublished: false, rh: 2, retainHandling: 1,
    properties: { subscriptionIdentifier: 7, userProperties: { k: ['v', 'w'] } },
  });
  full.unsubscribe({ topic: 'a/#', properties: { userProperties: { k: 'v' } }, fail: (e) => console.log(e.fatal) });
  full.publish({
    topic: 'a/b', message: new DataView(new ArrayBuffer(2)), qos: 1, retain: false,
    properties: {
      payloadFormatIndicator: 1, messageExpiryInterval: 60, contentType: 'application/json', responseTopic: 'r',
      correlationData: 'id', userProperties: { k: 'v' },
    },
    success: () => {},
    fail: (e) => console.log(e.reasonCode, e.reasonString),
  });
  void full.subscribeAsync({ topic: 'x' }).then(({ topic, qos }) => console.log(topic, qos));
  void full.unsubscribeAsync({ topic: 'x' });
  console.log(full.connected, full.state === 'waiting');
}
const err = new mqtt.MqttError(errors.CLOSED, 'detail');
if (err instanceof mqtt.MqttError) console.log(err.codeName === 'CLOSED', err.fatal);
const names: readonly string[] = mqtt.events;
console.log(names, mqtt.errorMessage(errors.OK), mqtt.errorTable()[0][3], mqtt.memory().allocated, mqtt.memory().clients);
void mqtt.connectAsync({ host: 'h' }).then((c) => c.closeAsync());
const code: 10 = errors.INVALID_TOPIC;
console.log(other, code, mqtt.memory().heapSize);

// @ts-expect-error qos 3 is not a QoS
client?.publish({ topic: 'a', message: 'x', qos: 3 });
// @ts-expect-error the message is required
client?.publish({ topic: 'a' });
// @ts-expect-error the topic is required
client?.subscribe({ qos: 1 });
// @ts-expect-error no such event
client?.on('connected', () => {});
// @ts-expect-error a disconnect listener gets an MqttError, not a string
client?.on('disconnect', (reason: string) => console.log(reason));
// @ts-expect-error keepalive_interval is a Number
mqtt.createClient({ host: 'h', keepalive_interval: '60' });
// @ts-expect-error protocol is one of four
mqtt.createClient({ host: 'h', protocol: 'tcp' });
