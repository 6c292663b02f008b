// The JavaScript half of the C ABI in bindings.cpp: instantiates mqtt_wasm.wasm with its
// imports and wraps the mqtt_* exports in a RawClient (requests in, host reports in, bytes out).
// The build minifies it into dist/mqtt_wasm.mjs, which the entries (browser.js, node.js) import.
// Integers and heap addresses only cross; structured values are records (see bindings.cpp):
// fields `key (1 byte), size (u32 LE), value`, a number as 4 bytes, text as UTF-8, a list or a
// user property as repeated keys.

const NUM = 0;    // number (a Boolean as 0 or 1)
const TEXT = 1;   // String, as UTF-8
const BYTES = 2;  // Uint8Array
const LIST = 3;   // numbers; one field each (in: one number)
const PAIRS = 4;  // [key, value] String pairs; two fields each
const TEXTS = 5;  // Strings; one field each

// Record keys: the MQTT 5 property identifier where there is one, else the Key enum of
// bindings.cpp (from 0x80, in its order).
const FIELDS = [
  [0x01, 'payloadFormatIndicator', NUM],
  [0x02, 'messageExpiryInterval', NUM],
  [0x03, 'contentType', TEXT],
  [0x08, 'responseTopic', TEXT],
  [0x09, 'correlationData', BYTES],
  [0x0b, 'subscriptionIdentifier', LIST],
  [0x11, 'sessionExpiryInterval', NUM],
  [0x12, 'assignedClientIdentifier', TEXT],
  [0x13, 'serverKeepAlive', NUM],
  [0x15, 'authenticationMethod', TEXT],
  [0x16, 'authenticationData', BYTES],
  [0x18, 'willDelayInterval', NUM],
  [0x1a, 'responseInformation', TEXT],
  [0x1c, 'serverReference', TEXT],
  [0x1f, 'reasonString', TEXT],
  [0x21, 'receiveMaximum', NUM],
  [0x22, 'topicAliasMaximum', NUM],
  [0x23, 'topicAlias', NUM],
  [0x24, 'maximumQoS', NUM],
  [0x25, 'retainAvailable', NUM],
  [0x26, 'userProperties', PAIRS],
  [0x27, 'maximumPacketSize', NUM],
  [0x28, 'wildcardSubscriptionAvailable', NUM],
  [0x29, 'subscriptionIdentifiersAvailable', NUM],
  [0x2a, 'sharedSubscriptionAvailable', NUM],
  ...[
    ['topic', TEXT], ['qos', NUM], ['nl', NUM], ['rap', NUM], ['rh', NUM], ['host', TEXT], ['port', NUM],
    ['protocol', TEXT], ['path', TEXT], ['url', TEXT], ['servers', TEXTS], ['clientId', TEXT], ['username', TEXT],
    ['password', TEXT], ['keepalive_interval', NUM], ['protocolVersion', NUM], ['clean', NUM], ['willTopic', TEXT],
    ['willPayload', BYTES], ['willQos', NUM], ['willRetain', NUM], ['connectTimeout', NUM], ['reconnect', NUM],
    ['reconnectMinDelay', NUM], ['reconnectMaxDelay', NUM], ['reconnectJitter', NUM], ['refusedRetryDelay', NUM],
    ['queueMaxMessages', NUM], ['queueMaxBytes', NUM], ['maxInflight', NUM],
    ['errorName', TEXT], ['errorValue', NUM], ['errorFatal', NUM], ['errorMessage', TEXT],
  ].map(([name, kind], i) => [0x80 + i, name, kind]),
];
const BY_NAME = new Map(FIELDS.map((f) => [f[1], f]));
const BY_KEY = new Map(FIELDS.map((f) => [f[0], f]));

const REQUESTS = 0;  // the input areas of mqtt_input
const RECEIVED = 1;
const TOPIC_AREA = 1024;  // the publish fast path: the topic's UTF-8 at the start of the fixed area,
const INPUT_FIXED = 16 * 1024;  // the payload and properties after it

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// An object's known keys as [key, value] fields (values: number or Uint8Array).
function fieldsOf(object, out = []) {
  for (const name in object) {
    const field = BY_NAME.get(name);
    const v = object[name];
    if (!field || v === undefined) continue;
    const [key, , kind] = field;
    if (kind === NUM || kind === LIST) out.push([key, typeof v === 'boolean' ? Number(v) : v]);
    else if (kind === TEXT) out.push([key, encoder.encode(v)]);
    else if (kind === BYTES) out.push([key, v]);
    else if (kind === TEXTS) for (const s of v) out.push([key, encoder.encode(s)]);
    else for (const [k, s] of v) out.push([key, encoder.encode(k)], [key, encoder.encode(s)]);
  }
  return out;
}

const recordSize = (fields) => fields.reduce((n, [, v]) => n + 5 + (typeof v === 'number' ? 4 : v.length), 0);

function putU32(u8, at, n) {
  u8[at] = n;
  u8[at + 1] = n >>> 8;
  u8[at + 2] = n >>> 16;
  u8[at + 3] = n >>> 24;
}

