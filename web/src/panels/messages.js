// The message log: time, direction, client, topic, QoS, retain, payload, size; a filter on
// topic and payload text; payloads shown as text, hex or JSON.
import { h, timeOfDay } from './dom.js';
import { asText, formatPayload, formatSize } from './payload.js';

const MAX_MESSAGES = 1000;

export function createMessageLog({ body, filterInput, modeSelect, countLabel, clearButton }) {
  const messages = [];
  let filter = '';
  let mode = modeSelect.value || 'text';
  const wrap = body.closest('.table-wrap') || body.parentElement;

  filterInput.addEventListener('input', () => { filter = filterInput.value.trim().toLowerCase(); render(); });
  modeSelect.addEventListener('change', () => { mode = modeSelect.value; render(); });
  clearButton.addEventListener('click', () => { messages.length = 0; render(); });

  function matches(m) {
    if (!filter) return true;
    if (m.topic.toLowerCase().includes(filter) || m.label.toLowerCase().includes(filter)) return true;
    if (m.dir === filter) return true;
    const t = asText(m.payload);
    return t !== null && t.toLowerCase().includes(filter);
  }

  function row(m) {
    const p = formatPayload(m.payload, mode);
    return h('tr', { class: `dir-${m.dir}`, 'data-testid': 'message-row', 'data-dir': m.dir, 'data-topic': m.topic },
      h('td', { class: 'col-time' }, timeOfDay(m.t)),
      h('td', { class: 'col-dir' }, h('span', { class: `badge dir-${m.dir}`, title: m.dir === 'in' ? 'received' : 'published' }, m.dir === 'in' ? '↓ in' : '↑ out')),
      h('td', { class: 'col-client' }, m.label),
      h('td', { class: 'col-topic' }, m.topic),
      h('td', { class: 'col-qos' }, m.qos ?? '–'),
      h('td', { class: 'col-retain' }, m.retain ? 'R' : ''),
      h('td', { class: `col-payload kind-${p.kind}` }, p.text),
      h('td', { class: 'col-size' }, formatSize(m.payload.length)));
  }

  function updateCount() {
    const shown = body.childElementCount;
    countLabel.textContent = shown === messages.length ? `${messages.length}` : `${shown} of ${messages.length}`;
  }

  function render() {
    body.replaceChildren(...messages.filter(matches).map(row));
    updateCount();
  }

  function add(m) {
    messages.push(m);
    if (messages.length > MAX_MESSAGES) {
      const dropped = messages.shift();
      const first = body.firstElementChild;
      if (first && matches(dropped)) first.remove();
    }
    if (matches(m)) {
      const stick = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 4;
      body.append(row(m));
      if (stick) wrap.scrollTop = wrap.scrollHeight;
    }
    updateCount();
  }

  return { add, clear: () => { messages.length = 0; render(); } };
}
