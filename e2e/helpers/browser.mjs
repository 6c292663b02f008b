// Debian's Chromium driven by playwright-core, with the flags that keep it off the network.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

// Playwright turns off what a browser does to background pages; `backgroundThrottling` keeps it
// (timer throttling of hidden pages, and intensive wake-up throttling, to once a minute, after
// `graceSeconds` hidden instead of five minutes).
const KEEPS_BACKGROUND_PAGES_AWAKE = [
  '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

export function launchBrowser({ backgroundThrottling = false, graceSeconds = 1 } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: backgroundThrottling ? KEEPS_BACKGROUND_PAGES_AWAKE : [],
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(backgroundThrottling ? [`--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${graceSeconds}`] : []),
    ],
  });
}

// A tab that can really be hidden. Playwright's own pages never are (their DevTools session
// emulates focus, which keeps a page visible), so this one lives in a browser context made over
// the DevTools protocol, which Playwright does not attach to; hide() opens a second tab in the
// same window and brings it to the front, show() brings this one back.
export async function openHideableTab(browser, url) {
  const cdp = await browser.newBrowserCDPSession();
  const { browserContextId } = await cdp.send('Target.createBrowserContext');
  const { targetId } = await cdp.send('Target.createTarget', { url, browserContextId });
  // A session of our own, spoken through the browser's (Playwright's CDPSession has no child
  // sessions of its own).
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
  let nextId = 0;
  const replies = new Map();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message);
    const reply = replies.get(message.id);
    if (!reply) return;
    replies.delete(message.id);
    if (message.error) reply.reject(new Error(message.error.message));
    else reply.resolve(message.result);
  });
  const send = (method, params) => new Promise((resolve, reject) => {
    const id = ++nextId;
    replies.set(id, { resolve, reject });
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
  let other = null;
  return {
    // The value of `expression` (awaited when a promise); throws what the page threw.
    async evaluate(expression) {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description || exceptionDetails.text);
      return result.value;
    },
    async hide() {
      if (!other) other = (await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId, newWindow: false })).targetId;
      await cdp.send('Target.activateTarget', { targetId: other });
    },
    async show() {
      await cdp.send('Target.activateTarget', { targetId });
    },
    async close() {
      await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

// A new page in a fresh context (its own storage), with page errors collected.
export async function openPage(browser, url, { viewport = { width: 1280, height: 800 }, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(err));
  // Messages the browser itself logs as errors (a refused resource, a policy violation), from
  // the page and from its workers.
  page.browserErrors = [];
  const collect = (msg) => { if (msg.type() === 'error') page.browserErrors.push(msg.text()); };
  page.on('console', collect);
  page.on('worker', (worker) => worker.on('console', collect));
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
