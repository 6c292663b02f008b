// A client in a hidden tab keeps its connection: the package arms its wake-ups in a Worker
// (wasm/js/timer.js) because Chromium throttles a hidden page's own timers, after a grace period
// to one wake-up a minute, which would starve the keep-alive (Mosquitto drops a client that sends
// nothing for 1.5 x keep-alive). Chromium keeps its background throttling here, with the grace
// period cut to one second; the page is really hidden (document.visibilityState), and the broker's
// log shows the PINGREQs it gets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, openHideableTab } from './helpers/browser.mjs';
import { buildLog, ensureWasm, startLoggedBroker, waitUntil } from './helpers/servers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startStaticServer } = await import(pathToFileURL(path.join(repo, 'tests/js/helpers/static-server.mjs')).href);

const KEEPALIVE_S = 2;
const PINGS = 8;  // keep-alive periods the hidden client must get through

describe('a hidden tab', () => {
  let browser;
  let logged;
  let broker;
  let server;
  const brokerLog = () => logged.log();
  before(async () => {
    if (!process.env.PLAYGROUND_SKIP_WASM) await ensureWasm({ log: buildLog });
    logged = await startLoggedBroker({ verbose: true });  // every packet, PINGREQs included
    broker = logged.broker;
    server = await startStaticServer(repo);
    browser = await launchBrowser({ backgroundThrottling: true, graceSeconds: 1 });
  });
  after(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    if (logged) await logged.stop();
  });

  // Connects a client with a 2 s keep-alive in a tab, hides the tab, and waits until the broker
  // has had PINGS PINGREQs from it or has dropped it. Returns what happened.
  async function hiddenClient(query) {
    const tab = await openHideableTab(browser, `${server.origin}/tests/js/helpers/page.html${query}`);
    try {
      await waitUntil(() => tab.evaluate('window.scenariosReady === true').catch(() => false), 'the page to load', 60000);
      const clientId = `hidden-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      await tab.evaluate(`new Promise((resolve, reject) => {
        window.seen = [];
        document.addEventListener('visibilitychange', () => seen.push('visibility ' + document.visibilityState));
        const client = mqtt.createClient({
          host: ${JSON.stringify(broker.host)}, port: ${broker.wsPort}, protocol: 'ws', path: '/mqtt',
          clientId: ${JSON.stringify(clientId)}, keepalive_interval: ${KEEPALIVE_S},
          success: resolve, fail: (e) => reject(new Error(e.message)),
        });
        for (const name of ['disconnect', 'reconnect', 'close', 'error']) client.on(name, () => seen.push(name));
        window.client = client;
      })`);
      await tab.hide();
      assert.equal(await tab.evaluate('document.visibilityState'), 'hidden');
      const pings = () => brokerLog().split('\n').filter((l) => l.includes(`Received PINGREQ from ${clientId}`)).length;
      // Mosquitto's words for a client it drops, or that goes.
      const gone = () => new RegExp(`Client ${clientId} (has exceeded timeout|closed its connection|disconnected)`).test(brokerLog());
      await waitUntil(() => pings() >= PINGS || gone(), `${PINGS} PINGREQs or the client dropped`, (PINGS + 4) * KEEPALIVE_S * 1000 + 60000);
      const result = {
        pings: pings(),
        dropped: gone(),
        visibility: await tab.evaluate('document.visibilityState'),
        seen: await tab.evaluate('seen'),
        state: await tab.evaluate('client.state'),
      };
      await tab.show();
      await tab.evaluate('new Promise((resolve) => { client.once("close", resolve); client.close(); })');
      return result;
    } finally {
      await tab.close();
    }
  }

  test(`keeps its client connected across ${PINGS} keep-alive periods (wake-ups in a Worker)`, { timeout: 120000 }, async (t) => {
    const r = await hiddenClient('');
    t.diagnostic(`PINGREQs at the broker: ${r.pings}; page events: ${r.seen.join(', ')}`);
    assert.equal(r.visibility, 'hidden', 'the page stayed hidden');
    assert.deepEqual(r.seen, ['visibility hidden'], 'hidden once and for all; no disconnect, reconnect, close or error');
    assert.equal(r.dropped, false, 'the broker kept the client');
    assert.ok(r.pings >= PINGS, `the broker got ${r.pings} PINGREQs`);
    assert.equal(r.state, 'connected');
  });

  // The control: the same page without Worker, so the wake-ups are the page's own setTimeout.
  // Throttled, they come too late and the broker drops the client; were the page not really
  // hidden or not throttled, this would fail and the test above would prove nothing.
  test('without a Worker (setTimeout wake-ups) the same client is dropped', { timeout: 120000 }, async (t) => {
    const r = await hiddenClient('?worker=none');
    t.diagnostic(`PINGREQs at the broker: ${r.pings}; page events: ${r.seen.join(', ')}`);
    assert.equal(r.dropped, true, 'the broker dropped the client');
    assert.ok(r.seen.includes('disconnect'), `the page saw: ${r.seen.join(', ')}`);
  });
});
