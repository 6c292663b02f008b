// MQTT over WebSocket (subprotocol "mqtt", binary frames), for any WebSocket class with the
// browser's interface (the browser's own, Node's global one, or the `ws` package).
//
// A transport reports through `on`: open() once connected, data(Uint8Array) for each frame,
// closed(code) once when the connection fails or ends. Reports always come from a later task,
// and none comes after close().
import { errors } from './errors.js';

export function endpointUrl({ scheme, host, port, path }) {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const p = path && path.startsWith('/') ? path : `/${path || ''}`;
  return `${scheme}://${h}:${port}${p}`;
}

// Node: holds a socket's writes until the check phase of this event-loop turn (setImmediate), so
// what one turn sends (the PUBACK for a message, then the publish its handler answers with)
// leaves in one TCP write. Mosquitto 2.0's WebSocket listener answers at once only what its first
// read of a wake-up got: a frame that arrives a moment later waits for its next wake-up, up to
// 100 ms. It also spares a syscall per extra send. Null where there is no setImmediate.
export function turnBatcher() {
  if (typeof setImmediate !== 'function') return null;
  let held = null;
  const release = () => {
    const socket = held;
    held = null;
    if (socket) socket.uncork();
  };
  return {
    hold(socket) {
      if (held || !socket || typeof socket.cork !== 'function') return;
      held = socket;
      socket.cork();
      setImmediate(release);
    },
    release,
  };
}

// Runs fn after the current task and its microtasks: setImmediate (Node), else a MessageChannel
// message (a browser); false where there is neither.
let channel = null;
function later(fn) {
  if (typeof setImmediate === 'function') {
    setImmediate(fn);
    return true;
  }
  if (!channel) {
    if (typeof MessageChannel !== 'function') return false;
    const { port1, port2 } = new MessageChannel();
    channel = { queue: [], port: port2 };
    port1.onmessage = () => channel.queue.shift()();
  }
  channel.queue.push(fn);
  channel.port.postMessage(0);
  return true;
}

function joined(frames) {
  let size = 0;
  for (const f of frames) size += f.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

export function openWebSocket(WebSocketClass, endpoint, on, options) {
  const batch = turnBatcher();
  // Where the socket cannot be held (a browser's WebSocket, Node's global one): the frames of one
  // task are joined into one, sent right after the task (MQTT packets need not align with
  // WebSocket frames). In Chromium this took the QoS 1 round trip's p99 from 101 ms to 9-13 ms.
  let pending = [];
  const sendPending = () => {
    const frames = pending;
    pending = [];
    if (frames.length && ws.readyState === 1) ws.send(frames.length === 1 ? frames[0] : joined(frames));
  };
  let done = false;
  let opened = false;
  const end = (code) => {
    if (done) return;
    done = true;
    on.closed(code);
  };
  let ws;
  try {
    ws = options === undefined
      ? new WebSocketClass(endpointUrl(endpoint), 'mqtt')
      : new WebSocketClass(endpointUrl(endpoint), 'mqtt', options);
    ws.binaryType = 'arraybuffer';
  } catch (e) {
    queueMicrotask(() => end(errors.WEBSOCKET_FAILED));
    return { send() {}, close() { done = true; } };
  }
  // The handlers stay attached after close(): `done` silences them (the `ws` package throws on an
  // 'error' event that nobody listens to).
  ws.onopen = () => {
    if (done) return;
    opened = true;
    on.open();
  };
  ws.onmessage = (event) => {
    if (done) return;
    const data = event.data;
    if (typeof data === 'string') {
      // MQTT over WebSocket uses binary frames only [MQTT-6.0.0-1].
      try { ws.close(); } catch (e) { /* closing anyway */ }
      end(errors.PROTOCOL_ERROR);
      return;
    }
    on.data(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  ws.onerror = () => {};  // onclose follows and reports
  ws.onclose = () => end(opened ? errors.CONNECTION_LOST : errors.WEBSOCKET_FAILED);
  return {
    send(frame) {
      if (done || ws.readyState !== 1) return;
      // The `ws` package's socket (Node); a browser's WebSocket has none.
      const socket = ws._socket;
      if (batch && socket && typeof socket.cork === 'function') {
        batch.hold(socket);
        ws.send(frame);
        return;
      }
      pending.push(frame);
      if (pending.length === 1 && !later(sendPending)) sendPending();
    },
    close() {
      if (done) return;
      done = true;
      if (batch) batch.release();
      sendPending();  // what was sent last (DISCONNECT) goes before the close
      try {
        ws.close();
      } catch (e) {
        /* already closing */
      }
    },
  };
}
