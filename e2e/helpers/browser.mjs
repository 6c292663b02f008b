// Debian's Chromium driven by playwright-core, with the flags that keep it off the network.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
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
