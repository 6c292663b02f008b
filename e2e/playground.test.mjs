// The playground in Chromium against a real Mosquitto: run, watch, stop, share, poke.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitUntil, freePort, distDir } from './helpers/servers.mjs';
import { artifactsDir, openPage, screenshot } from './helpers/browser.mjs';
import { assertPageAnswers, consoleLine, editorText, examplesDir, playgroundFixture, run, runState, setRoutes, stop } from './helpers/playground.mjs';

const fx = playgroundFixture();
const { openWithScript } = fx;

describe('playground', () => {
  test('serves the page with a Content-Security-Policy', async () => {
    const res = await fetch(fx.stack.url);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /'unsafe-eval'/);
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.doesNotMatch(scriptSrc, /'unsafe-inline'/);
  });

  test('the default example connects, and its messages make the round trip', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    // The default script is the device example, unchanged.
    assert.equal(await editorText(page), fs.readFileSync(path.join(examplesDir, 'haas-device.js'), 'utf8'));
    await run(page);
    await consoleLine(page, 'mqtt connected').waitFor();
    const client = page.getByTestId('client').filter({ hasText: 'haas_amp_device' });
    await client.and(page.locator('[data-state="connected"]')).waitFor();
    await client.getByTestId('route').getByText(`test.mosquitto.org:1883 → ${fx.stack.brokerWsUrl}`).waitFor();
    await page.locator('[data-testid="subscription"][data-topic="/haas/amp/hello"]').waitFor();
    await page.locator('[data-testid="message-row"][data-dir="out"][data-topic="/haas/amp/hello"]').first().waitFor();
    const inbound = page.locator('[data-testid="message-row"][data-dir="in"][data-topic="/haas/amp/hello"]').first();
    await inbound.waitFor();
    assert.match(await inbound.textContent(), /hello from HaaS #1/);
    await consoleLine(page, 'mqtt message: topic /haas/amp/hello, payload hello from HaaS #1').waitFor();
    await screenshot(page, 'desktop-1280x800-light');

    // Restart closes the running client before the new one connects (same client id).
    await page.getByRole('button', { name: /Restart/ }).click();
    await consoleLine(page, 'script stopped').waitFor();
    await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
    await client.and(page.locator('[data-state="connected"]')).waitFor();
    await waitUntil(() => /Client haas_amp_device disconnected\./.test(fx.stack.brokerLog()), 'the broker to log the first DISCONNECT');
    const countDisconnects = () => (fx.stack.brokerLog().match(/Client haas_amp_device disconnected\./g) || []).length;
    assert.equal(countDisconnects(), 1);
    assert.doesNotMatch(fx.stack.brokerLog(), /already connected, closing old connection/);

    // Stop closes the client: the broker sees it leave.
    await stop(page);
    await waitUntil(() => countDisconnects() === 2, 'the broker to log the DISCONNECT');
    await client.locator('[data-testid="client-state"]').getByText('closed').waitFor();
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.browserErrors, []);
    await page.context().close();
  });

  test('a syntax error is marked at its line and the script is not run', async () => {
    const page = await openWithScript("var mqtt = require('mqtt');\n\nvar x = {;\nconsole.log('never');\n");
    const status = page.getByTestId('syntax-status');
    await page.locator('[data-testid="syntax-status"][data-error="true"]').waitFor();
    assert.equal(await status.getAttribute('data-line'), '3');
    assert.match(await status.textContent(), /line 3/);
    await page.locator('.cm-lint-marker-error').first().waitFor();
    await page.getByRole('button', { name: /Run/ }).click();
    await consoleLine(page, /SyntaxError: .*line 3/).waitFor();
    assert.equal(await runState(page).getAttribute('data-state'), 'stopped');
    await page.context().close();
  });

  test('a runtime error names its line, and the link goes there', async () => {
    const page = await openWithScript("console.log('start');\n\nsetTimeout(function () {\n  undefinedFunction();\n}, 10);\n");
    await run(page);
    const line = consoleLine(page, /ReferenceError: undefinedFunction is not defined \(app\.js line 4\)/);
    await line.waitFor();
    await page.getByTestId('console').getByRole('button', { name: 'line 4' }).click();
    await page.locator('.cm-activeLine', { hasText: 'undefinedFunction();' }).waitFor();
    await stop(page);
    await page.context().close();
  });

  test('an endless loop is stopped and the page stays responsive', async () => {
    const page = await openWithScript("console.log('spinning');\nwhile (true) {}\n");
    await page.getByRole('button', { name: /Run/ }).click();
    await consoleLine(page, /did not yield/).waitFor();
    assert.equal(await runState(page).getAttribute('data-state'), 'killed');
    await assertPageAnswers(page);
    assert.equal(await page.evaluate(() => 6 * 7), 42);
    // A loop that starts later, in a timer, is caught too.
    await page.context().close();
    // A loop that starts later, in a callback of a connected client: the worker is ended,
    // and with it the client's WebSocket: the broker sees the client go.
    const later = await openWithScript([
      "var client = require('mqtt').createClient({ host: 'broker.local', clientId: 'spinner' });",
      "client.on('connect', function () { console.log('armed'); setTimeout(function () { for (;;) {} }, 50); });",
      '',
    ].join('\n'));
    await later.getByRole('button', { name: /Run/ }).click();
    await consoleLine(later, 'armed').waitFor();
    await consoleLine(later, /did not yield/).waitFor();
    await waitUntil(() => /Client spinner (closed its connection|disconnected)/.test(fx.stack.brokerLog()), 'the broker to see the spinner go');
    await later.context().close();
  });

  test('a console flood in an endless loop: the page stays usable and says how many lines were dropped', async () => {
    const page = await openWithScript("console.log('start');\nwhile (true) console.log('x');\n");
    await page.getByRole('button', { name: /Run/ }).click();
    // One note per second of flood, updated in place while it lasts.
    const note = page.locator('[data-testid="console"] [data-note]', { hasText: /console lines dropped/ }).last();
    await note.waitFor();
    await consoleLine(page, /did not yield/).waitFor();
    assert.equal(await runState(page).getAttribute('data-state'), 'killed');
    const dropped = Number(/… (\d+) console lines dropped/.exec(await note.textContent())?.[1]);
    assert.ok(dropped > 0, `a count of dropped lines, in: ${await note.textContent()}`);
    // The console keeps a bounded number of lines.
    assert.ok(await page.locator('[data-testid="console"] li').count() <= 2000);
    await assertPageAnswers(page);
    // Run works again.
    await run(page);
    await consoleLine(page, 'start').nth(0).waitFor();
    await page.context().close();
  });

  test('a flood that ends: shown and dropped lines add up, and what the script prints next shows', async () => {
    const page = await openWithScript([
      'for (var i = 0; i < 5000; i++) console.log(String(i));',
      // A second later the flood's window is over.
      "setTimeout(function () { console.log('after the flood'); }, 1100);",
      '',
    ].join('\n'));
    await run(page);
    await consoleLine(page, 'after the flood').waitFor();
    const texts = await page.locator('[data-testid="console"] .console-text').allTextContents();
    const shown = texts.filter((t) => /^\d+$/.test(t)).length;
    const notes = texts.filter((t) => /dropped/.test(t));
    assert.equal(notes.length, 1, notes.join('\n'));
    const dropped = Number(/… (\d+) console lines dropped/.exec(notes[0])?.[1]);
    assert.ok(dropped > 0 && shown > 0, notes[0]);
    assert.equal(shown + dropped, 5000);
    assert.ok(texts.indexOf(notes[0]) < texts.indexOf('after the flood'), 'the note comes before the next line');
    await stop(page);
    await page.context().close();
  });

  test('the user script cannot reach the page: no DOM, storage, cookies, fetch or other contexts', async () => {
    const page = await openWithScript([
      "console.log('isolation', typeof document, typeof window, typeof localStorage, typeof indexedDB,",
      "  typeof caches, typeof fetch, typeof XMLHttpRequest, typeof importScripts);",
      "console.log('storage', typeof navigator.storage, typeof postMessage);",
      // Nested workers and channels to other contexts of the origin, origin-wide storage and
      // locks through the navigator, and the same names looked up another way.
      "console.log('contexts', typeof Worker, typeof SharedWorker, typeof BroadcastChannel, typeof cookieStore);",
      "console.log('navigator', typeof navigator.storageBuckets, typeof navigator.locks, typeof navigator.serviceWorker,",
      "  typeof navigator.usb, typeof navigator.hid, typeof navigator.serial);",
      "var global = Function('return this')();",
      "var onPrototypes = [];",
      "for (var o = self; o; o = Object.getPrototypeOf(o)) onPrototypes.push('indexedDB' in o, 'caches' in o, 'fetch' in o);",
      "console.log('reached', global === self, typeof global.indexedDB, onPrototypes.indexOf(true));",
      "import('data:text/javascript,export default 1').then(function () { console.log('data import allowed'); },",
      "  function () { console.log('data import refused'); });",
      '',
    ].join('\n'));
    await run(page);
    await consoleLine(page, 'isolation undefined undefined undefined undefined undefined undefined undefined undefined').waitFor();
    await consoleLine(page, 'storage undefined undefined').waitFor();
    await consoleLine(page, 'contexts undefined undefined undefined undefined').waitFor();
    await consoleLine(page, 'navigator undefined undefined undefined undefined undefined undefined').waitFor();
    await consoleLine(page, 'reached true undefined -1').waitFor();
    await consoleLine(page, 'data import refused').waitFor();
    await page.context().close();
  });

  test('a share link restores the script exactly', async () => {
    const script = "// ünïcødé ✓ and tabs\n\tvar s = 'a\\'b' + \"`${x}`\";\r\nvar t = `line\n  two`;   \n\n";
    const first = await openWithScript(script);
    assert.equal(await editorText(first), script.replace(/\r\n/g, '\n'));
    // The Share button makes a link that another browser (empty storage) opens to the same text.
    await first.getByRole('combobox', { name: 'Example' }).selectOption('qos2');
    await first.getByRole('button', { name: 'Share' }).click();
    await first.getByTestId('share-note').getByText(/Share link/).waitFor();
    const link = first.url();
    assert.match(link, /#code=[A-Za-z0-9_-]+$/);
    await first.context().close();
    const second = await openPage(fx.browser, link);
    assert.equal(await editorText(second), fs.readFileSync(path.join(examplesDir, 'qos2.js'), 'utf8'));
    // Edits made after opening a link survive a reload (the link leaves the address bar).
    await second.getByRole('textbox', { name: 'Script editor' }).click();
    await second.keyboard.press('Control+Home');
    await second.keyboard.type('// edited\n');
    await waitUntil(() => !second.url().includes('#code='), 'the link to leave the address bar');
    await waitUntil(async () => (await second.evaluate(() => localStorage.getItem('mqtt-playground:v1') || '')).includes('// edited'), 'the edit to be saved');
    await second.reload();
    await second.locator('body[data-ready="true"]').waitFor();
    assert.equal(await editorText(second), `// edited\n${fs.readFileSync(path.join(examplesDir, 'qos2.js'), 'utf8')}`);
    await second.context().close();
  });

  test('the publish form reaches the running script', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    await page.getByRole('combobox', { name: 'Example' }).selectOption('sensor');
    await run(page);
    await page.locator('[data-testid="subscription"][data-topic="playground/sensor/cmd"]:not(:has(.badge))').waitFor();
    const form = page.getByRole('form', { name: 'Publish a message' });
    await form.getByRole('textbox', { name: 'Topic' }).fill('playground/sensor/cmd');
    await form.getByRole('textbox', { name: 'Payload' }).fill('{"interval": 250}');
    await form.getByRole('button', { name: 'Publish' }).click();
    await consoleLine(page, 'interval now 250 ms').waitFor();
    // The form's own client subscribes too; what it receives is logged under its name.
    const subForm = page.getByRole('form', { name: 'Subscribe' });
    await subForm.getByRole('textbox', { name: 'Topic filter' }).fill('playground/sensor/data');
    await subForm.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByTestId('publish-status').getByText('subscribed to playground/sensor/data').waitFor();
    await page.locator('[data-testid="message-row"][data-dir="in"][data-topic="playground/sensor/data"]', { hasText: 'playground-' }).first().waitFor();
    await page.locator('[data-testid="message-row"][data-dir="out"][data-topic="playground/sensor/data"]').first().waitFor();
    await page.locator('[data-testid="message-row"][data-dir="in"][data-topic="playground/sensor/cmd"]').first().waitFor();
    await stop(page);
    assert.deepEqual(page.browserErrors, []);
    await page.context().close();
  });

  test('an unreachable broker gives a clear error', async () => {
    const closedPort = await freePort();
    const page = await openPage(fx.browser, fx.stack.url);
    await setRoutes(page, `* -> ws://127.0.0.1:${closedPort}/mqtt`);
    await run(page);
    const client = page.getByTestId('client').filter({ hasText: 'haas_amp_device' });
    await page.locator('[data-testid="client"][data-state="failed"]').waitFor();
    await client.getByTestId('route').getByText(`test.mosquitto.org:1883 → ws://127.0.0.1:${closedPort}/mqtt`).waitFor();
    const error = await client.getByTestId('client-error').textContent();
    assert.ok(error.length > 5, `an error message, got "${error}"`);
    await consoleLine(page, /mqtt connect failed/).waitFor();
    await consoleLine(page, new RegExp(`^haas_amp_device: could not connect to test\\.mosquitto\\.org:1883, routed to ws://127\\.0\\.0\\.1:${closedPort}/mqtt: .+`)).waitFor();
    await screenshot(page, 'unreachable-broker');
    await stop(page);
    await page.context().close();
  });

  test('two pages talk to each other through the broker', async () => {
    const chat = [
      "var mqtt = require('mqtt');",
      "var me = 'peer-' + Math.random().toString(36).slice(2, 8);",
      "var client = mqtt.createClient({ host: 'chat.example', port: 1883, clientId: me });",
      "client.on('connect', function () {",
      "  client.subscribe({ topic: 'e2e/chat', qos: 1 });",
      "  setInterval(function () { client.publish({ topic: 'e2e/chat', message: 'hello from ' + me, qos: 1 }); }, 200);",
      '});',
      "client.on('message', function (topic, message) {",
      '  var text = new TextDecoder().decode(message);',
      "  if (text.indexOf(me) < 0) console.log('heard: ' + text);",
      '});',
      '',
    ].join('\n');
    const a = await openWithScript(chat);
    const b = await openWithScript(chat);
    await run(a);
    await run(b);
    await consoleLine(a, /^heard: hello from peer-/).waitFor();
    await consoleLine(b, /^heard: hello from peer-/).waitFor();
    await stop(a);
    await stop(b);
    await a.context().close();
    await b.context().close();
  });
});

