// The `mqtt` module over the compiled engine: createClient, the Client (events, requests,
// close) and the errors. Host-independent: the platform (browser.js, node.js) supplies the
// transports and the timer.
//
// How a client works: the wasm client (binding.js's RawClient) owns the engine; a Peer object is
// its Host (transport, clock, timer) and its Events sink. Requests go in through RawClient
// methods; the engine answers through the Peer, which turns results into `success`/`fail` calls
// and events into listeners.
// Every call into the engine goes through Client#_enter, which counts the nesting, so that a
// client closed from inside one of its own callbacks is deleted only once the engine returned.
import { errors } from './errors.js';
import {
  ArgumentError, bytes, callback, integer, publishProperties, text, userProperties, userPropertiesObject,
  clientOptions, boolean,
} from './options.js';

const STATES = ['idle', 'connecting', 'connected', 'waiting', 'closed'];
const EVENTS = ['connect', 'disconnect', 'reconnect', 'message', 'error', 'close'];
const MAX_REMAINING_LENGTH = 268435455;  // the largest remaining length (MQTT 5.0 section 1.5.5)

// A listener or callback that throws must not unwind through the engine: it is reported
// asynchronously, as an uncaught error of its own.
function report(err) {
  if (typeof reportError === 'function') reportError(err);
  else queueMicrotask(() => { throw err; });
}

function safely(fn, ...args) {
  try {
    fn(...args);
  } catch (err) {
    report(err);
  }
}

