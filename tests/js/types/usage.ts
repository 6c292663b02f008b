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
void mqtt.connectAsync({ host: 'h' }).then((c) => c.closeAsync());
const code: 10 = errors.INVALID_TOPIC;
console.log(other, code, mqtt.memory().heapSize);

// @ts-expect-error qos 3 is not a QoS
client?.publish({ topic: 'a', message: 'x', qos: 3 });
// @ts-expect-error the message is required
client?.publish({ topic: 'a' });