describe('editor', () => {
  test('completion and hover documentation for the mqtt API', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    // Hover first: CodeMirror renders only the lines in view.
    await page.locator('.cm-content').getByText('createClient').first().hover();
    const doc = page.getByTestId('hover-doc');
    await doc.waitFor();
    assert.match(await doc.textContent(), /keepalive_interval/);
    await screenshot(page, 'editor-hover-doc');
    const editor = page.getByRole('textbox', { name: 'Script editor' });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nmqttClient.pu');
    const completion = page.locator('.cm-tooltip-autocomplete');
    await completion.getByText('publish').first().waitFor();
    await screenshot(page, 'editor-completion');
    await page.keyboard.press('Escape');
    await page.context().close();
  });
});

describe('layout and size', () => {
  test('phone width (390×844), dark theme: no horizontal scrolling, screenshots kept', async () => {
    const phone = await openPage(fx.browser, fx.stack.url, { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    assert.equal(await phone.locator('html').getAttribute('data-theme'), 'dark');
    await run(phone);
    await consoleLine(phone, 'mqtt connected').waitFor();
    await phone.locator('[data-testid="message-row"][data-dir="in"]').first().waitFor();
    const overflow = await phone.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await screenshot(phone, 'phone-390x844-dark');
    await phone.screenshot({ path: path.join(artifactsDir, 'phone-390x844-dark-full.png'), fullPage: true });
    await stop(phone);
    await phone.context().close();

    const desk = await openPage(fx.browser, fx.stack.url, { colorScheme: 'dark' });
    await run(desk);
    await desk.locator('[data-testid="message-row"][data-dir="in"]').first().waitFor();
    await screenshot(desk, 'desktop-1280x800-dark');
    // The toggle overrides the system preference, and the choice survives a reload.
    await desk.getByRole('button', { name: 'Toggle dark theme' }).click();
    assert.equal(await desk.locator('html').getAttribute('data-theme'), 'light');
    await stop(desk);
    await desk.reload();
    await desk.locator('body[data-ready="true"]').waitFor();
    assert.equal(await desk.locator('html').getAttribute('data-theme'), 'light');
    await desk.context().close();
  });

  test('first load transfers little (gzip), measured in the browser', async (t) => {
    const context = await fx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map();
    const sizes = [];
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => sizes.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));
    await page.goto(fx.stack.url);
    await page.locator('body[data-ready="true"]').waitFor();
    const critical = sizes.reduce((n, s) => n + s.bytes, 0);
    // The syntax checker (acorn) is loaded right after, for the first lint: count it too.
    await page.locator('[data-testid="syntax-status"][data-error]').waitFor();
    await waitUntil(() => sizes.length === urls.size, 'every request to finish');
    const firstLoad = sizes.reduce((n, s) => n + s.bytes, 0);
    // What Run adds: the worker and the WebAssembly client, as the server sends them.
    const runAssets = [];
    for (const name of fs.readdirSync(path.join(distDir(), 'assets'))) {
      if (!/^(worker|load-mqtt|instrument|routing|format).*\.js$|\.wasm$/.test(name)) continue;
      const res = await fetch(`${fx.stack.url}assets/${name}`, { headers: { 'accept-encoding': 'gzip' } });
      runAssets.push({ name, bytes: Number(res.headers.get('content-length')) });
    }
    const onRun = runAssets.reduce((n, s) => n + s.bytes, 0);
    const report = { untilReadyBytes: critical, firstLoadBytes: firstLoad, firstLoad: sizes, onRunBytes: onRun, onRun: runAssets };
    fs.mkdirSync(artifactsDir, { recursive: true });
    fs.writeFileSync(path.join(artifactsDir, 'transfer-size.json'), JSON.stringify(report, null, 2));
    const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
    t.diagnostic(`first load: ${kib(firstLoad)} transferred (gzip), ${kib(critical)} of it before the page is ready; Run adds ${kib(onRun)}`);
    assert.ok(firstLoad < 350 * 1024, `first load ${firstLoad} bytes`);
    await context.close();
  });
});

