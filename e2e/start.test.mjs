// `npm start` as a user meets it: web/scripts/start.mjs prints the broker's and the
// playground's addresses, both answer, and Ctrl-C (SIGINT) ends it with every port freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLog, ensureWasm, waitUntil } from './helpers/servers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Resolves true when something accepts a TCP connection on 127.0.0.1:port, false when refused.
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

test('start.mjs prints working URLs, and SIGINT stops the broker and the server', { timeout: 240000 }, async () => {
  if (!process.env.PLAYGROUND_SKIP_WASM) ensureWasm({ log: buildLog });
  const child = spawn(process.execPath, [path.join(repo, 'web', 'scripts', 'start.mjs'), '--port', '0'], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => process.stderr.write(`# ${d}`));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const url = await waitUntil(() => /^playground (http:\/\/\S+)/m.exec(out)?.[1], 'the playground URL', 200000);
    const broker = /^broker\s+mqtt:\/\/127\.0\.0\.1:(\d+)\s+ws:\/\/127\.0\.0\.1:(\d+)\/mqtt/m.exec(out);
    assert.ok(broker, `the broker's addresses, in:\n${out}`);
    const [tcpPort, wsPort] = [Number(broker[1]), Number(broker[2])];
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>MQTT playground<\/title>/);
    assert.deepEqual(await (await fetch(new URL('config.json', url))).json(), { brokerWsUrl: `ws://127.0.0.1:${wsPort}/mqtt` });
    assert.equal(await accepts(tcpPort), true, 'the broker listens on TCP');
    assert.equal(await accepts(wsPort), true, 'the broker listens for WebSockets');

    child.kill('SIGINT');
    assert.deepEqual(await exited, { code: 0, signal: null });
    const httpPort = Number(new URL(url).port);
    for (const port of [httpPort, tcpPort, wsPort]) assert.equal(await accepts(port), false, `port ${port} is free`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
