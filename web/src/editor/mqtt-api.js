// The `mqtt` API of the contract (and the playground's `network` module), as data for
// completion and hover documentation.

export const CREATE_CLIENT_OPTIONS = [
  { label: 'host', type: 'String', doc: 'Broker address, IP or domain name (required). In the playground it is routed to a WebSocket endpoint.' },
  { label: 'port', type: 'Number', doc: 'Broker port, default 1883.' },
  { label: 'clientId', type: 'String', doc: 'Client identifier; default: generated, random, at most 23 characters of [0-9a-zA-Z].' },
  { label: 'username', type: 'String', doc: 'User name.' },
  { label: 'password', type: 'String', doc: 'Password.' },
  { label: 'keepalive_interval', type: 'Number', doc: 'MQTT keep-alive in seconds, default 60; 0 turns it off.' },
  { label: 'success', type: 'Function', doc: 'Called when the client has connected (CONNACK accepted).' },
  { label: 'fail', type: 'Function', doc: 'Called with an error when it could not connect: unreachable, refused, CONNACK refusal, timeout, invalid options.' },
  { label: 'protocolVersion', type: 'Number', doc: 'Extension: 4 = MQTT 3.1.1, 5 = MQTT 5.0.' },
  { label: 'clean', type: 'Boolean', doc: 'Extension: start a clean session.' },
  { label: 'will', type: 'Object', doc: 'Extension: last will { topic, message, qos, retain }.' },
];

export const CLIENT_METHODS = [
  { label: 'subscribe', detail: '(options) → Number', doc: 'subscribe({ topic, qos?, success?, fail? }) — success after the broker\'s SUBACK grants it; fail when it refuses or the filter is invalid. Returns 0 when accepted.' },
  { label: 'unsubscribe', detail: '(options) → Number', doc: 'unsubscribe({ topic }) — stops delivery for that filter after UNSUBACK. Returns 0 when accepted.' },
  { label: 'publish', detail: '(options) → Number', doc: 'publish({ topic, message, qos?, retain?, success?, fail? }) — message is a String (sent as UTF-8) or an ArrayBuffer. success when delivered at the requested QoS: written (0), PUBACK (1), PUBCOMP (2). Returns 0 when accepted.' },
  { label: 'close', detail: '() → Number', doc: 'close() — sends DISCONNECT, releases the connection, emits \'close\'; later calls return non-zero.' },
  { label: 'on', detail: '(event, listener)', doc: 'on(event, listener) — events: connect, disconnect, reconnect, message (topic, message: ArrayBuffer), error, close.' },
  { label: 'once', detail: '(event, listener)', doc: 'once(event, listener) — like on(), called at most once.' },
  { label: 'off', detail: '(event, listener)', doc: 'off(event, listener) — removes a listener.' },
];

export const EVENTS = [
  { label: 'connect', doc: 'The client connected for the first time. No arguments.' },
  { label: 'disconnect', doc: 'An established connection was lost or closed by the broker (automatic reconnection follows). Argument: reason.' },
  { label: 'reconnect', doc: 'A reconnection succeeded. No arguments.' },
  { label: 'message', doc: 'A message arrived: (topic: String, message: ArrayBuffer holding exactly the payload bytes, info: { qos, retain, dup }).' },
  { label: 'error', doc: 'Something failed: protocol violation, refused subscription, failed publish, bad argument. Argument: { code, message }.' },
  { label: 'close', doc: 'The client is closed (after close(), or when it gives up for good); no event follows it.' },
];

export const PUBLISH_OPTIONS = [
  { label: 'topic', type: 'String', doc: 'Topic name (required; no wildcards when publishing).' },
  { label: 'message', type: 'String | ArrayBuffer', doc: 'Payload (required); a String is sent as UTF-8.' },
  { label: 'qos', type: 'Number', doc: 'Quality of service: 0, 1 or 2; default 0.' },
  { label: 'retain', type: 'Boolean', doc: 'Extension: the broker keeps the message for new subscribers.' },
  { label: 'success', type: 'Function', doc: 'Called when the request completed.' },
  { label: 'fail', type: 'Function', doc: 'Called with an error when the request failed.' },
];

export const MODULE_MEMBERS = [
  { label: 'createClient', detail: '(options) → MQTTClient | null', doc: 'mqtt.createClient({ host, port?, clientId?, username?, password?, keepalive_interval?, success?, fail? }) — creates a client and starts connecting at once. Returns the client, or null when the options are invalid (fail is called with the reason).' },
];

export const NETWORK_MEMBERS = [
  { label: 'openNetWorkClient', detail: '() → NetWork', doc: 'network.openNetWorkClient() — the device\'s network. In the playground it is always connected.' },
  { label: 'getType', detail: '() → String', doc: 'getType() — wifi | cellular | ethnet | unknown.' },
  { label: 'getStatus', detail: '() → String', doc: 'getStatus() — connect | disconnect (always connect in the playground).' },
  { label: 'getInfo', detail: '() → Object', doc: 'getInfo() — { netInfo: { ip_addr, dns_server, gw, mask, mac, rssi }, ... }.' },
];

// Words that get hover documentation.
export const HOVER_DOCS = new Map();
for (const list of [MODULE_MEMBERS, CLIENT_METHODS, NETWORK_MEMBERS]) {
  for (const m of list) HOVER_DOCS.set(m.label, `${m.label}${m.detail ? ` ${m.detail}` : ''}\n\n${m.doc}`);
}
for (const o of CREATE_CLIENT_OPTIONS) if (!HOVER_DOCS.has(o.label)) HOVER_DOCS.set(o.label, `${o.label}: ${o.type} (createClient option)\n\n${o.doc}`);
for (const o of PUBLISH_OPTIONS) if (!HOVER_DOCS.has(o.label)) HOVER_DOCS.set(o.label, `${o.label}: ${o.type} (publish option)\n\n${o.doc}`);
for (const e of EVENTS) HOVER_DOCS.set(`event:${e.label}`, `'${e.label}' event\n\n${e.doc}`);
HOVER_DOCS.set('mqtt', "require('mqtt') — the MQTT module running on the WebAssembly client.\n\nmqtt.createClient(options) → MQTTClient");
HOVER_DOCS.set('network', "require('network') — the device network module; always connected in the playground.");
