// The console panel: what the script prints (console.*), errors with their line, and the
// runner's own notes. Lines with a script line number jump to it when clicked.
//
// Lines added in one go (a batch of events from the worker) reach the DOM together, after the
// batch: one append and one scroll, not one layout per line.
import { h, timeOfDay } from './dom.js';

const MAX_LINES = 2000;

export function createConsolePanel({ list, clearButton, onGoToLine }) {
  let stickToBottom = true;
  let pending = null;
  const notes = new Map(); // key -> the row's text span, for notes updated in place
  list.addEventListener('scroll', () => {
    stickToBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  });
  clearButton.addEventListener('click', () => clear());

  function clear() {
    list.replaceChildren();
    pending = null;
    notes.clear();
  }

  function render() {
    if (!pending) return;
    list.append(pending);
    pending = null;
    for (let extra = list.childElementCount - MAX_LINES; extra > 0; extra--) list.firstElementChild.remove();
    if (stickToBottom) list.scrollTop = list.scrollHeight;
  }

  function add({ level = 'log', text, line }) {
    const span = h('span', { class: 'console-text' }, text);
    const row = h('li', { class: `console-line level-${level}`, 'data-level': level }, h('time', {}, timeOfDay(Date.now())), span);
    if (line) {
      const link = h('button', { class: 'link', type: 'button', title: `Go to line ${line}` }, `line ${line}`);
      link.addEventListener('click', () => onGoToLine(line));
      row.append(link);
    }
    if (!pending) {
      pending = document.createDocumentFragment();
      queueMicrotask(render);
    }
    pending.append(row);
    return row;
  }

  // A line that is rewritten while what it says goes on (the count of a flood's dropped lines).
  function note(key, { level = 'warn', text }) {
    const span = notes.get(key);
    if (span?.isConnected || span?.parentElement?.parentNode === pending) {
      span.textContent = text;
      return;
    }
    const row = add({ level, text });
    row.dataset.note = key;
    notes.set(key, row.querySelector('.console-text'));
  }

  return { add, note, clear };
}