export function createMqtt(wasm, platform) {
  const table = new Map();
  for (const [name, value, fatal, message] of wasm.errorTable()) table.set(value, { name, fatal, message });

  class MqttError extends Error {
    constructor(code, detail, reasonCode, reasonString) {
      const info = table.get(code) || { name: 'unknown', fatal: false, message: `error ${code}` };
      let message = detail ? `${info.message}: ${detail}` : info.message;
      if (reasonString) message += ` (${reasonString})`;
      super(message);
      this.name = 'MqttError';
      this.code = code;
      this.codeName = info.name.toUpperCase();
      this.fatal = info.fatal;
      if (reasonCode !== undefined) this.reasonCode = reasonCode;
      if (reasonString) this.reasonString = reasonString;
    }
  }

  const errorName = (code) => (table.get(code) || { name: 'unknown' }).name.toUpperCase();
  const errorMessage = (code) => (table.get(code) || { message: 'unknown error' }).message;

  let clientsAlive = 0;

  // The wasm side's Host and Events, for one client.
  class Peer {
    constructor(client) {
      this.client = client;
    }

    // Host
    open(scheme, host, port, path) {
      const c = this.client;
      if (!c) return;
      c._closeTransport();
      const generation = ++c._generation;
      const live = () => this.client && c._generation === generation;
      c._transport = platform.open({ scheme, host, port, path, tls: c._tls }, {
        open: () => live() && c._enter((raw) => raw.onOpen()),
        data: (chunk) => live() && c._enter((raw) => raw.onBytes(chunk)),
        closed: (code) => {
          if (!live()) return;
          c._transport = null;
          c._enter((raw) => raw.onClosed(code));
        },
      });
    }

    // The engine has bytes to send: the binding keeps them (every packet of this turn, in the
    // wasm heap) until _flush takes them at the end of the microtask.
    send() {
      const c = this.client;
      if (!c || c._flushQueued) return;
      c._flushQueued = true;
      queueMicrotask(c._flushLater);
    }

    close() {
      const c = this.client;
      if (!c) return;
      c._flush();  // DISCONNECT (or whatever was sent last) goes before the close
      c._closeTransport();
    }

    now() {
      return platform.now();
    }

    wakeAt(deadline) {
      const c = this.client;
      if (!c) return;
      if (deadline < 0) c._timer.clear();
      else c._timer.set(Math.max(0, deadline - platform.now()));
    }

    random() {
      return platform.random();
    }

    // Events
    onConnect() {
      this.client && this.client._emit('connect');
    }

    onDisconnect(code, reasonCode, reasonString) {
      this.client && this.client._emit('disconnect', new MqttError(code, '', reasonCode, reasonString));
    }

    onReconnect() {
      this.client && this.client._emit('reconnect');
    }

    // The payload is `size` bytes at `data` in the wasm heap; flags: qos | retain << 2 | dup << 3. The `info` object is made only for listeners that
    // declare a third parameter (or take `...args`: length 0 is treated as wanting it).
    onMessage(topic, data, size, flags, properties) {
      const c = this.client;
      if (!c) return;
      const list = c._listeners.get('message');
      if (!list || list.length === 0) return;
      const payload = wasm.slice(data, size);  // exactly the payload bytes, owned by JavaScript
      let info;
      for (let i = 0; i < list.length; i++) {
        if (c._closed) return;  // a listener closed the client: `close` was the last event
        const entry = list[i];
        if (entry.once) c._removeEntry('message', entry);
        const fn = entry.listener;
        if (fn.length === 1 || fn.length === 2) {
          try {
            fn(topic, payload);
          } catch (err) {
            report(err);
          }
          continue;
        }
        if (info === undefined) {
          info = { qos: flags & 3, retain: (flags & 4) !== 0, dup: (flags & 8) !== 0 };
          if (properties !== undefined) {
            if (properties.userProperties) properties.userProperties = userPropertiesObject(properties.userProperties);
            info.properties = properties;
          }
        }
        safely(fn, topic, payload, info);
      }
    }

    onError(code, reasonCode, reasonString) {
      this.client && this.client._emit('error', new MqttError(code, '', reasonCode, reasonString));
    }

    onClose() {
      const c = this.client;
      if (!c) return;
      c._closed = true;
      c._emit('close');
      c._release();
    }

    onComplete(token, code, reasonCode, reasonString) {
      const c = this.client;
      if (!c) return;
      const request = c._requests.get(token);
      if (!request) return;
      c._requests.delete(token);
      if (code === 0) {
        if (request.success) safely(request.success, request.result ? request.result(reasonCode) : undefined);
      } else if (request.fail) {
        safely(request.fail, new MqttError(code, '', reasonCode, reasonString));
      }
    }

    onAuth(reasonCode, properties) {
      const c = this.client;
      if (!c) return;
      if (properties.userProperties) properties.userProperties = userPropertiesObject(properties.userProperties);
      c._emit('auth', { reasonCode, properties });
    }
  }

  class Client {
    constructor(tls) {
      this._raw = null;
      this._peer = new Peer(this);
      this._tls = tls;
      this._listeners = new Map();
      this._requests = new Map();
      this._nextToken = 1;
      this._depth = 0;
      this._closed = false;
      this._released = false;
      this._transport = null;
      this._generation = 0;
      this._flushQueued = false;
      this._flushLater = () => this._flush();
      this._timer = platform.timer(() => this._enter((raw) => raw.onWake()));
    }

    // -- events

    // A listener list is never changed in place: on/once/off store a new array, so an emit
    // walks the array it started with without copying it per event.
    on(name, listener) {
      return this._add(name, listener, false);
    }

    once(name, listener) {
      return this._add(name, listener, true);
    }

    off(name, listener) {
      const list = this._listeners.get(name);
      if (!list) return this;
      if (listener === undefined) {
        this._listeners.delete(name);
        return this;
      }
      const i = list.findIndex((l) => l.listener === listener);
      if (i >= 0) this._listeners.set(name, list.filter((_, j) => j !== i));
      return this;
    }

    _add(name, listener, once) {
      if (typeof listener !== 'function' || this._released) return this;
      const list = this._listeners.get(name);
      const entry = { listener, once };
      this._listeners.set(name, list ? [...list, entry] : [entry]);
      return this;
    }

    _removeEntry(name, entry) {
      const list = this._listeners.get(name);
      if (list && list.includes(entry)) this._listeners.set(name, list.filter((l) => l !== entry));
    }

    // -- requests (the exact API: integer results, success/fail exactly once)

    subscribe(options) {
      return this._request(options, (o, token) => {
        const topic = text(o.topic, 'topic');
        const qos = o.qos === undefined ? 0 : integer(o.qos, 'qos', errors.INVALID_QOS);
        const extra = {};
        if (o.nl !== undefined || o.noLocal !== undefined) extra.nl = boolean(o.nl ?? o.noLocal, 'nl');
        if (o.rap !== undefined || o.retainAsPublished !== undefined) extra.rap = boolean(o.rap ?? o.retainAsPublished, 'rap');
        if (o.rh !== undefined || o.retainHandling !== undefined) extra.rh = integer(o.rh ?? o.retainHandling, 'rh', errors.INVALID_ARGUMENT);
        const p = o.properties;
        if (p !== undefined && (p === null || typeof p !== 'object')) throw new ArgumentError(errors.INVALID_PROPERTY, "'properties' must be an object");
        if (p && p.subscriptionIdentifier !== undefined) {
          // From 1: the engine reads 0 as "no identifier" (and 0 is a protocol error, MQTT 5.0 3.8.2.1.2).
          extra.subscriptionIdentifier = integer(p.subscriptionIdentifier, 'subscriptionIdentifier', errors.INVALID_PROPERTY, 1, 0xffffffff);
        }
        if (p && p.userProperties !== undefined) extra.userProperties = userProperties(p.userProperties, 'userProperties');
        return {
          result: (grantedQos) => ({ topic, qos: grantedQos }),
          call: (raw) => raw.subscribe(topic, qos, extra, token),
        };
      }, 'topic');
    }

    unsubscribe(options) {
      return this._request(options, (o, token) => {
        const topic = text(o.topic, 'topic');
        const extra = {};
        const p = o.properties;
        if (p !== undefined && (p === null || typeof p !== 'object')) throw new ArgumentError(errors.INVALID_PROPERTY, "'properties' must be an object");
        if (p && p.userProperties !== undefined) extra.userProperties = userProperties(p.userProperties, 'userProperties');
        return { call: (raw) => raw.unsubscribe(topic, extra, token) };
      }, 'topic');
    }

    publish(options) {
      return this._request(options, (o, token) => {
        const topic = text(o.topic, 'topic');
        if (o.message === undefined || o.message === null) throw new ArgumentError(errors.MISSING_MESSAGE, '');
        const payload = bytes(o.message, 'message');
        // Refused before it is copied into the wasm heap, which would keep the size it grew to.
        // topic.length (UTF-16 units) never exceeds its UTF-8 size: no packet that fits is refused.
        if (payload.length + topic.length + 4 > MAX_REMAINING_LENGTH) {
          throw new ArgumentError(errors.PAYLOAD_TOO_LARGE, `'message' is ${payload.length} bytes; an MQTT packet holds at most ${MAX_REMAINING_LENGTH}`);
        }
        const qos = o.qos === undefined ? 0 : integer(o.qos, 'qos', errors.INVALID_QOS);
        const retain = o.retain === undefined ? false : boolean(o.retain, 'retain');
        const properties = publishProperties(o.properties);
        return { call: (raw) => raw.publish(topic, payload, qos, retain, properties, token) };
      }, 'topic');
    }

    // Sends DISCONNECT, releases everything, emits `close`. Later calls return errors.CLOSED.
    close() {
      if (this._closed || this._released) return errors.CLOSED;
      const rc = this._enter((raw) => raw.close());
      if (!this._closed) {
        // The engine always ends with on_close; should it not, nothing may leak all the same.
        this._closed = true;
        this._release();
      }
      return rc;
    }

    // MQTT 5 enhanced authentication: answers the broker's AUTH (`auth` event).
    // options: { reasonCode (default 0x18, continue), data (String or bytes) }.
    auth(options = {}) {
      if (options === null || typeof options !== 'object') return errors.INVALID_ARGUMENT;
      if (this._closed || this._released) return errors.CLOSED;
      let reasonCode;
      let data;
      try {
        reasonCode = options.reasonCode === undefined ? 0x18 : integer(options.reasonCode, 'reasonCode', errors.INVALID_ARGUMENT, 0, 255);
        data = options.data === undefined ? undefined : bytes(options.data, 'data');
      } catch (e) {
        return e.code;
      }
      return this._enter((raw) => raw.auth(reasonCode, data));
    }

    // -- extensions: promises and state

    subscribeAsync(options) {
      return this._promise('subscribe', options);
    }

    unsubscribeAsync(options) {
      return this._promise('unsubscribe', options);
    }

    publishAsync(options) {
      return this._promise('publish', options);
    }

    // Resolves once the client is closed (at once when it already is).
    closeAsync() {
      if (this._closed) return Promise.resolve();
      return new Promise((resolve) => {
        this.once('close', resolve);
        this.close();
      });
    }

    get state() {
      return this._closed || !this._raw ? 'closed' : STATES[this._raw.state()];
    }

    get connected() {
      return this.state === 'connected';
    }

    get closed() {
      return this._closed;
    }

    get clientId() {
      return this._raw && !this._released ? this._raw.clientId() : this._clientId;
    }

    // -- internals

    _promise(method, options) {
      return new Promise((resolve, reject) => {
        const o = options !== null && typeof options === 'object' ? options : {};
        const rc = this[method]({
          ...o,
          // `finally`: a callback that throws must not leave the promise pending.
          success: (v) => {
            try {
              if (typeof o.success === 'function') o.success(v);
            } finally {
              resolve(v);
            }
          },
          fail: (e) => {
            try {
              if (typeof o.fail === 'function') o.fail(e);
            } finally {
              reject(e);
            }
          },
        });
        if (rc !== 0 && (options === null || typeof options !== 'object')) reject(new MqttError(rc, 'options must be an object'));
      });
    }

    // Nothing a caller passes can make a request throw: whatever escapes (a throwing getter, a
    // Proxy) ends as INVALID_ARGUMENT.
    _request(options, prepare, requiredTopicKey) {
      try {
        return this._requestUnguarded(options, prepare, requiredTopicKey);
      } catch (e) {
        return this._refuse(undefined, errors.INVALID_ARGUMENT, String(e && e.message));
      }
    }

    // A request refused before the engine saw it: `fail` and an `error` event, as the engine
    // does for the ones it refuses (no event after close: nothing follows `close`).
    _refuse(fail, code, detail) {
      const error = new MqttError(code, detail);
      if (fail) safely(fail, error);
      if (code !== errors.CLOSED && !this._closed) this._emit('error', error);
      return code;
    }

    _requestUnguarded(options, prepare, requiredTopicKey) {
      if (options === null || typeof options !== 'object') return this._refuse(undefined, errors.INVALID_ARGUMENT, 'options must be an object');
      const success = options.success;
      const fail = typeof options.fail === 'function' ? options.fail : undefined;
      const refuse = (code, detail) => this._refuse(fail, code, detail);
      try {
        callback(success, 'success');
        callback(options.fail, 'fail');
      } catch (e) {
        return refuse(e.code, e.detail);
      }
      if (this._closed || this._released) return refuse(errors.CLOSED, '');
      if (options[requiredTopicKey] === undefined || options[requiredTopicKey] === null) return refuse(errors.MISSING_TOPIC, '');
      // A request nobody waits for (no success, no fail) gets token 0: the binding then reports
      // no completion, and nothing is stored for it.
      const token = success === undefined && fail === undefined ? 0 : this._token();
      let request;
      try {
        request = prepare(options, token);
      } catch (e) {
        if (e instanceof ArgumentError) return refuse(e.code, e.detail);
        return refuse(errors.INVALID_ARGUMENT, String(e && e.message));
      }
      if (token !== 0) this._requests.set(token, { success, fail, result: request.result });
      let rc;
      try {
        rc = this._enter(request.call);
      } catch (e) {
        rc = errors.INVALID_ARGUMENT;  // a value the binding could not convert
      }
      if (rc !== 0 && this._requests.has(token)) {
        // The engine completes a refused request before returning; this covers a binding refusal.
        this._requests.delete(token);
        refuse(rc, '');
      }
      return rc;
    }

    _token() {
      const t = this._nextToken;
      this._nextToken = t >= 0xffffffff ? 1 : t + 1;
      return t;
    }

    _emit(name, ...args) {
      const list = this._listeners.get(name);
      if (!list || list.length === 0) return;
      for (let i = 0; i < list.length; i++) {
        if (this._closed && name !== 'close') return;  // a listener closed the client: `close` was the last event
        const entry = list[i];
        if (entry.once) this._removeEntry(name, entry);
        safely(entry.listener, ...args);
      }
    }

    _enter(fn) {
      if (this._released || !this._raw) return errors.CLOSED;
      this._depth++;
      try {
        return fn(this._raw);
      } finally {
        this._depth--;
        if (this._depth === 0 && this._closed) this._release();
      }
    }

    // Every packet the engine sent since the last flush, as one WebSocket frame (or one TCP
    // write).
    _flush() {
      this._flushQueued = false;
      const raw = this._raw;
      if (!raw) return;
      const frame = raw.output();
      if (frame.length === 0 || !this._transport) return;
      this._transport.send(frame);
    }

    _closeTransport() {
      const t = this._transport;
      this._transport = null;
      this._generation++;
      if (t) t.close();
    }

    // Frees the wasm object and every JavaScript handle; idempotent; deferred while the engine
    // is on the stack (a close from inside a callback).
    _release() {
      if (this._released || this._depth > 0) return;
      this._released = true;
      this._closed = true;
      this._flush();
      this._closeTransport();
      this._timer.clear();
      this._timer.dispose();
      this._listeners.clear();
      this._requests.clear();
      this._peer.client = null;
      const raw = this._raw;
      this._raw = null;
      if (raw) {
        try {
          this._clientId = raw.clientId();
        } catch (e) {
          this._clientId = '';
        }
        raw.delete();
        clientsAlive--;
      }
    }
  }

  function createClient(options) {
    try {
      return createClientUnguarded(options);
    } catch (e) {
      return null;  // e.g. a throwing getter in the options: never an exception out of createClient
    }
  }

  function createClientUnguarded(options) {
    if (options === null || typeof options !== 'object') return null;
    const success = options.success;
    const fail = typeof options.fail === 'function' ? options.fail : undefined;
    const refuse = (code, detail) => {
      if (fail) safely(fail, new MqttError(code, detail));
      return null;
    };
    let normalized;
    try {
      callback(success, 'success');
      callback(options.fail, 'fail');
      normalized = clientOptions(options, platform);
    } catch (e) {
      if (e instanceof ArgumentError) return refuse(e.code, e.detail);
      return refuse(errors.INVALID_OPTIONS, String(e && e.message));
    }
    const client = new Client(normalized.tls);
    try {
      client._raw = new wasm.RawClient(client._peer, normalized.engine);
      clientsAlive++;
    } catch (e) {
      client._closed = true;
      client._release();
      return refuse(errors.INVALID_OPTIONS, String(e && e.message));
    }
    const token = client._token();
    client._requests.set(token, { success, fail });
    const rc = client._enter((raw) => raw.connect(token));
    if (rc !== 0) {
      if (client._requests.has(token)) {
        client._requests.delete(token);
        refuse(rc, '');
      }
      client._closed = true;
      client._release();
      return null;
    }
    return client;
  }

  // Resolves with the connected client, or rejects with the connection error (the client is
  // then closed: no reconnection goes on behind a rejected promise).
  function connectAsync(options) {
    return new Promise((resolve, reject) => {
      const o = options !== null && typeof options === 'object' ? options : {};
      let client = null;
      let failed = null;
      client = createClient({
        ...o,
        // `finally`: a callback that throws must not leave the promise pending (or the client open).
        success: () => {
          try {
            if (typeof o.success === 'function') o.success();
          } finally {
            resolve(client);
          }
        },
        fail: (e) => {
          try {
            if (typeof o.fail === 'function') o.fail(e);
          } finally {
            if (client) client.close();
            else failed = e;
            reject(e);
          }
        },
      });
      if (!client && !failed) reject(new MqttError(errors.INVALID_OPTIONS, 'options must be an object'));
    });
  }

  const mqtt = {
    createClient,
    connectAsync,
    errors,
    MqttError,
    errorName,
    errorMessage,
    events: EVENTS,
    // For tests and diagnostics: the wasm heap, the allocator's bytes in use, live clients.
    memory: () => ({ ...wasm.heapStats(), clients: clientsAlive }),
    // The C++ error table, as [name, value, fatal, message] rows (tests compare it with `errors`).
    errorTable: () => wasm.errorTable(),
  };
  return Object.freeze(mqtt);
}
