// Conversion of JavaScript arguments into the plain values the binding reads.
//
// Only types are checked here (a String where a String goes, an integer that fits the C++ field,
// bytes as a Uint8Array). Everything about meaning and range (port 1-65535, qos 0-2, wildcards,
// UTF-8 rules, protocol versions, URLs) is decided by the C++ engine, so the error codes and
// messages are the same on every host.
import { errors } from './errors.js';

export class ArgumentError {
  constructor(code, detail) {
    this.code = code;
    this.detail = detail;
  }
}

const fail = (code, detail) => {
  throw new ArgumentError(code, detail);
};

const encoder = new TextEncoder();
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// A JavaScript string that UTF-8 can represent (no unpaired surrogate).
export function isWellFormed(s) {
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !loneSurrogate.test(s);
}

export function text(value, name, code = errors.INVALID_ARGUMENT) {
  if (typeof value !== 'string') fail(code, `'${name}' must be a String`);
  if (!isWellFormed(value)) fail(errors.INVALID_UTF8, `'${name}' has an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
  return value;
}

// String (as UTF-8), ArrayBuffer or an ArrayBuffer view, as a Uint8Array over the same memory.
export function bytes(value, name, code = errors.INVALID_ARGUMENT) {
  if (value instanceof Uint8Array) return value;  // the common case first (Buffer included)
  if (typeof value === 'string') return encoder.encode(text(value, name, code));
  if (value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]') {
    return new Uint8Array(value);
  }
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return fail(code, `'${name}' must be a String or an ArrayBuffer`);
}

export function integer(value, name, code, min = -0x80000000, max = 0x7fffffff) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(code, `'${name}' must be an integer${min >= 0 ? ` from ${min} to ${max}` : ''}`);
  }
  return value;
}

const u32 = (value, name) => integer(value, name, errors.INVALID_OPTIONS, 0, 0xffffffff);

export function boolean(value, name, code = errors.INVALID_ARGUMENT) {
  if (typeof value !== 'boolean') fail(code, `'${name}' must be a Boolean`);
  return value;
}

export function callback(value, name) {
  if (value !== undefined && typeof value !== 'function') fail(errors.INVALID_ARGUMENT, `'${name}' must be a Function`);
  return value;
}

// User properties as [key, value] pairs, from pairs or from an object ({ key: value | [values] }).
export function userProperties(value, name, code = errors.INVALID_PROPERTY) {
  const pairs = [];
  const add = (k, v) => pairs.push([text(k, `${name} key`, code), text(String(v), `${name} value`, code)]);
  if (Array.isArray(value)) {
    for (const p of value) {
      if (!Array.isArray(p) || p.length !== 2) fail(code, `'${name}' pairs must be [key, value]`);
      add(p[0], p[1]);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v)) v.forEach((x) => add(k, x));
      else add(k, v);
    }
  } else {
    fail(code, `'${name}' must be an object or an array of [key, value] pairs`);
  }
  return pairs;
}

// Pairs from the binding into the object form, repeated keys as arrays (as MQTT.js does).
export function userPropertiesObject(pairs) {
  const o = {};
  for (const [k, v] of pairs) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) o[k] = v;
    else if (Array.isArray(o[k])) o[k].push(v);
    else o[k] = [o[k], v];
  }
  return o;
}

// PUBLISH properties an application may set (MQTT 5).
export function publishProperties(p) {
  if (p === undefined) return undefined;
  if (p === null || typeof p !== 'object') fail(errors.INVALID_PROPERTY, "'properties' must be an object");
  const code = errors.INVALID_PROPERTY;
  const out = {};
  if (p.payloadFormatIndicator !== undefined) {
    const v = p.payloadFormatIndicator;
    out.payloadFormatIndicator = typeof v === 'boolean' ? Number(v) : integer(v, 'payloadFormatIndicator', code, 0, 255);
  }
  if (p.messageExpiryInterval !== undefined) out.messageExpiryInterval = integer(p.messageExpiryInterval, 'messageExpiryInterval', code, 0, 0xffffffff);
  if (p.contentType !== undefined) out.contentType = text(p.contentType, 'contentType', code);
  if (p.responseTopic !== undefined) out.responseTopic = text(p.responseTopic, 'responseTopic', code);
  if (p.correlationData !== undefined) out.correlationData = bytes(p.correlationData, 'correlationData', code);
  if (p.userProperties !== undefined) out.userProperties = userProperties(p.userProperties, 'userProperties');
  return out;
}

const PROTOCOLS = ['mqtt', 'mqtts', 'ws', 'wss'];
const U32_OPTIONS = [
  'connectTimeout', 'reconnectMinDelay', 'reconnectMaxDelay', 'reconnectJitter', 'refusedRetryDelay',
  'queueMaxMessages', 'queueMaxBytes', 'maxInflight', 'receiveMaximum', 'maximumPacketSize',
  'topicAliasMaximum', 'sessionExpiryInterval',
];
// MQTT 5 CONNECT properties may also be given MQTT.js-style, under `properties`.
const CONNECT_PROPERTIES = [
  'sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum',
  'userProperties', 'authenticationMethod', 'authenticationData',
];

// createClient options into { engine: what the binding reads (flat, by binding.js field name),
// tls: what the transport uses }.
// `platform.tcp` is false in a browser: there the protocol defaults to ws and TCP is refused.
export function clientOptions(o, platform) {
  const e = {};
  const merged = { ...o };
  if (o.properties !== undefined) {
    if (o.properties === null || typeof o.properties !== 'object') fail(errors.INVALID_PROPERTY, "'properties' must be an object");
    for (const k of CONNECT_PROPERTIES) if (o.properties[k] !== undefined && merged[k] === undefined) merged[k] = o.properties[k];
  }
  if (merged.host !== undefined) e.host = text(merged.host, 'host', errors.INVALID_OPTIONS);
  if (merged.port !== undefined) {
    // Checked here, not only by the engine: there 0 means "the protocol's default port".
    const p = merged.port;
    if (!Number.isInteger(p) || p < 1 || p > 65535) fail(errors.INVALID_PORT, `got ${typeof p === 'string' ? JSON.stringify(p) : String(p)}`);
    e.port = p;
  }
  if (merged.protocol !== undefined) {
    if (!PROTOCOLS.includes(merged.protocol)) fail(errors.INVALID_OPTIONS, "'protocol' must be 'mqtt', 'mqtts', 'ws' or 'wss'");
    e.protocol = merged.protocol;
  } else if (!platform.tcp) {
    e.protocol = 'ws';
  }
  if (merged.path !== undefined) e.path = text(merged.path, 'path', errors.INVALID_OPTIONS);
  if (merged.url !== undefined) e.url = text(merged.url, 'url', errors.INVALID_URL);
  if (merged.servers !== undefined) {
    if (!Array.isArray(merged.servers)) fail(errors.INVALID_OPTIONS, "'servers' must be an array of url Strings");
    e.servers = merged.servers.map((s) => text(s, 'servers', errors.INVALID_URL));
  }
  if (!platform.tcp) {
    const urls = [e.url, ...(e.servers || [])].filter((u) => u !== undefined);
    if (e.protocol === 'mqtt' || e.protocol === 'mqtts' || urls.some((u) => /^mqtts?:/i.test(u))) {
      fail(errors.NOT_SUPPORTED, 'a browser cannot open TCP connections: use protocol ws or wss (MQTT over WebSocket)');
    }
  }
  if (merged.clientId !== undefined) e.clientId = text(merged.clientId, 'clientId', errors.INVALID_CLIENT_ID);
  if (merged.username !== undefined) e.username = text(merged.username, 'username', errors.INVALID_OPTIONS);
  if (merged.password !== undefined) e.password = text(merged.password, 'password', errors.INVALID_OPTIONS);
  if (merged.keepalive_interval !== undefined) {
    e.keepalive_interval = integer(merged.keepalive_interval, 'keepalive_interval', errors.INVALID_KEEPALIVE);
  }
  if (merged.protocolVersion !== undefined) {
    e.protocolVersion = integer(merged.protocolVersion, 'protocolVersion', errors.INVALID_PROTOCOL_VERSION);
  }
  if (merged.clean !== undefined) e.clean = boolean(merged.clean, 'clean', errors.INVALID_OPTIONS);
  if (merged.reconnect !== undefined) e.reconnect = boolean(merged.reconnect, 'reconnect', errors.INVALID_OPTIONS);
  for (const k of U32_OPTIONS) if (merged[k] !== undefined) e[k] = u32(merged[k], k);
  if (merged.will !== undefined) {
    const w = merged.will;
    if (w === null || typeof w !== 'object') fail(errors.INVALID_OPTIONS, "'will' must be an object");
    e.willTopic = text(w.topic, 'will.topic', errors.INVALID_OPTIONS);
    const payload = w.payload !== undefined ? w.payload : w.message;
    if (payload !== undefined) e.willPayload = bytes(payload, 'will.payload', errors.INVALID_OPTIONS);
    if (w.qos !== undefined) e.willQos = integer(w.qos, 'will.qos', errors.INVALID_QOS);
    if (w.retain !== undefined) e.willRetain = boolean(w.retain, 'will.retain', errors.INVALID_OPTIONS);
    const delay = w.delayInterval !== undefined ? w.delayInterval : w.properties && w.properties.willDelayInterval;
    if (delay !== undefined) e.willDelayInterval = u32(delay, 'will.delayInterval');
  }
  if (merged.userProperties !== undefined) e.userProperties = userProperties(merged.userProperties, 'userProperties');
  if (merged.authenticationMethod !== undefined) {
    e.authenticationMethod = text(merged.authenticationMethod, 'authenticationMethod', errors.INVALID_PROPERTY);
  }
  if (merged.authenticationData !== undefined) {
    e.authenticationData = bytes(merged.authenticationData, 'authenticationData', errors.INVALID_PROPERTY);
  }
  let tls;
  if (merged.tls !== undefined) {
    if (merged.tls === null || typeof merged.tls !== 'object') fail(errors.INVALID_OPTIONS, "'tls' must be an object");
    tls = merged.tls;
    if (platform.checkTls) {
      try {
        platform.checkTls(tls);
      } catch (err) {
        fail(errors.INVALID_OPTIONS, `'tls': ${err && err.message}`);
      }
    }
  }
  return { engine: e, tls };
}
