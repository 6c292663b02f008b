// 1,000 create/close cycles leave the wasm heap and the allocator where they were.
import { equal, ok } from './assert.mjs';
import { closeClient, wsOptions } from './util.mjs';

function cycle(mqtt, broker) {
  const client = mqtt.createClient(wsOptions(broker, { reconnect: false }));
  ok(client, 'created');
  client.on('message', () => {});
  equal(client.close(), 0);
}

export async function createCloseCycles(mqtt, broker) {
  for (let i = 0; i < 50; i++) cycle(mqtt, broker);  // warm-up: the allocator settles
  const before = mqtt.memory();
  for (let i = 0; i < 1000; i++) cycle(mqtt, broker);
  const after = mqtt.memory();
  equal(after.clients, before.clients, 'every client deleted');
  ok(after.heapSize <= before.heapSize, `wasm heap did not grow (${before.heapSize} -> ${after.heapSize})`);
  ok(after.allocated - before.allocated <= 4096, `allocated bytes ${before.allocated} -> ${after.allocated}`);
}

export async function connectedCycles(mqtt, broker) {
  // Clients that really connected, subscribed and published, then closed.
  const run = async () => {
    const client = await mqtt.connectAsync(wsOptions(broker));
    await client.subscribeAsync({ topic: 'test/memory/x', qos: 1 });
    await client.publishAsync({ topic: 'test/memory/x', message: new Uint8Array(1000).buffer, qos: 1 });
    await closeClient(client);
  };
  for (let i = 0; i < 3; i++) await run();
  const before = mqtt.memory();
  for (let i = 0; i < 20; i++) await run();
  const after = mqtt.memory();
  equal(after.clients, before.clients, 'every client deleted');
  ok(after.heapSize <= before.heapSize, `wasm heap did not grow (${before.heapSize} -> ${after.heapSize})`);
  ok(after.allocated - before.allocated <= 4096, `allocated bytes ${before.allocated} -> ${after.allocated}`);
}
