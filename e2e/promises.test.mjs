// What web/README.md promises a script author, each checked in Chromium against a real
// Mosquitto: security headers, Stop, routing, require('network'), bad scripts, the keyboard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitUntil, freePort, distDir } from './helpers/servers.mjs';
import { openPage } from './helpers/browser.mjs';
import { consoleLine, playgroundFixture, run, runState, setRoutes, stop } from './helpers/playground.mjs';

const fx = playgroundFixture();
const { openWithScript } = fx;
const script = (...lines) => [...lines, ''].join('\n');
const wsPort = () => fx.stack.broker.wsPort;

describe('security headers', () => {
  test('the page runs no inline script and no eval; the meta tag says so too', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const scriptSrc = meta.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.doesNotMatch(scriptSrc, /'unsafe-inline'|'unsafe-eval'/);
    const outcome = await page.evaluate(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      // A string timer is compiled by the page itself (code run from the test is exempt).
      setTimeout('window.evalRan = true;', 0);
      const inline = document.createElement('script');
      inline.textContent = 'window.inlineRan = true;';
      document.head.append(inline);
      // Each refusal is reported as an event: wait for both (state, not time).
      while (new Set(violations).size < 2) await new Promise((r) => setTimeout(r, 10));
      return { evalRan: window.evalRan === true, inlineRan: window.inlineRan === true, violations: [...new Set(violations)].sort() };
    });
    assert.deepEqual(outcome, { evalRan: false, inlineRan: false, violations: ['script-src', 'script-src-elem'] });
    await page.context().close();
  });

  test("the worker's own policy allows what the script runner needs: eval and WebAssembly", async () => {
    const worker = fs.readdirSync(path.join(distDir(), 'assets')).find((f) => /^worker-.*\.js$/.test(f));
    const csp = (await fetch(`${fx.stack.url}assets/${worker}`)).headers.get('content-security-policy');
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.match(scriptSrc, /'unsafe-eval'/);
    assert.match(scriptSrc, /'wasm-unsafe-eval'/);
    assert.doesNotMatch(scriptSrc, /'unsafe-inline'/);
  });
});

describe('stop', () => {
  test('Stop closes every client: each sends DISCONNECT and its close listener runs', async () => {
    const page = await openWithScript(script(
      "var mqtt = require('mqtt');",
      "['stop-a', 'stop-b'].forEach(function (id) {",
      "  var client = mqtt.createClient({ host: 'broker.local', clientId: id });",
      "  client.on('connect', function () { console.log('connected ' + id); });",
      "  client.on('close', function () { console.log('closed ' + id); });",
      '});',
    ));
    await run(page);
    await consoleLine(page, 'connected stop-a').waitFor();
    await consoleLine(page, 'connected stop-b').waitFor();
    await stop(page);
    assert.equal(await runState(page).getAttribute('data-state'), 'stopped');
    await consoleLine(page, 'closed stop-a').waitFor();
    await consoleLine(page, 'closed stop-b').waitFor();
    await waitUntil(() => /Client stop-a disconnected\./.test(fx.stack.brokerLog()) && /Client stop-b disconnected\./.test(fx.stack.brokerLog()),
      'the broker to log both DISCONNECTs');
    assert.equal(await page.locator('[data-testid="client"][data-state="closed"]').count(), 2);
    await page.context().close();
  });
});

