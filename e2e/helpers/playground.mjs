// What the playground specs do on a page: open it with a script, run, stop, read the console,
// download the script.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from './browser.mjs';
import { startStack } from './servers.mjs';
import { shareHash } from '../../web/src/share/codec.js';

export const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'src', 'examples');

// What a spec file needs, started before its tests and stopped after them: the broker and the
// served playground (`stack`) and Chromium (`browser`).
export function playgroundFixture() {
  const fx = {
    stack: null,
    browser: null,
    openWithScript: (code, options) => openWithScript(fx.browser, fx.stack.url, code, options),
  };
  before(async () => {
    fx.stack = await startStack();
    fx.browser = await launchBrowser();
  });
  after(async () => {
    await fx.browser?.close();
    await fx.stack?.stop();
  });
  return fx;
}

export const consoleLine = (page, text) => page.getByTestId('console').getByText(text).first();
export const runState = (page) => page.getByTestId('run-state');

// A fresh page (its own storage) with `code` in the editor, given as a share link.
export async function openWithScript(browser, url, code, options) {
  return openPage(browser, `${url}${await shareHash(code)}`, options);
}

// The page still answers after what a script did: the theme toggle works.
export async function assertPageAnswers(page) {
  const toggle = page.getByRole('button', { name: 'Toggle dark theme' });
  const before = await toggle.getAttribute('aria-pressed');
  await toggle.click();
  assert.notEqual(await toggle.getAttribute('aria-pressed'), before);
}

export async function run(page) {
  await page.getByRole('button', { name: /Run|Restart/ }).click();
  await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
}

export async function stop(page) {
  await page.getByRole('button', { name: /Stop/ }).click();
  await page.locator('[data-testid="run-state"]:is([data-state="stopped"],[data-state="killed"])').waitFor();
}

// Sets the routing rules as a user does (the textarea, saved when it loses focus).
export async function setRoutes(page, text) {
  await page.getByText('Routing', { exact: true }).click();
  const routes = page.getByRole('textbox', { name: 'Routes' });
  await routes.fill(text);
  await routes.blur();
}

// The editor's text, as the Download button saves it (and it must be saved as app.js).
export async function editorText(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'app.js');
  return fs.readFileSync(await download.path(), 'utf8');
}
