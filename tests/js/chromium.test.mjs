// Runs every scenario (scenarios/index.mjs) in headless Chromium through Playwright: a static
// server gives the page the package's browser entry, and the page runs the same scenario
// functions as Node, over the browser's WebSocket, against a real Mosquitto.
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { startBroker } from '../fixtures/broker.mjs';
import { scenarios, skipped } from './scenarios/index.mjs';
import { notBuilt, repoRoot } from './helpers/package.mjs';
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
  let server;
  const pageErrors = [];
  before(async () => {
    broker = await startBroker();
    server = await startStaticServer(repoRoot);
    browser = await playwright.chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.exposeFunction('brokerControl', async (what) => {
      if (what === 'stop') await broker.stop();
      else if (what === 'pause') broker.pause();
      else if (what === 'resume') broker.resume();
      else await broker.restart();  // start and restart: same ports
    });
    await page.goto(`${server.origin}/tests/js/helpers/page.html`);
    await page.waitForFunction(() => window.scenariosReady === true);
  });
  after(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    if (broker) await broker.stop();
  });
  for (const name of Object.keys(scenarios)) {
    it(name, { skip: skipped[name] || false, timeout: 120000 }, async () => {
      const info = { host: broker.host, tcpPort: broker.tcpPort, wsPort: broker.wsPort };
      await page.evaluate(([n, i]) => window.runScenario(n, i), [name, info]);
      if (pageErrors.length) throw new Error(`uncaught in the page: ${pageErrors.splice(0).join('; ')}`);
    });
  }
});
