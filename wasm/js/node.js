// The Node entry of `mqtt-wasm`: MQTT over TCP (`net`), TLS (`tls`) and WebSocket (Node's global
// WebSocket where there is one, else the `ws` package). The .wasm is read from disk and handed
// to the loader (dist/mqtt_wasm.mjs, built from js/binding.js) as its bytes.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import WS from 'ws';
import createMqttWasm from '../dist/mqtt_wasm.mjs';
import { createMqtt } from './client.js';
import { openWebSocket, turnBatcher } from './websocket.js';
import { plainTimer } from './timer.js';
import { errors as E } from './errors.js';

// Synchronous (a 50 KB module compiles in milliseconds): no top-level await, so that CommonJS can
// require() this entry where Node allows requiring an ES module (20.19+, 22.12+).
const wasm = createMqttWasm({ wasmBinary: readFileSync(new URL('../dist/mqtt_wasm.wasm', import.meta.url)), sync: true });

const WebSocketClass = typeof globalThis.WebSocket === 'function' ? globalThis.WebSocket : WS;

const TLS_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE',
]);

function connectError(err, secure) {
  const code = err && err.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return E.DNS_FAILED;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return E.TLS_HOSTNAME_MISMATCH;
  if (TLS_CERTIFICATE_CODES.has(code)) return E.TLS_CERTIFICATE_INVALID;
  if (secure && err && !String(code || '').startsWith('E')) return E.TLS_FAILED;
  return E.CONNECT_FAILED;
}

// TLS options (Node only): { ca, cert, key, rejectUnauthorized (or verify), servername }.
function tlsOptions(t, host) {
  const o = { servername: net.isIP(host) ? undefined : host };
  if (!t) return o;
  if (t.ca !== undefined) o.ca = t.ca;
  if (t.cert !== undefined) o.cert = t.cert;
  if (t.key !== undefined) o.key = t.key;
  if (t.servername !== undefined) o.servername = t.servername;
  if (t.rejectUnauthorized !== undefined) o.rejectUnauthorized = t.rejectUnauthorized;
  if (t.verify !== undefined) o.rejectUnauthorized = t.verify;
  return o;
}

function openSocket(endpoint, on) {
  const secure = endpoint.scheme === 'mqtts';
  let done = false;
  let opened = false;
  let lastError = null;
  const end = (code) => {
    if (done) return;
    done = true;
    on.closed(code);
  };
  const batch = turnBatcher();
  const socket = secure
    ? tls.connect({ host: endpoint.host, port: endpoint.port, ...tlsOptions(endpoint.tls, endpoint.host) })
    : net.connect({ host: endpoint.host, port: endpoint.port });
  socket.setNoDelay(true);
  socket.on(secure ? 'secureConnect' : 'connect', () => {
    if (done) return;
    opened = true;
    on.open();
  });
  socket.on('data', (chunk) => {
    if (!done) on.data(chunk);
  });
  socket.on('error', (err) => {
    lastError = err;
  });
  socket.on('close', () => end(opened ? E.CONNECTION_LOST : connectError(lastError, secure)));
  return {
    send(frame) {
      if (done || !opened) return;
      batch.hold(socket);  // what this turn sends leaves in one write
      socket.write(frame);
    },
    close() {
      if (done) return;
      done = true;
      batch.release();
      if (opened) {
        socket.end();  // what was written (DISCONNECT) goes first
        setTimeout(() => socket.destroy(), 1000).unref();
      } else {
        socket.destroy();
      }
    },
  };
}

const platform = {
  name: 'node',
  tcp: true,
  now: () => Math.floor(performance.now()),
  random: () => randomBytes(4).readUInt32LE(0),
  timer: plainTimer,  // Node does not throttle timers
  // Node's global WebSocket (Node 22 and later) takes no TLS options: with `tls`, wss uses `ws`.
  open(endpoint, on) {
    if (endpoint.scheme === 'ws' || endpoint.scheme === 'wss') {
      const wss = endpoint.scheme === 'wss';
      const Class = wss && endpoint.tls !== undefined ? WS : WebSocketClass;
      return openWebSocket(Class, endpoint, on, Class === WS && wss ? tlsOptions(endpoint.tls, endpoint.host) : undefined);
    }
    return openSocket(endpoint, on);
  },
  // Certificates and keys Node cannot use are an invalid `tls` option of createClient, not an
  // exception when the engine opens a connection.
  checkTls(t) {
    if (t.servername !== undefined && typeof t.servername !== 'string') throw new TypeError("'servername' must be a String");
    tls.createSecureContext(tlsOptions(t, ''));
  },
};

const mqtt = createMqtt(wasm, platform);
export default mqtt;
export const { createClient, connectAsync, errors, MqttError } = mqtt;
