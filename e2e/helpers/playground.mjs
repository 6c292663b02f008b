// What the playground specs do on a page: open it with a script, run, stop, read the console,
// download the script.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser.mjs';
import { shareHash } from '../../web/src/share/codec.js';

export const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'src', 'examples');

export const consoleLine = (page, text) => page.getByTestId('console').getByText(text).first();
export const runState = (page) => page.getByTestId('run-state');

// A fresh page (its own storage) with `code` in the editor, given as a share link.
export async function openWithScript(browser, url, code, options) {
  return openPage(browser, `${url}${await shareHash(code)}`, options);
}

export async function run(page) {
  await page.getByRole('button', { name: /Run|Restart/ }).click();
  await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
}

export async function stop(page) {
  await page.getByRole('button', { name: /Stop/ }).click();
  await page.locator('[data-testid="run-state"]:is([data-state="stopped"],[data-state="killed"])').waitFor();
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
