// The message log: time, direction, client, topic, QoS, retain, payload, size; a filter on
// topic and payload text; payloads shown as text, hex or JSON.
import { h, timeOfDay } from './dom.js';
import { asHex, asText, formatPayload, formatSize } from './payload.js';

const MAX_MESSAGES = 1000;

export function createMessageLog({ body, filterInput, modeSelect, countLabel, clearButton }) {
  const messages = [];
  let filter = '';
  let mode = modeSelect.value || 'text';
  const wrap = body.closest('.table-wrap') || body.parentElement;

  filterInput.addEventListener('input', () => { filter = filterInput.value.trim().toLowerCase(); render(); });
  modeSelect.addEventListener('change', () => { mode = modeSelect.value; render(); });
  clearButton.addEventListener('click', () => clear());

  function matches(m) {
    if (!filter) return true;
    if (m.topic.toLowerCase().includes(filter) || m.label.toLowerCase().includes(filter)) return true;
    if (m.dir === filter) return true;
    const t = asText(m.payload);
    return t !== null && t.toLowerCase().includes(filter);
  }

  // The whole payload, as text, JSON and hex, under its row (click or Enter toggles).
  function details(m) {
    const parts = [];
    const text = asText(m.payload);
    if (text !== null) {
      let json = null;
      try { json = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
      parts.push(h('div', {}, h('strong', {}, json ? 'JSON' : 'text'), h('pre', {}, json ?? text)));
    }
    parts.push(h('div', {}, h('strong', {}, `hex (${m.payload.length} bytes)`), h('pre', {}, asHex(m.payload, 4096))));
    return h('tr', { class: 'message-details', 'data-testid': 'message-details' }, h('td', { colspan: 8 }, parts));
  }

  function toggle(tr, m) {
    const next = tr.nextElementSibling;
    if (next?.classList.contains('message-details')) {
      next.remove();
      tr.setAttribute('aria-expanded', 'false');
    } else {
      tr.after(details(m));
      tr.setAttribute('aria-expanded', 'true');
    }
  }

  function row(m) {
    const p = formatPayload(m.payload, mode);
    const tr = h('tr', { class: `dir-${m.dir}`, 'data-testid': 'message-row', 'data-dir': m.dir, 'data-topic': m.topic, tabindex: 0, 'aria-expanded': 'false' },
      h('td', { class: 'col-time' }, timeOfDay(m.t)),
      h('td', { class: 'col-dir' }, h('span', { class: `badge dir-${m.dir}`, title: m.dir === 'in' ? 'received' : 'published' }, m.dir === 'in' ? '↓ in' : '↑ out')),
      h('td', { class: 'col-client' }, m.label),
      h('td', { class: 'col-topic' }, m.topic),
      h('td', { class: 'col-qos' }, m.qos ?? '–'),
      h('td', { class: 'col-retain' }, m.retain ? 'R' : ''),
      h('td', { class: `col-payload kind-${p.kind}` }, p.text),
      h('td', { class: 'col-size' }, formatSize(m.payload.length)));
    tr.addEventListener('click', () => toggle(tr, m));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(tr, m); } });
    return tr;
  }

  function updateCount() {
    const shown = body.querySelectorAll('tr[data-testid="message-row"]').length;
    countLabel.textContent = shown === messages.length ? `${messages.length}` : `${shown} of ${messages.length}`;
  }

  function render() {
    pending = null; // all of messages is shown here
    body.replaceChildren(...messages.filter(matches).map(row));
    updateCount();
  }

  // Messages added in one go (a batch of events from the worker) reach the table together,
  // after the batch: one append, one count and one scroll, not a layout per row.
  let pending = null;
  function add(m) {
    messages.push(m);
    if (!pending) {
      pending = [];
      queueMicrotask(renderPending);
    }
    pending.push(m);
  }

  function renderPending() {
    const added = pending;
    pending = null;
    if (!added) return;
    // Rows past MAX_MESSAGES leave from the top, with their open details.
    const extra = messages.length - MAX_MESSAGES;
    if (extra > 0) {
      const fresh = new Set(added);
      for (const m of messages.splice(0, extra)) {
        if (!matches(m) || fresh.has(m)) continue;
        const first = body.firstElementChild;
        if (first?.nextElementSibling?.classList.contains('message-details')) first.nextElementSibling.remove();
        first?.remove();
      }
    }
    const kept = new Set(messages);
    const rows = added.filter((m) => kept.has(m) && matches(m)).map(row);
    if (rows.length) {
      const stick = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 4;
      body.append(...rows);
      if (stick) wrap.scrollTop = wrap.scrollHeight;
    }
    updateCount();
  }

  function clear() {
    messages.length = 0;
    pending = null;
    render();
  }

  return { add, clear };
}
