// Wires the playground: editor, runner (sandboxed worker), panels, examples, sharing.
import './style.css';
import { createEditor } from './editor/editor.js';
import { Runner } from './runner/runner.js';
import { ROWS_PER_SECOND } from './runner/outbox.js';
import { defaultRoutes } from './runner/routing.js';
import { createConsolePanel } from './panels/console.js';
import { createMessageLog } from './panels/messages.js';
import { createClientsPanel } from './panels/clients.js';
import { createRateChart } from './panels/chart.js';
import { createPokePanel } from './panels/poke.js';
import { EXAMPLES, DEFAULT_EXAMPLE } from './examples/index.js';
import { scriptFromHash, shareHash } from './share/codec.js';
import { loadSaved, save } from './share/storage.js';
import { downloadScript } from './share/download.js';

const $ = (id) => document.getElementById(id);

async function loadConfig() {
  try {
    const res = await fetch('./config.json', { cache: 'no-store' });
    if (res.ok) return await res.json();
  } catch { /* served without the config endpoint */ }
  return { brokerWsUrl: `ws://${location.hostname || '127.0.0.1'}:9001/mqtt` };
}

// Theme: the system's preference unless the user chose one.
const saved = loadSaved();
const systemDark = matchMedia('(prefers-color-scheme: dark)');
let theme = saved.theme || (systemDark.matches ? 'dark' : 'light');
function applyTheme() {
  document.documentElement.dataset.theme = theme;
  $('theme').setAttribute('aria-pressed', String(theme === 'dark'));
}
applyTheme();

const config = await loadConfig();
$('clients-empty').textContent = `Run the script to see its clients here. Broker addresses go to ${config.brokerWsUrl} (see Routing).`;
const routesBox = $('routes');
routesBox.value = saved.routes && saved.routesFor === config.brokerWsUrl ? saved.routes : defaultRoutes(config.brokerWsUrl);

// The script: the share link wins, then what was saved, then the default example.
let initial = null;
let shareError = null;
try {
  initial = await scriptFromHash(location.hash);
} catch (err) {
  shareError = `the share link is damaged (${err.message}); showing your saved script`;
}
const fromShare = initial !== null;
if (!fromShare) initial = saved.code ?? DEFAULT_EXAMPLE.code;

const exampleSelect = $('example');
exampleSelect.append(new Option('Examples…', ''));
for (const ex of EXAMPLES) exampleSelect.append(new Option(ex.title, ex.id));

const consolePanel = createConsolePanel({
  list: $('console'),
  clearButton: $('console-clear'),
  onGoToLine: (line) => editor.goToLine(line),
});

