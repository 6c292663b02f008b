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
  let lastNote = null; // { key, span }: only the latest note is still updated
  list.addEventListener('scroll', () => {
    stickToBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  });
  clearButton.addEventListener('click', () => clear());

  function clear() {
    list.replaceChildren();
    pending = null;
    lastNote = null;
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

  // A line that is rewritten while what it says goes on (the count of a flood's dropped
  // lines); a new key starts a new line.
  function note(key, { level = 'warn', text }) {
    if (lastNote?.key === key && (lastNote.span.isConnected || lastNote.span.parentElement?.parentNode === pending)) {
      lastNote.span.textContent = text;
      return;
    }
    const row = add({ level, text });
    row.dataset.note = key;
    lastNote = { key, span: row.querySelector('.console-text') };
  }

  return { add, note, clear };
}
