// Runs every scenario (scenarios/index.mjs) in headless Chromium through Playwright: a static
// server gives the page the package's browser entry, and the page runs the same scenario
// functions as Node, over the browser's WebSocket, against a real Mosquitto.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { startBroker } from '../fixtures/broker.mjs';
import { startFaultProxy } from '../fixtures/fault_proxy.mjs';
import { scenarios } from './scenarios/index.mjs';
import { brokerView, notBuilt, repoRoot } from './helpers/package.mjs';
import { startStaticServer } from './helpers/static-server.mjs';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
let playwright = null;
try {
  playwright = await import('playwright-core');
} catch (e) {
  playwright = null;
}
const skip = notBuilt
  || (!playwright && 'playwright-core is not installed (npm ci at the repository root)')
  || (!existsSync(executablePath) && `no Chromium at ${executablePath} (set CHROMIUM_PATH)`);

describe('mqtt-wasm in Chromium (WebSocket)', { skip }, () => {
  let browser;
  let page;
  let broker;
  let proxy;
  let server;
  const pageErrors = [];
  before(async () => {
    broker = await startBroker();
    proxy = await startFaultProxy({ targetPort: broker.wsPort });
    const view = brokerView(broker, proxy);
    server = await startStaticServer(repoRoot);
    browser = await playwright.chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The page's broker view calls these by name (see helpers/page.html).
    await page.exposeFunction('brokerControl', async (what) => {
      if (['stop', 'start', 'restart', 'pause', 'resume', 'cutProxy'].includes(what)) await view[what]();
    });
    await page.goto(`${server.origin}/tests/js/helpers/page.html`);
    await page.waitForFunction(() => window.scenariosReady === true);
  });
  after(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    if (proxy) await proxy.close();
    if (broker) await broker.stop();
  });
  it('the bundle works inside a module Worker (as the playground runs it)', { timeout: 60000 }, async () => {
    const result = await page.evaluate(async ([origin, port]) => {
      const source = `
        import mqtt from '${origin}/wasm/dist/mqtt.browser.js';
        const client = await mqtt.connectAsync({ host: '127.0.0.1', port: ${port} });
        const got = new Promise((resolve) => client.once('message', (t, m) => resolve(new TextDecoder().decode(m))));
        await client.subscribeAsync({ topic: 'worker/test', qos: 1 });
        await client.publishAsync({ topic: 'worker/test', message: 'from a worker', qos: 1 });
        const text = await got;
        await client.closeAsync();
        postMessage(text);`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      try {
        return await new Promise((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message || 'worker error'));
        });
      } finally {
        worker.terminate();
      }
    }, [server.origin, broker.wsPort]);
    if (result !== 'from a worker') throw new Error(`worker said ${result}`);
  });

  // The browser's WebSocket cannot be corked: what one task sends is joined into one frame. A QoS
  // 1 message whose handler answers (at once, or after awaiting other work, when the engine has
  // already handed its PUBACK over): the PUBACK and the answer leave in one frame.
  for (const deferred of [false, true]) {
    it(`a message handler's answer leaves in the PUBACK's frame (answered ${deferred ? 'after awaiting other work' : 'at once'})`, { timeout: 60000 }, async () => {
      const { topic, frames } = await page.evaluate(async ([options, later]) => {
        const { answeredRequest, answerWrites } = await import('/tests/js/helpers/wire.mjs');
        const sent = [];
        const send = WebSocket.prototype.send;
        const watch = () => {
          WebSocket.prototype.send = function watched(data) {
            sent.push(data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data));
            return send.call(this, data);
          };
        };
        try {
          const answer = await answeredRequest(window.mqtt, options, { deferred: later, watch });
          return { topic: answer, frames: answerWrites(sent, answer) };
        } finally {
          WebSocket.prototype.send = send;
        }
      }, [{ host: broker.host, port: broker.wsPort, protocol: 'ws', path: '/mqtt' }, deferred]);
      assert.deepEqual(frames, [['PUBACK', `PUBLISH ${topic}`]]);
    });
  }

  // Chromium constructs a blob: Worker that its Content-Security-Policy refuses and reports the
  // refusal later, with an error event: the wake-ups armed meanwhile must still come (here the
  // connect timeout against a broker that answers nothing).
  it('under a policy refusing blob: workers the timers fall back to setTimeout', { timeout: 60000 }, async () => {
    const csp = await browser.newPage();
    const errors = [];
    csp.on('pageerror', (e) => errors.push(e.message));
    try {
      await csp.goto(`${server.origin}/tests/js/helpers/page.html?csp=${encodeURIComponent("worker-src 'self'")}`);
      await csp.waitForFunction(() => window.scenariosReady === true);
      await broker.pause();
      const outcome = await csp.evaluate((port) => new Promise((resolve) => {
        const { createClient, errors: E } = window.mqtt;
        createClient({
          host: '127.0.0.1', port, protocol: 'ws', path: '/mqtt', connectTimeout: 500, reconnect: false,
          success: () => resolve('connected'),
          fail: (e) => resolve(e.code === E.CONNECT_TIMEOUT ? 'connect timeout' : `fail ${e.code}`),
        });
        // Not a measurement: ends the wait (the broker must be resumed) if no wake-up ever comes.
        setTimeout(() => resolve('no wake-up in 15 s'), 15000);
      }), broker.wsPort);
      assert.equal(outcome, 'connect timeout');
      assert.deepEqual(errors, []);
    } finally {
      await broker.resume();
      await csp.close();
    }
  });

  for (const name of Object.keys(scenarios)) {
    it(name, { timeout: 120000 }, async () => {
      const info = { host: broker.host, tcpPort: broker.tcpPort, wsPort: broker.wsPort, wsProxyPort: proxy.port };
      await page.evaluate(([n, i]) => window.runScenario(n, i), [name, info]);
      if (pageErrors.length) throw new Error(`uncaught in the page: ${pageErrors.splice(0).join('; ')}`);
    });
  }
});