let saveTimer = null;
const syntaxEl = $('syntax');
const editor = createEditor({
  parent: $('editor'),
  doc: initial,
  dark: theme === 'dark',
  onChange(code) {
    // Once edited, the script is the user's own: a reload keeps the edits, not the link.
    if (/(?:^#|&)code=/.test(location.hash)) history.replaceState(null, '', `${location.pathname}${location.search}`);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => save({ code }), 300);
  },
  onSyntax(err) {
    syntaxEl.textContent = err ? `SyntaxError on line ${err.line}: ${err.message}` : 'no syntax errors';
    syntaxEl.dataset.error = err ? 'true' : 'false';
    syntaxEl.dataset.line = err ? String(err.line) : '';
  },
  onRun: () => run(),
});
if (fromShare) {
  save({ code: initial });
  const note = $('share-note');
  note.hidden = false;
  note.textContent = 'Loaded from a share link.';
}
if (shareError) consolePanel.add({ level: 'warn', text: shareError });

const log = createMessageLog({
  body: $('messages'),
  filterInput: $('msg-filter'),
  modeSelect: $('msg-mode'),
  countLabel: $('msg-count'),
  clearButton: $('msg-clear'),
});
const clientsPanel = createClientsPanel({ list: $('clients'), subsList: $('subs'), emptyHint: $('clients-empty') });
const chart = createRateChart({ canvas: $('chart'), legend: $('chart-legend') });

// Events from a script (source 'run') or from the playground client (source 'poke').
function handleEvent(source, ev) {
  switch (ev.type) {
    case 'console':
      consolePanel.add(ev);
      break;
    case 'client':
      clientsPanel.update(source, ev);
      if (ev.state === 'failed' && ev.error && !ev.closed) {
        // No address, or options the client refused: no connection was tried.
        const what = !ev.from || ev.refused ? 'could not create the client' : `could not connect to ${ev.to ? `${ev.from}, routed to ${ev.to}` : ev.from}`;
        const at = ev.line ? ` (app.js line ${ev.line})` : '';
        consolePanel.add({ level: 'error', text: `${ev.label}: ${what}: ${ev.error}${at}`, line: ev.line });
      }
      break;
    case 'client-error':
      // A refused request is the script's mistake (an error, with its line); the rest are the
      // broker's or the network's (a warning).
      consolePanel.add(ev.request
        ? { level: 'error', text: `${ev.label}: ${ev.request} refused: ${ev.error}${ev.line ? ` (app.js line ${ev.line})` : ''}`, line: ev.line }
        : { level: 'warn', text: `${ev.label}: ${ev.error}` });
      break;
    case 'msg':
      log.add(ev);
      chart.add(ev.dir, ev.t);
      break;
    case 'sub':
      clientsPanel.updateSub(source, ev);
      break;
    case 'dropped':
      reportFlood(ev);
      break;
    default:
      break;
  }
}

// A flood from the script: rows past the worker's ration (runner/outbox.js) were only counted.
// One console line per flood says how many, updated as the counts grow; the chart still
// counts the messages the log did not get.
let runs = 0;
let lastFlood = null; // the counts of the latest flood, the only one still counting
function reportFlood(ev) {
  if (lastFlood?.flood !== ev.flood) lastFlood = { flood: ev.flood, in: 0, out: 0 };
  for (const dir of ['in', 'out']) if (ev[dir] > lastFlood[dir]) chart.add(dir, ev.t, ev[dir] - lastFlood[dir]);
  lastFlood.in = ev.in;
  lastFlood.out = ev.out;
  const parts = [];
  if (ev.console) parts.push(`${ev.console} console line${ev.console === 1 ? '' : 's'}`);
  const messages = ev.in + ev.out;
  if (messages) parts.push(`${messages} message${messages === 1 ? '' : 's'} (not in the log)`);
  consolePanel.note(`flood-${runs}-${ev.flood}`, {
    level: 'warn',
    text: `… ${parts.join(' and ')} dropped: a flood (at most ${ROWS_PER_SECOND} of each a second are shown)`,
  });
}

const runState = $('run-state');
const runButton = $('run');
const stopButton = $('stop');
const STATE_TEXT = {
  starting: 'starting…', running: 'running', stopping: 'stopping…', stopped: 'stopped', killed: 'stopped (terminated)', crashed: 'stopped (error)',
};
const runner = new Runner({
  onEvent: (ev) => handleEvent('run', ev),
  onState(state) {
    runState.textContent = STATE_TEXT[state] || state;
    runState.dataset.state = state;
    const active = state === 'starting' || state === 'running' || state === 'stopping';
    stopButton.disabled = !active;
    runButton.textContent = active ? '↻ Restart' : '▶ Run';
    if (!active) clientsPanel.endSource('run');
    if (state === 'starting') {
      runs++;
      lastFlood = null;
    }
    if (state === 'stopped') consolePanel.add({ level: 'info', text: 'script stopped' });
  },
});

async function run() {
  const code = editor.code;
  const { checkSyntax } = await import('./editor/syntax.js');
  const err = checkSyntax(code);
  if (err) {
    consolePanel.add({ level: 'error', text: `SyntaxError: ${err.message} (app.js line ${err.line}, column ${err.column}) — not run`, line: err.line });
    return;
  }
  if (runner.running) await runner.stop();
  clientsPanel.clearSource('run');
  consolePanel.add({ level: 'info', text: 'running app.js' });
  runner.start(code, routesBox.value);
}

runButton.addEventListener('click', run);
// The shortcut the Run button names works wherever the focus is (the editor binds it itself).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
  e.preventDefault();
  run();
});
stopButton.addEventListener('click', () => runner.stop());

const poke = createPokePanel({
  form: $('poke'),
  subForm: $('poke-sub'),
  status: $('poke-status'),
  getRoutes: () => routesBox.value,
  report: (ev) => handleEvent('poke', ev),
});

routesBox.addEventListener('change', () => {
  save({ routes: routesBox.value, routesFor: config.brokerWsUrl });
  poke.reset();
});

exampleSelect.addEventListener('change', () => {
  const ex = EXAMPLES.find((e) => e.id === exampleSelect.value);
  if (ex) {
    editor.setCode(ex.code);
    save({ code: ex.code });
  }
  exampleSelect.value = '';
});

$('share').addEventListener('click', async () => {
  const hash = await shareHash(editor.code);
  history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
  const note = $('share-note');
  note.hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(location.href);
    copied = true;
  } catch { /* no clipboard permission: the address bar has it */ }
  note.textContent = copied ? 'Share link copied to the clipboard (also in the address bar).' : 'Share link is in the address bar.';
});

$('download').addEventListener('click', () => downloadScript(editor.code));

$('theme').addEventListener('click', () => {
  theme = theme === 'dark' ? 'light' : 'dark';
  save({ theme });
  applyTheme();
  editor.setDark(theme === 'dark');
  chart.redraw();
});
systemDark.addEventListener('change', (e) => {
  if (loadSaved().theme) return;
  theme = e.matches ? 'dark' : 'light';
  applyTheme();
  editor.setDark(theme === 'dark');
  chart.redraw();
});

window.addEventListener('hashchange', async () => {
  try {
    const code = await scriptFromHash(location.hash);
    if (code !== null && code !== editor.code) editor.setCode(code);
  } catch (err) {
    consolePanel.add({ level: 'warn', text: `the share link is damaged (${err.message})` });
  }
});

// Ask the script to close its clients when the page goes away.
window.addEventListener('pagehide', () => runner.stop());
document.body.dataset.ready = 'true';