describe('examples', () => {
  async function runExample(id) {
    const page = await openPage(fx.browser, fx.stack.url);
    await page.getByRole('combobox', { name: 'Example' }).selectOption(id);
    assert.equal(await editorText(page), fs.readFileSync(path.join(examplesDir, `${id}.js`), 'utf8'));
    await run(page);
    return page;
  }

  // Stop, and nothing went wrong on the page or in the browser (a refused resource, a policy
  // violation) while the example ran.
  async function finish(page) {
    await stop(page);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.browserErrors, []);
    await page.context().close();
  }

  test('publish / subscribe', async () => {
    const page = await runExample('pubsub');
    await consoleLine(page, 'playground/demo/a → first').waitFor();
    await consoleLine(page, 'playground/demo/b → second').waitFor();
    // What its comment invites: a message from the Publish form reaches it.
    const form = page.getByRole('form', { name: 'Publish a message' });
    await form.getByRole('textbox', { name: 'Topic' }).fill('playground/demo/form');
    await form.getByRole('textbox', { name: 'Payload' }).fill('from the form');
    await form.getByRole('button', { name: 'Publish' }).click();
    await consoleLine(page, 'playground/demo/form → from the form').waitFor();
    await finish(page);
  });

  test('QoS 2: every publish completes, every message arrives once', async () => {
    const page = await runExample('qos2');
    await consoleLine(page, 'all 10 PUBCOMPs received').waitFor();
    await consoleLine(page, 'received exactly once #10 qos 2').waitFor();
    const rows = page.locator('[data-testid="message-row"][data-dir="in"][data-topic="playground/qos2"]');
    await waitUntil(async () => (await rows.count()) === 10, '10 messages in');
    await finish(page);
  });

  test('binary payloads round trip intact and show as hex; the log filters', async () => {
    const page = await runExample('binary');
    await consoleLine(page, 'playground/binary/all-bytes 256 bytes intact').waitFor();
    await consoleLine(page, 'playground/binary/empty 0 bytes intact').waitFor();
    const allBytes = page.locator('[data-testid="message-row"][data-dir="in"][data-topic="playground/binary/all-bytes"]');
    assert.match(await allBytes.locator('.col-payload').textContent(), /^00 01 02 03/);
    assert.equal(await allBytes.locator('.col-size').textContent(), '256 B');
    const empty = page.locator('[data-testid="message-row"][data-dir="in"][data-topic="playground/binary/empty"]');
    assert.equal(await empty.locator('.col-payload').textContent(), '(empty)');
    await page.getByRole('searchbox', { name: 'Filter messages' }).fill('empty');
    await waitUntil(async () => (await page.getByTestId('message-row').count()) === 2, 'the filter to leave the 2 empty messages');
    await finish(page);
  });

  test('simulated sensor: JSON readings, shown as JSON', async () => {
    const page = await runExample('sensor');
    const row = page.locator('[data-testid="message-row"][data-dir="out"][data-topic="playground/sensor/data"]').first();
    await row.waitFor();
    await page.getByRole('combobox', { name: 'Payload view' }).selectOption('json');
    const payload = JSON.parse(await row.locator('.col-payload').textContent());
    assert.equal(typeof payload.temperature, 'number');
    // A row opens to show the whole payload, pretty-printed, and its bytes.
    await row.click();
    const details = page.getByTestId('message-details').first();
    await details.waitFor();
    assert.match(await details.textContent(), /"temperature": \d/);
    assert.match(await details.textContent(), /hex \(\d+ bytes\)7b 22/);
    await finish(page);
  });
});

describe('reconnection', () => {
  test('a broker restart shows the client disconnect and reconnect, and messages flow again', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    await run(page);
    const client = page.getByTestId('client').filter({ hasText: 'haas_amp_device' });
    await client.and(page.locator('[data-state="connected"]')).waitFor();
    await page.locator('[data-testid="message-row"][data-dir="in"]').first().waitFor();
    await fx.stack.broker.restart();
    await consoleLine(page, 'mqtt disconnected').waitFor();
    await client.and(page.locator('[data-state="connected"][data-reconnected]')).waitFor({ timeout: 30000 });
    // After the reconnection, the subscription is back: a new message makes the round trip.
    const before = await page.locator('[data-testid="message-row"][data-dir="in"]').count();
    await waitUntil(async () => (await page.locator('[data-testid="message-row"][data-dir="in"]').count()) > before, 'a message after the reconnection', 20000);
    await stop(page);
    await page.context().close();
  });
});
