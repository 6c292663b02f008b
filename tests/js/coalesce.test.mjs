// Node only: the packets the engine sends within one tick leave as one WebSocket frame, and a
// message handler's answer leaves with the PUBACK.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../fixtures/broker.mjs';
import { notBuilt, wasmDir } from './helpers/package.mjs';
import { answeredRequest, answerWrites, webSocketPayloads } from './helpers/wire.mjs';
import { closeClient, collector, request, uniqueTopic, wsOptions } from './scenarios/util.mjs';

// A QoS 1 message whose handler publishes an answer: the PUBACK and the answer leave in one write
// to the kernel, whether the handler answers at once (the engine hands both over together) or
// after awaiting other work (handed over separately, joined by the transport: it corks the
// socket for the turn). Hand-overs are the transport's socket.write (TCP) or ws.send
// (WebSocket); writes are net.Socket's _write and _writev (one writev each).
function watchWire(port, { handOver, unwrap }) {
  const socket = net.Socket.prototype;
  const originals = { _write: socket._write, _writev: socket._writev, handOver: handOver.proto[handOver.name] };
  const writes = [];
  const handedOver = [];
  return {
    writes,
    handedOver,
    start() {
      socket._write = function watched(chunk, encoding, callback) {
        if (this.remotePort === port) writes.push(unwrap(new Uint8Array(chunk)));
        return originals._write.call(this, chunk, encoding, callback);
      };
      socket._writev = function watched(chunks, callback) {
        if (this.remotePort === port) writes.push(unwrap(new Uint8Array(Buffer.concat(chunks.map((c) => c.chunk)))));
        return originals._writev.call(this, chunks, callback);
      };
      handOver.proto[handOver.name] = function watched(data, ...rest) {
        if (handOver.port(this) === port) handedOver.push(new Uint8Array(data));
        return originals.handOver.call(this, data, ...rest);
      };
    },
    stop() {
      socket._write = originals._write;
      socket._writev = originals._writev;
      handOver.proto[handOver.name] = originals.handOver;
    },
  };
}

// With Node's global WebSocket (Node 22 and later) the package does not use the ws package.
const noWsPackage = typeof globalThis.WebSocket === 'function' && 'Node has a global WebSocket: the ws package is not used (frames are joined as in a browser: the Chromium tests cover that path)';

describe('send coalescing', { skip: notBuilt }, () => {
  let mqtt;
  let broker;
  let WS;
  before(async () => {
    mqtt = (await import('../../wasm/js/node.js')).default;
    WS = createRequire(`${wasmDir}package.json`)('ws');
    broker = await startBroker();
  });
  after(async () => {
    if (broker) await broker.stop();
  });

  it('50 publishes in one tick are one frame, and each arrives', { skip: noWsPackage, timeout: 30000 }, async () => {
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.wsPort, protocol: 'ws' });
    const topic = uniqueTopic('coalesce');
    const got = collector(client);
    await request(client, 'subscribe', { topic, qos: 0 });
    const frames = [];
    const send = WS.prototype.send;
    WS.prototype.send = function counted(data, ...rest) {
      frames.push(data.byteLength);
      return send.call(this, data, ...rest);
    };
    try {
      const written = [];
      for (let i = 0; i < 50; i++) written.push(client.publishAsync({ topic, message: `m${i}`, qos: 0 }));
      await Promise.all(written);
    } finally {
      WS.prototype.send = send;
    }
    assert.equal(frames.length, 1, `frames sent: ${frames}`);
    const messages = await got.waitFor(50);
    assert.deepEqual(messages.map((m) => new TextDecoder().decode(m.payload)), Array.from({ length: 50 }, (_, i) => `m${i}`));
    await closeClient(client);
  });

  const transports = [
    {
      name: 'TCP',
      port: () => broker.tcpPort,
      options: () => ({ host: broker.host, port: broker.tcpPort }),
      handOver: () => ({ proto: net.Socket.prototype, name: 'write', port: (s) => s.remotePort }),
      unwrap: (b) => b,
    },
    {
      name: 'WebSocket',
      skip: noWsPackage,
      port: () => broker.wsPort,
      options: () => wsOptions(broker),
      handOver: () => ({ proto: WS.prototype, name: 'send', port: (ws) => ws._socket?.remotePort }),
      unwrap: webSocketPayloads,
    },
  ];
  for (const t of transports) {
    for (const deferred of [false, true]) {
      it(`a message handler's answer leaves in the PUBACK's write: ${t.name}, answered ${deferred ? 'after awaiting other work' : 'at once'}`, { skip: t.skip || false, timeout: 30000 }, async () => {
        const wire = watchWire(t.port(), { handOver: t.handOver(), unwrap: t.unwrap });
        let topic;
        try {
          topic = await answeredRequest(mqtt, t.options(), { deferred, watch: wire.start });
        } finally {
          wire.stop();
        }
        const both = ['PUBACK', `PUBLISH ${topic}`];
        assert.deepEqual(answerWrites(wire.handedOver, topic), deferred ? [[both[0]], [both[1]]] : [both], 'handed to the transport');
        assert.deepEqual(answerWrites(wire.writes, topic), [both], 'written');
      });
    }
  }
});
