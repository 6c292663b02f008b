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

export function openWebSocket(WebSocketClass, endpoint, on, options) {
  const batch = turnBatcher();
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
      if (batch) batch.hold(ws._socket);
      ws.send(frame);
    },
    close() {
      if (done) return;
      done = true;
      if (batch) batch.release();
      try {
        ws.close();
      } catch (e) {
        /* already closing */
      }
    },
  };
}
