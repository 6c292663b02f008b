// The browser (and Web Worker) entry of `mqtt-wasm`: MQTT over WebSocket only, since a page
// cannot open TCP connections; `protocol` defaults to 'ws'. The wasm module is instantiated by
// top-level await, so `import mqtt from 'mqtt-wasm'` resolves with the module ready.
import createMqttWasm from '../dist/mqtt_wasm.mjs';
import { createMqtt } from './client.js';
import { openWebSocket } from './websocket.js';
import { createTimerSource } from './timer.js';
import { errors as E } from './errors.js';

const wasm = await createMqttWasm({ url: new URL('../dist/mqtt_wasm.wasm', import.meta.url) });

const timers = createTimerSource();

const platform = {
  name: 'browser',
  tcp: false,
  now: () => Math.floor(performance.now()),
  random: () => crypto.getRandomValues(new Uint32Array(1))[0],
  timer: (fire) => timers.create(fire),
  open(endpoint, on) {
    if (endpoint.scheme !== 'ws' && endpoint.scheme !== 'wss') {
      queueMicrotask(() => on.closed(E.NOT_SUPPORTED));
      return { send() {}, close() {} };
    }
    return openWebSocket(WebSocket, endpoint, on);
  },
};

const mqtt = createMqtt(wasm, platform);
export default mqtt;
export const { createClient, connectAsync, errors, MqttError } = mqtt;
