// The console panel: what the script prints (console.*), errors with their line, and the
// runner's own notes. Lines with a script line number jump to it when clicked.
import { h, timeOfDay } from './dom.js';

const MAX_LINES = 2000;

export function createConsolePanel({ list, clearButton, onGoToLine }) {
  let count = 0;
  let stickToBottom = true;
  list.addEventListener('scroll', () => {
    stickToBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  });
  clearButton.addEventListener('click', () => clear());

  function clear() {
    list.replaceChildren();
    count = 0;
  }

  function add({ level = 'log', text, line }) {
    const row = h('li', { class: `console-line level-${level}`, 'data-level': level },
      h('time', {}, timeOfDay(Date.now())),
      h('span', { class: 'console-text' }, text));
    if (line) {
      const link = h('button', { class: 'link', type: 'button', title: `Go to line ${line}` }, `line ${line}`);
      link.addEventListener('click', () => onGoToLine(line));
      row.append(link);
    }
    list.append(row);
    if (++count > MAX_LINES) {
      list.firstChild.remove();
      count--;
    }
    if (stickToBottom) list.scrollTop = list.scrollHeight;
  }

  return { add, clear };
}
