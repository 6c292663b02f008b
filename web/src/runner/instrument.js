// Wraps the real mqtt module for the playground: every host:port is routed to a WebSocket
// endpoint, and each client's state, messages and subscriptions are reported to the page.
// The script gets the real clients' behaviour; the wrapper only observes and re-addresses.

import { describeTarget, resolveRoute } from './routing.js';
import { describeError, formatValue, scriptLocation } from './format.js';

const encoder = new TextEncoder();

function toBytes(message) {
  if (message === undefined || message === null) return new Uint8Array(0);
  if (typeof message === 'string') return encoder.encode(message);
  if (message instanceof ArrayBuffer) return new Uint8Array(message.slice(0));
  if (ArrayBuffer.isView(message)) return new Uint8Array(message.buffer.slice(message.byteOffset, message.byteOffset + message.byteLength));
  return encoder.encode(String(message));
}

const DEFAULT_PORTS = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

// host and port of an mqtt://, mqtts://, ws:// or wss:// address (undefined host if unparsable).
function addressOf(url) {
  try {
    const u = new URL(String(url));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { host, port: u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol] ?? 1883 };
  } catch {
    return { host: undefined, port: undefined };
  }
}

// A value the script passed, as something the page can be sent (a worker can post no
// functions, and some objects have no string form).
function printable(value) {
  return typeof value === 'string' || typeof value === 'number' || value === undefined ? value : formatValue(value, 1);
}

// The line of the script that called into the module (the first app.js frame of a stack
// taken now), or undefined outside a script.
function callerLine() {
  return scriptLocation(new Error())?.line;
}