describe('routing', () => {
  test('an address no rule matches is never contacted, even a reachable one', async () => {
    const page = await openWithScript(script(
      "var mqtt = require('mqtt');",
      `var direct = mqtt.createClient({ url: 'ws://127.0.0.1:${wsPort()}/mqtt', clientId: 'unrouted-direct',`,
      "  fail: function (err) { console.log('fail: ' + err.message); } });",
      "console.log('returned ' + direct);",
      // A routed client made after it: once the broker has seen this one, it would have seen the first.
      "var routed = mqtt.createClient({ host: 'only.here', port: 1, clientId: 'routed-after' });",
      "routed.on('connect', function () { console.log('routed connected'); });",
    ));
    await setRoutes(page, `only.here:1 -> ${fx.stack.brokerWsUrl}`);
    await run(page);
    await consoleLine(page, 'returned null').waitFor();
    await consoleLine(page, `fail: no route for 127.0.0.1:${wsPort()}: add one under Routing`).waitFor();
    await consoleLine(page, 'routed connected').waitFor();
    await waitUntil(() => /New client connected .* as routed-after/.test(fx.stack.brokerLog()), 'the broker to log routed-after');
    assert.doesNotMatch(fx.stack.brokerLog(), /unrouted-direct/);
    await page.locator('[data-testid="client"][data-state="failed"]').getByText(`no route for 127.0.0.1:${wsPort()}`).waitFor();
    await stop(page);
    await page.context().close();
  });

  test('failover servers: each is routed, and the client goes on to the next', async () => {
    const deadPort = await freePort();
    const page = await openWithScript(script(
      "var client = require('mqtt').createClient({",
      "  url: 'mqtt://primary.example:1883', servers: ['mqtt://backup.example:1883'], clientId: 'failover',",
      "  success: function () { console.log('connected through a server'); }",
      '});',
    ));
    await setRoutes(page, `primary.example:1883 -> ws://127.0.0.1:${deadPort}/mqtt\nbackup.example:1883 -> ${fx.stack.brokerWsUrl}`);
    await run(page);
    await consoleLine(page, 'connected through a server').waitFor();
    const client = page.locator('[data-testid="client"][data-state="connected"]', { hasText: 'failover' });
    await client.getByTestId('route').getByText(
      `primary.example:1883, backup.example:1883 → ws://127.0.0.1:${deadPort}/mqtt, ${fx.stack.brokerWsUrl}`).waitFor();
    await waitUntil(() => /New client connected .* as failover/.test(fx.stack.brokerLog()), 'the broker to log the client');
    await stop(page);
    await page.context().close();
  });

  test('connectAsync is routed and watched like createClient, and Stop closes its client', async () => {
    const page = await openWithScript(script(
      "require('mqtt').connectAsync({ host: 'async.example', port: 1883, clientId: 'async-routed' }).then(function (client) {",
      "  console.log('async connected');",
      "  client.on('close', function () { console.log('async closed'); });",
      "}, function (err) { console.log('async failed: ' + err.message); });",
    ));
    await run(page);
    await consoleLine(page, 'async connected').waitFor();
    const client = page.locator('[data-testid="client"][data-state="connected"]', { hasText: 'async-routed' });
    await client.getByTestId('route').getByText(`async.example:1883 → ${fx.stack.brokerWsUrl}`).waitFor();
    await stop(page);
    await consoleLine(page, 'async closed').waitFor();
    await waitUntil(() => /Client async-routed disconnected\./.test(fx.stack.brokerLog()), 'the broker to log the DISCONNECT');
    await page.context().close();
  });

  test('the routes survive a reload', async () => {
    const page = await openPage(fx.browser, fx.stack.url);
    const rules = `# mine\nfactory.example:1883 -> ${fx.stack.brokerWsUrl}`;
    await setRoutes(page, rules);
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByText('Routing', { exact: true }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Routes' }).inputValue(), rules);
    await page.context().close();
  });
});

describe("require('network')", () => {
  test('the AMP network module: always connected, its names, connect and on(connect); another module is named as missing', async () => {
    const page = await openWithScript(script(
      "var network = require('network');",
      'var net = network.openNetClient({ devType: \'ethnet\' });',
      "console.log('net', net.getType(), net.getStatus(), net.getInfo().netInfo.ip_addr, network.openNetWorkClient === network.openNetClient);",
      "net.on('connect', function () { console.log('on connect'); });",
      "net.connect({ ssid: 'lab', password: 'x', success: function () { console.log('connect success'); } });",
      "try { require('fs'); } catch (e) { console.log(e.message); }",
    ));
    await run(page);
    await consoleLine(page, 'net ethnet connect 127.0.0.1 true').waitFor();
    await consoleLine(page, 'on connect').waitFor();
    await consoleLine(page, 'connect success').waitFor();
    await consoleLine(page, "module 'fs' is not available in the playground (available: mqtt, network)").waitFor();
    await stop(page);
    await page.context().close();
  });
});

describe('bad scripts', () => {
  test('wrong API arguments say what is wrong, once, at which line; none throws', async () => {
    const page = await openWithScript(script(
      "var mqtt = require('mqtt');",
      'var none = mqtt.createClient();',
      "var nohost = mqtt.createClient({ clientId: 'no-host' });",
      "var odd = mqtt.createClient({ host: 'broker.local', clientId: { id: 1 } });",
      "console.log('odd is ' + odd);",
      "var client = mqtt.createClient({ host: 'broker.local', clientId: 'misuse' });",
      "client.on('connect', function () {",
      "  console.log('publish rc', client.publish({ topic: 5, message: 'x' }));",
      "  console.log('subscribe rc', client.subscribe({ topic: 'a/b', qos: function () {} }));",
      "  console.log('unsubscribe rc', client.unsubscribe());",
      '  setTimeout(function () {',
      '    client.close();',
      "    console.log('closed rc', client.publish({ topic: 'a/b', message: 'x' }));",
      '  }, 0);',
      '});',
    ));
    await run(page);
    await consoleLine(page, /^\(invalid options\): could not create the client: createClient needs an options object \(app\.js line 2\)$/).waitFor();
    await consoleLine(page, /^no-host: could not create the client: .*'host'.* \(app\.js line 3\)$/).waitFor();
    await consoleLine(page, /^\{ id: 1 \}: could not create the client: .*clientId.* \(app\.js line 4\)$/).waitFor();
    await consoleLine(page, 'odd is null').waitFor();
    await consoleLine(page, /^misuse: publish refused: .*'topic' must be a String.* \(app\.js line 8\)$/).waitFor();
    await consoleLine(page, /^misuse: subscribe refused: .*qos.* \(app\.js line 9\)$/i).waitFor();
    await consoleLine(page, /^misuse: unsubscribe refused: .*options must be an object.* \(app\.js line 10\)$/).waitFor();
    await consoleLine(page, /^misuse: publish refused: .* \(app\.js line 13\)$/).waitFor();
    await consoleLine(page, /^closed rc [1-9]/).waitFor();
    const lines = await page.getByTestId('console').locator('.console-text').allTextContents();
    assert.deepEqual(lines.filter((l) => /Uncaught|DataCloneError/.test(l)), []);
    assert.equal(lines.filter((l) => /'topic' must be a String/.test(l)).length, 1, 'said once');
    // Each error's line link goes there.
    await page.getByTestId('console').getByRole('button', { name: 'line 9' }).click();
    await page.locator('.cm-activeLine', { hasText: 'qos: function' }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a throwing message listener and an unhandled rejection name their lines; Run again works', async () => {
    const page = await openWithScript(script(
      "var client = require('mqtt').createClient({ host: 'broker.local', clientId: 'thrower' });",
      "client.on('connect', function () {",
      "  client.subscribe({ topic: 'e2e/throw', success: function () { client.publish({ topic: 'e2e/throw', message: 'x' }); } });",
      "  Promise.reject(new Error('nobody caught this'));",
      '});',
      "client.on('message', function (topic, message) {",
      "  console.log('got ' + topic);",
      '  message.notAFunction();',
      '});',
    ));
    for (const round of [1, 2]) {
      await run(page);
      await waitUntil(async () => (await page.getByTestId('console').getByText(/^got e2e\/throw$/).count()) === round, `message ${round}`);
      const listener = page.getByTestId('console').getByText(/^Uncaught in 'message' listener: TypeError: message\.notAFunction is not a function \(app\.js line 8\)$/);
      await waitUntil(async () => (await listener.count()) === round, `listener error ${round}`);
      const rejection = page.getByTestId('console').getByText(/^Uncaught in promise: Error: nobody caught this \(app\.js line 4\)$/);
      await waitUntil(async () => (await rejection.count()) === round, `rejection ${round}`);
      // The client lives on after its listener threw.
      assert.equal(await page.locator('[data-testid="client"][data-state="connected"]', { hasText: 'thrower' }).count(), 1);
      await stop(page);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('what a script prints before an endless loop is shown; after the loop was terminated, Run again works', async () => {
    const page = await openWithScript(script(
      "console.log('started');",
      'while (true) {}',
    ));
    await page.getByRole('button', { name: /Run/ }).click();
    await consoleLine(page, /did not yield/).waitFor();
    assert.equal(await runState(page).getAttribute('data-state'), 'killed');
    // A new worker: the loop runs again and is stopped again, and the page still answers.
    await page.getByRole('button', { name: /Run/ }).click();
    await waitUntil(async () => (await page.getByTestId('console').getByText(/did not yield/).count()) === 2, 'the second loop to be stopped');
    assert.equal(await page.getByTestId('console').getByText('started', { exact: true }).count(), 2);
    await page.context().close();
  });
});

describe('keyboard', () => {
  test('Run and Stop by keyboard; Ctrl+Enter runs from the editor and from elsewhere; buttons have their own names', async () => {
    const page = await openWithScript(script("console.log('ran by keyboard');", 'setInterval(function () {}, 1000);'));
    // Tab order: the example picker, then Run, then Stop.
    await page.getByRole('combobox', { name: 'Example' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'run');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'stop');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="run-state"][data-state="stopped"]').waitFor();

    assert.equal(await page.getByRole('button', { name: /Run/ }).getAttribute('aria-keyshortcuts'), 'Control+Enter');
    await page.getByRole('textbox', { name: 'Script editor' }).click();
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
    assert.equal(await page.getByTestId('console').getByText('ran by keyboard').count(), 2);
    await stop(page);
    await page.getByRole('searchbox', { name: 'Filter messages' }).focus();
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="run-state"][data-state="running"]').waitFor();
    assert.equal(await page.getByTestId('console').getByText('ran by keyboard').count(), 3);
    await stop(page);

    // Two "Clear" buttons would be one name for two actions.
    await page.getByRole('button', { name: 'Clear console' }).click();
    assert.equal(await page.getByTestId('console').locator('li').count(), 0);
    await page.getByRole('button', { name: 'Clear messages' }).waitFor();
    const names = await page.getByRole('button').evaluateAll((buttons) => buttons
      .filter((b) => b.offsetParent !== null)
      .map((b) => (b.getAttribute('aria-label') || b.textContent).trim()));
    assert.ok(names.every((n) => n.length > 0), `every button has a name: ${JSON.stringify(names)}`);
    assert.equal(new Set(names).size, names.length, `no two buttons share a name: ${JSON.stringify(names)}`);
    await page.context().close();
  });
});