const getU32 = (u8, at) => (u8[at] | (u8[at + 1] << 8) | (u8[at + 2] << 16) | (u8[at + 3] << 24)) >>> 0;

function writeRecord(u8, at, fields) {
  for (const [key, v] of fields) {
    u8[at] = key;
    if (typeof v === 'number') {
      putU32(u8, at + 1, 4);
      putU32(u8, at + 5, v >>> 0);
      at += 9;
    } else {
      putU32(u8, at + 1, v.length);
      u8.set(v, at + 5);
      at += 5 + v.length;
    }
  }
}

// Instantiates the module from `wasmBinary` (its bytes) or `url` (fetched, compiled while it
// streams in where the server sends application/wasm): a promise of the binding, or with `sync`
// (and `wasmBinary`) the binding itself, so that Node's entry needs no top-level await and
// `require('mqtt-wasm')` works where Node can require an ES module.
export default function createMqttWasm({ wasmBinary, url, sync = false }) {
  let memory;
  let u8 = null;  // the heap; renewed when it grew (the old buffer is then detached: length 0)
  const heap = () => (u8 && u8.length ? u8 : (u8 = new Uint8Array(memory.buffer)));
  const text = (at, size) => (size ? decoder.decode(heap().subarray(at, at + size)) : '');
  const peers = [null];  // index: the peer id bindings.cpp passes back; 0 is never used
  const topics = [null];  // per peer: the topic of its last message (flag 16: the same again)
  const freeIds = [];

  // A record from the heap as an object by FIELDS name (lists as arrays, user properties as pairs).
  function readRecord(at, size) {
    const h = heap();
    const o = {};
    for (let p = at, end = at + size; p + 5 <= end;) {
      const [, name, kind] = BY_KEY.get(h[p]) || [];
      const n = getU32(h, p + 1);
      const v = p + 5;
      p = v + n;
      if (kind === NUM) o[name] = getU32(h, v);
      else if (kind === LIST) (o[name] ||= []).push(getU32(h, v));
      else if (kind === TEXT) o[name] = text(v, n);
      else if (kind === BYTES) o[name] = h.slice(v, v + n);
      else if (kind === PAIRS && p + 5 <= end) {
        const m = getU32(h, p + 1);
        (o[name] ||= []).push([text(v, n), text(p + 5, m)]);
        p += 5 + m;
      }
    }
    return o;
  }

  const env = {
    host_open: (id, scheme, host, hostSize, port, path, pathSize) => {
      const h = heap();
      peers[id].open(text(scheme, h.indexOf(0, scheme) - scheme), text(host, hostSize), port, text(path, pathSize));
    },
    host_send: (id) => peers[id].send(),
    host_close: (id) => peers[id].close(),
    host_now: (id) => peers[id].now(),
    host_wake_at: (id, deadline) => peers[id].wakeAt(deadline),
    host_random: (id) => peers[id].random(),
    on_connect: (id) => peers[id].onConnect(),
    on_disconnect: (id, code, reasonCode, at, size) => peers[id].onDisconnect(code, reasonCode, text(at, size)),
    on_reconnect: (id) => peers[id].onReconnect(),
    on_message: (id, topicAt, topicSize, data, size, flags, record, recordSize) => {
      const topic = flags & 16 ? topics[id] : (topics[id] = text(topicAt, topicSize));
      peers[id].onMessage(topic, data, size, flags & 15, flags & 32 ? readRecord(record, recordSize) : undefined);
    },
    on_error: (id, code, reasonCode, at, size) => peers[id].onError(code, reasonCode, text(at, size)),
    on_close: (id) => peers[id].onClose(),
    on_complete: (id, token, code, reasonCode, at, size) => peers[id].onComplete(token >>> 0, code, reasonCode, text(at, size)),
    on_auth: (id, reasonCode, record, size) => peers[id].onAuth(reasonCode, readRecord(record, size)),
    emscripten_notify_memory_growth: () => {
      u8 = null;
    },
  };
  const wasi_snapshot_preview1 = {
    proc_exit: (code) => {
      throw new WebAssembly.RuntimeError(`mqtt_wasm aborted (${code})`);
    },
  };
  const imports = { env, wasi_snapshot_preview1 };
  let x;  // the instance's exports, once instantiated
  let fixedArea;
  const start = (instance) => {
    x = instance.exports;
    memory = x.memory;
    x._initialize();
    fixedArea = x.mqtt_input(REQUESTS, 0);
  };
  let topicView = null;  // heap().subarray over the topic area, renewed with the heap
  let lastTopic = null;  // the topic whose UTF-8 is in the topic area
  let lastTopicSize = 0;

  // Writes fields into the requests area: [address, size]. Any such write may cover the topic area.
  function input(fields, extra = 0) {
    const size = recordSize(fields);
    const at = x.mqtt_input(REQUESTS, size + extra);
    writeRecord(heap(), at + extra, fields);
    lastTopic = null;
    return [at, size];
  }

  // The wasm `MqttClient`; the peer gets every Host and Events call (client.js's Peer).
  class RawClient {
    constructor(peer, options) {
      const fields = fieldsOf(options);
      this.id = freeIds.length ? freeIds.pop() : peers.length;
      peers[this.id] = peer;
      this.c = x.mqtt_client_new(this.id, ...input(fields));
    }

    delete() {
      x.mqtt_client_delete(this.c);
      peers[this.id] = null;
      topics[this.id] = null;
      freeIds.push(this.id);
    }

    connect(token) {
      return x.mqtt_connect(this.c, token);
    }

    subscribe(topic, qos, extra, token) {
      return x.mqtt_subscribe(this.c, ...input(fieldsOf(extra, [[BY_NAME.get('topic')[0], encoder.encode(topic)], [BY_NAME.get('qos')[0], qos]])), token);
    }

    unsubscribe(topic, extra, token) {
      return x.mqtt_unsubscribe(this.c, ...input(fieldsOf(extra, [[BY_NAME.get('topic')[0], encoder.encode(topic)]])), token);
    }

    // The common publish (a topic of at most TOPIC_AREA bytes, payload and properties within the
    // fixed area) writes the topic only when it changed, and the payload once.
    publish(topic, payload, qos, retain, properties, token) {
      const flags = qos | (retain ? 4 : 0);
      const props = properties === undefined ? null : fieldsOf(properties);
      const propsSize = props ? recordSize(props) : 0;
      const bodySize = payload.length + propsSize;
      if (topic.length * 3 <= TOPIC_AREA && bodySize <= INPUT_FIXED - TOPIC_AREA) {
        const h = heap();
        if (topicView === null || topicView.length === 0) topicView = h.subarray(fixedArea, fixedArea + TOPIC_AREA);
        if (topic !== lastTopic) {
          lastTopicSize = encoder.encodeInto(topic, topicView).written;
          lastTopic = topic;
        }
        const at = fixedArea + TOPIC_AREA;
        h.set(payload, at);
        if (props) writeRecord(h, at + payload.length, props);
        return x.mqtt_publish(this.c, fixedArea, lastTopicSize, at, payload.length, propsSize, flags, token);
      }
      const t = encoder.encode(topic);
      const [at] = input(props || [], t.length + payload.length);
      const h = heap();
      h.set(t, at);
      h.set(payload, at + t.length);
      return x.mqtt_publish(this.c, at, t.length, at + t.length, payload.length, propsSize, flags, token);
    }

    close() {
      return x.mqtt_close(this.c);
    }

    auth(reasonCode, data) {
      const bytes = data || new Uint8Array(0);
      const [at] = input([], bytes.length);
      heap().set(bytes, at);
      return x.mqtt_auth(this.c, reasonCode, at, bytes.length);
    }

    onOpen() {
      x.mqtt_on_open(this.c);
    }

    onBytes(chunk) {
      const at = x.mqtt_input(RECEIVED, chunk.length);
      heap().set(chunk, at);
      x.mqtt_on_bytes(this.c, at, chunk.length);
    }

    onClosed(code) {
      x.mqtt_on_closed(this.c, code);
    }

    onWake() {
      x.mqtt_on_wake(this.c);
    }

    // A copy of the bytes sent since the last call (empty when none).
    output() {
      const size = x.mqtt_output(this.c);
      const at = x.mqtt_output_data(this.c);
      return heap().slice(at, at + size);
    }

    state() {
      return x.mqtt_state(this.c);
    }

    clientId() {
      const at = x.mqtt_client_id(this.c);
      return readRecord(at + 4, getU32(heap(), at)).clientId;
    }
  }

  const binding = {
    RawClient,
    // The payload of a message, as its own ArrayBuffer.
    slice: (at, size) => memory.buffer.slice(at, at + size),
    // [name, value, fatal, message] rows of the C++ error table.
    errorTable() {
      const at = x.mqtt_error_table();
      const h = heap();
      const rows = [];
      for (let p = at + 4, end = p + getU32(h, at); p < end;) {
        const row = [];
        for (let i = 0; i < 4; i++) {
          const n = getU32(h, p + 1);
          row.push(i === 0 || i === 3 ? text(p + 5, n) : getU32(h, p + 5));
          p += 5 + n;
        }
        row[2] = row[2] !== 0;
        rows.push(row);
      }
      return rows;
    },
    heapStats: () => ({ heapSize: memory.buffer.byteLength, allocated: x.mqtt_allocated() }),
  };

  if (sync) {
    start(new WebAssembly.Instance(new WebAssembly.Module(wasmBinary), imports));
    return binding;
  }
  const instantiate = async () => {
    if (wasmBinary !== undefined) return WebAssembly.instantiate(wasmBinary, imports);
    const get = () => fetch(url, { credentials: 'same-origin' });
    try {
      return await WebAssembly.instantiateStreaming(get(), imports);
    } catch (e) {
      return WebAssembly.instantiate(await (await get()).arrayBuffer(), imports);  // e.g. not served as application/wasm
    }
  };
  return instantiate().then((result) => {
    start(result.instance);
    return binding;
  });
}