// report(event) sends one event to the page; guard(fn, where) runs user code and reports
// what it throws with its line.
export function instrumentMqtt(realMqtt, { rules, report, guard }) {
  const clients = new Set();
  let seq = 0;
  const module = Object.create(null);
  for (const key of Object.keys(realMqtt)) module[key] = realMqtt[key];

  module.createClient = function createClient(options) {
    const id = `c${++seq}`;
    const line = callerLine();
    if (!options || typeof options !== 'object') {
      report({ type: 'client', id, label: '(invalid options)', state: 'failed', error: 'createClient needs an options object', line });
      return realMqtt.createClient(options);
    }
    // Where the script wants to go: host/port, or a url (and failover servers).
    const addresses = [];
    if (typeof options.url === 'string') addresses.push(addressOf(options.url));
    // A host that is not a String is left to the client, which refuses it and says why.
    else if (typeof options.host === 'string') addresses.push({ host: options.host, port: printable(options.port) });
    if (Array.isArray(options.servers)) for (const u of options.servers) addresses.push(addressOf(u));
    const routes = addresses.map((a) => ({ from: describeTarget(a.host, a.port), to: a.host === undefined ? null : resolveRoute(rules, a.host, a.port) }));
    const from = routes.map((r) => r.from).join(', ') || undefined;
    const unrouted = routes.find((r) => !r.to);
    const to = routes.length && !unrouted ? routes.map((r) => r.to).join(', ') : null;
    const label = options.clientId === undefined || options.clientId === '' ? '(generated id)' : printable(options.clientId);
    const routed = { ...options };
    if (to) {
      // The endpoint replaces the TCP address (and any protocol/path the script named).
      delete routed.host;
      delete routed.port;
      delete routed.protocol;
      delete routed.path;
      const hasPrimary = typeof options.url === 'string' || options.host !== undefined;
      delete routed.url;
      if (hasPrimary) routed.url = routes[0].to;
      if (Array.isArray(options.servers)) routed.servers = routes.slice(hasPrimary ? 1 : 0).map((r) => r.to);
    }
    // Failures name the line that created the client.
    const info = { type: 'client', id, label, from, to, line };
    let state = 'connecting';
    const setState = (next, extra = {}) => {
      state = next;
      report({ ...info, state: next, ...extra });
    };
    if (unrouted) {
      // Never connect to the script's own address: a page cannot open TCP, and the playground
      // reaches only the endpoints its routes name. Creation fails as the contract says:
      // null, and `fail` with the reason.
      const message = `no route for ${unrouted.from}: add one under Routing`;
      setState('failed', { error: message });
      if (typeof options.fail === 'function') {
        const err = Object.assign(new Error(message), { name: 'MqttError', code: -1, codeName: 'NO_ROUTE' });
        Promise.resolve().then(() => guard(() => options.fail(err), 'fail callback'));
      }
      return null;
    }
    setState('connecting');

    const userSuccess = options.success;
    const userFail = options.fail;
    routed.success = (...args) => {
      if (state === 'connecting') setState('connected');
      if (typeof userSuccess === 'function') guard(() => userSuccess(...args), 'success callback');
    };
    let creating = true;  // a fail during createClient itself: the options were refused
    routed.fail = (err, ...rest) => {
      setState('failed', { error: describeError(err), refused: creating });
      if (typeof userFail === 'function') guard(() => userFail(err, ...rest), 'fail callback');
    };

    let real;
    try {
      real = realMqtt.createClient(routed);
    } catch (err) {
      setState('failed', { error: describeError(err), refused: true });
      throw err;
    }
    creating = false;
    if (!real) {
      if (state !== 'failed') setState('failed', { error: 'createClient returned null' });
      return null;
    }

    const handle = { real, close: null, closed: false, closedPromise: null };
    let resolveClosed;
    handle.closedPromise = new Promise((r) => { resolveClosed = r; });
    clients.add(handle);

    real.on('connect', () => { if (state !== 'connected') setState('connected'); });
    real.on('reconnect', () => setState('connected', { reconnected: true }));
    real.on('disconnect', (reason) => setState('disconnected', { error: reason === undefined ? undefined : describeError(reason) }));
    // A request refused at once emits 'error' during the call: it names the request and its line.
    let making = null;
    real.on('error', (err) => {
      report({ ...info, type: 'client-error', error: describeError(err), request: making?.what, line: making?.line });
      if (making) making.said = true;
    });
    real.on('close', () => {
      handle.closed = true;
      if (state === 'failed') report({ ...info, state: 'failed', closed: true });
      else setState('closed');
      clients.delete(handle);
      resolveClosed();
    });
    real.on('message', (topic, message, meta) => {
      const payload = toBytes(message);
      report({
        type: 'msg', dir: 'in', client: id, label, topic, payload,
        qos: meta?.qos ?? null, retain: !!meta?.retain, t: Date.now(),
      }, [payload.buffer]);
    });

    // Listener wrappers, so that off() finds the wrapper of a user's function.
    const wrappers = new Map();
    const wrapListener = (event, fn) => {
      if (typeof fn !== 'function') return fn;
      let byEvent = wrappers.get(fn);
      if (!byEvent) wrappers.set(fn, (byEvent = new Map()));
      if (!byEvent.has(event)) byEvent.set(event, (...args) => guard(() => fn(...args), `'${event}' listener`));
      return byEvent.get(event);
    };
    const wrapCallbacks = (opts, what) => {
      if (!opts || typeof opts !== 'object') return opts;
      const copy = { ...opts };
      for (const key of ['success', 'fail']) {
        if (typeof opts[key] === 'function') copy[key] = (...args) => guard(() => opts[key](...args), `${what} ${key} callback`);
      }
      return copy;
    };
    // Makes a request. One the client refuses at once (a wrong argument, a closed client)
    // returns non-zero; the console says why, with the line of the call, from the client's
    // 'error' event, or here when there was none (a closed client emits nothing).
    const request = (what, opts, prepare) => {
      const outer = making;  // a request made from a callback of another
      const call = { what, line: callerLine(), said: false };
      making = call;
      let rc;
      try {
        rc = real[what](prepare(wrapCallbacks(opts, what)));
      } finally {
        making = outer;
      }
      if (rc !== 0 && !call.said) {
        const reason = realMqtt.errorMessage?.(rc) ?? `error ${rc}`;
        report({ ...info, type: 'client-error', error: reason, request: what, line: call.line });
      }
      return rc;
    };

    const client = {
      publish(opts) {
        const rc = request('publish', opts, (wrapped) => wrapped);
        if (rc === 0 && opts) {
          const payload = toBytes(opts.message);
          report({
            type: 'msg', dir: 'out', client: id, label, topic: String(opts.topic), payload,
            qos: opts.qos ?? 0, retain: !!opts.retain, t: Date.now(),
          }, [payload.buffer]);
        }
        return rc;
      },
      subscribe(opts) {
        const topic = printable(opts?.topic);
        const rc = request('subscribe', opts, (wrapped) => {
          if (!wrapped || typeof wrapped !== 'object') return wrapped;
          const success = wrapped.success;
          const fail = wrapped.fail;
          wrapped.success = (...args) => {
            const granted = typeof args[0] === 'number' ? args[0] : args[0]?.qos ?? opts.qos ?? 0;
            report({ type: 'sub', client: id, label, topic, qos: granted, state: 'granted' });
            if (success) success(...args);
          };
          wrapped.fail = (...args) => {
            report({ type: 'sub', client: id, label, topic, qos: printable(opts.qos ?? 0), state: 'refused', error: describeError(args[0]) });
            if (fail) fail(...args);
          };
          return wrapped;
        });
        if (rc === 0) report({ type: 'sub', client: id, label, topic, qos: opts.qos ?? 0, state: 'pending' });
        return rc;
      },
      unsubscribe(opts) {
        const rc = request('unsubscribe', opts, (wrapped) => wrapped);
        if (rc === 0) report({ type: 'sub', client: id, label, topic: printable(opts?.topic), state: 'removed' });
        return rc;
      },
      close() {
        return real.close();
      },
      on(event, fn) {
        const r = real.on(event, wrapListener(event, fn));
        return r === real ? client : r;
      },
      once(event, fn) {
        const r = (real.once ? real.once(event, wrapListener(event, fn)) : real.on(event, wrapListener(event, fn)));
        return r === real ? client : r;
      },
      off(event, fn) {
        const byEvent = wrappers.get(fn);
        const r = real.off ? real.off(event, byEvent?.get(event) ?? fn) : undefined;
        return r === real ? client : r;
      },
    };
    client.addListener = client.on;
    client.removeListener = client.off;
    // Anything else the package offers (extensions) stays reachable.
    return new Proxy(client, {
      get(target, prop) {
        if (prop in target) return target[prop];
        const v = real[prop];
        return typeof v === 'function' ? v.bind(real) : v;
      },
    });
  };

  // The package's connectAsync, over the routed and watched createClient above (the package's
  // own would connect to the script's address as is, unseen and left open by Stop).
  module.connectAsync = function connectAsync(options) {
    return new Promise((resolve, reject) => {
      const o = options !== null && typeof options === 'object' ? options : null;
      let client = null;
      client = module.createClient(o && {
        ...o,
        success: (...args) => {
          resolve(client);
          if (typeof o.success === 'function') o.success(...args);
        },
        fail: (err, ...args) => {
          if (client) client.close();
          reject(err);
          if (typeof o.fail === 'function') o.fail(err, ...args);
        },
      });
      if (!o) reject(new TypeError('connectAsync needs an options object'));
    });
  };

  // Closes every client the script made and resolves when each has emitted 'close'
  // (or after timeoutMs).
  async function closeAll(timeoutMs) {
    const pending = [...clients].filter((h) => !h.closed);
    for (const h of pending) {
      try { h.real.close(); } catch { /* already closing */ }
    }
    await Promise.race([
      Promise.all(pending.map((h) => h.closedPromise)),
      new Promise((r) => setTimeout(r, timeoutMs)),
    ]);
    return pending.length;
  }

  return { module, closeAll };
}
