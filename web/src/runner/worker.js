// The sandbox that runs a user's script: a module Worker (no DOM, no page storage, its own
// thread, so an endless loop cannot freeze the page and terminate() always ends it).
//
// Page -> worker: {type:'run', code, routes} | {type:'stop'} | {type:'ping', n}
// Worker -> page: batches of events {type:'events', events:[...]} (see outbox.js), {type:'pong', n},
//                 {type:'stopped', clients} after a graceful stop.

import { formatArgs, scriptLocation, describeError } from './format.js';
import { parseRoutes } from './routing.js';
import { instrumentMqtt } from './instrument.js';
import { createNetworkModule } from './network-shim.js';
import { createOutbox } from './outbox.js';

const post = self.postMessage.bind(self);
const nativeSetTimeout = self.setTimeout.bind(self);
const nativeClearTimeout = self.clearTimeout.bind(self);
const nativeSetInterval = self.setInterval.bind(self);
const nativeClearInterval = self.clearInterval.bind(self);

const { report, flush } = createOutbox({ post, setTimer: nativeSetTimeout });

function reportError(error, where) {
  const loc = scriptLocation(error);
  report({
    type: 'console', level: 'error',
    text: `${where ? `Uncaught in ${where}: ` : 'Uncaught '}${describeError(error)}${loc ? ` (app.js line ${loc.line})` : ''}`,
    line: loc?.line,
  });
}

function guard(fn, where) {
  try {
    return fn();
  } catch (err) {
    reportError(err, where);
    return undefined;
  }
}

// console.* of the script, sent to the page's console panel.
const userConsole = {};
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  userConsole[level] = (...args) => report({ type: 'console', level: level === 'trace' ? 'debug' : level, text: formatArgs(args) });
}
userConsole.dir = (v) => userConsole.log(v);
userConsole.table = (v) => userConsole.log(v);
userConsole.assert = (cond, ...args) => { if (!cond) userConsole.error('Assertion failed:', ...args); };
userConsole.time = () => {};
userConsole.timeEnd = () => {};
userConsole.group = userConsole.log;
userConsole.groupEnd = () => {};

// Timers the script starts, so Stop can clear them before closing the clients.
const timers = new Set();
const intervals = new Set();
const userTimers = {
  setTimeout(fn, ms, ...args) {
    const id = nativeSetTimeout(() => {
      timers.delete(id);
      if (typeof fn === 'function') guard(() => fn(...args), 'setTimeout callback');
    }, ms);
    timers.add(id);
    return id;
  },
  clearTimeout(id) { timers.delete(id); nativeClearTimeout(id); },
  setInterval(fn, ms, ...args) {
    const id = nativeSetInterval(() => {
      if (typeof fn === 'function') guard(() => fn(...args), 'setInterval callback');
    }, ms);
    intervals.add(id);
    return id;
  },
  clearInterval(id) { intervals.delete(id); nativeClearInterval(id); },
};
function clearUserTimers() {
  for (const id of timers) nativeClearTimeout(id);
  for (const id of intervals) nativeClearInterval(id);
  timers.clear();
  intervals.clear();
}

// What the script must not reach: the origin's storage, other contexts, network APIs other
// than WebSocket (the client needs it). Removed after the WebAssembly module is loaded.
const HIDDEN_GLOBALS = [
  'fetch', 'XMLHttpRequest', 'importScripts', 'indexedDB', 'caches', 'cookieStore', 'Worker', 'SharedWorker',
  'BroadcastChannel', 'EventSource', 'WebTransport', 'postMessage', 'onmessage', 'Request', 'Response',
  'webkitRequestFileSystem', 'webkitRequestFileSystemSync', 'webkitResolveLocalFileSystemURL',
  'webkitResolveLocalFileSystemSyncURL',
];
// Origin-wide state reachable through the navigator: the site's file storage, storage buckets
// (each has its own indexedDB and caches), Web Locks, service workers, and the USB, HID and
// serial devices a user may have granted the origin.
const HIDDEN_NAVIGATOR = ['storage', 'storageBuckets', 'locks', 'serviceWorker', 'usb', 'hid', 'serial'];

// Deletes each name along the whole prototype chain: a getter left on a prototype (e.g.
// WorkerNavigator.prototype.storage) would still answer.
function hide(object, names) {
  for (const name of names) {
    for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && d.configurable) delete o[name];
    }
  }
}

function lockDown() {
  hide(self.navigator, HIDDEN_NAVIGATOR);
  hide(self, HIDDEN_GLOBALS);
}

let stopping = false;
let instrumented = null;

async function run({ code, routes }) {
  let realMqtt;
  try {
    // Imported here, not at the top: the package instantiates WebAssembly with a top-level
    // await, and the worker must answer the page (ping, stop) while that happens.
    const { loadMqtt } = await import('./load-mqtt.js');
    realMqtt = await loadMqtt();
  } catch (err) {
    report({ type: 'console', level: 'error', text: `could not load the mqtt WebAssembly module: ${describeError(err)}` });
    report({ type: 'state', state: 'crashed' });
    return;
  }
  lockDown();
  const { rules, errors } = parseRoutes(routes);
  for (const e of errors) report({ type: 'console', level: 'warn', text: `routing line ${e.line}: ${e.message}` });
  instrumented = instrumentMqtt(realMqtt, { rules, report, guard });
  const network = createNetworkModule({ schedule: (fn) => userTimers.setTimeout(fn, 0) });
  const modules = { mqtt: instrumented.module, network };
  const require = (name) => {
    if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
    throw new Error(`module '${name}' is not available in the playground (available: ${Object.keys(modules).join(', ')})`);
  };
  const module = { exports: {} };
  // The script's timers are its own parameters (tracked, cleared by Stop); the global ones stay
  // native for the WebAssembly client's own timers.
  self.console = userConsole;

  let fn;
  try {
    fn = new Function('require', 'module', 'exports', 'console', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
      `${code}\n//# sourceURL=app.js`);
  } catch (err) {
    report({ type: 'console', level: 'error', text: describeError(err) });
    report({ type: 'state', state: 'crashed' });
    return;
  }
  report({ type: 'state', state: 'running' });
  flush();
  guard(() => fn.call(module.exports, require, module, module.exports, userConsole,
    userTimers.setTimeout, userTimers.setInterval, userTimers.clearTimeout, userTimers.clearInterval), null);
}

async function stop() {
  if (stopping) return;
  stopping = true;
  clearUserTimers();
  const closed = instrumented ? await instrumented.closeAll(1000) : 0;
  flush();
  post({ type: 'stopped', clients: closed });
}

self.addEventListener('error', (e) => {
  e.preventDefault();
  reportError(e.error ?? e.message, null);
});
self.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  reportError(e.reason, 'promise');
});

self.addEventListener('message', (e) => {
  const msg = e.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'ping') post({ type: 'pong', n: msg.n });
  else if (msg.type === 'run') run(msg);
  else if (msg.type === 'stop') stop();
});

post({ type: 'hello' });
