// Each client's connection state and route, and the active subscriptions.
import { h } from './dom.js';

const STATE_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected, reconnecting…',
  closed: 'closed',
  failed: 'failed',
};

export function createClientsPanel({ list, subsList, emptyHint }) {
  const clients = new Map(); // key -> { el, info }
  const subs = new Map(); // key -> el

  function key(source, id) {
    return `${source}:${id}`;
  }

  function renderClient(c) {
    const state = c.state;
    return h('li', { class: `client state-${state}`, 'data-testid': 'client', 'data-state': state, 'data-client-id': c.label, 'data-reconnected': c.reconnects ? String(c.reconnects) : undefined },
      h('div', { class: 'client-head' },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('strong', {}, c.label),
        h('span', { class: 'client-state', 'data-testid': 'client-state' },
          STATE_TEXT[state] || state, c.reconnects && state === 'connected' ? ` (reconnected ×${c.reconnects})` : '')),
      c.from ? h('div', { class: 'route', 'data-testid': 'route', title: 'the script\'s address → the WebSocket endpoint used' },
        h('span', {}, c.from), ' → ', h('span', {}, c.to ?? 'no route')) : null,
      c.error ? h('div', { class: 'client-error', 'data-testid': 'client-error' }, c.error) : null);
  }

  function update(source, ev) {
    const k = key(source, ev.id);
    const prev = clients.get(k)?.info || {};
    const info = { ...prev, ...ev, reconnects: (prev.reconnects || 0) + (ev.reconnected ? 1 : 0) };
    if (ev.state === 'connected' || ev.state === 'connecting') info.error = ev.error;
    const el = renderClient(info);
    const old = clients.get(k)?.el;
    if (old) old.replaceWith(el);
    else list.append(el);
    clients.set(k, { el, info });
    emptyHint.hidden = clients.size > 0;
  }

  function updateSub(source, ev) {
    const k = `${source}:${ev.client}:${ev.topic}`;
    const old = subs.get(k);
    if (ev.state === 'removed') {
      old?.remove();
      subs.delete(k);
      return;
    }
    const el = h('li', { class: `sub sub-${ev.state}`, 'data-testid': 'subscription', 'data-topic': ev.topic },
      h('code', {}, ev.topic),
      h('span', { class: 'muted' }, ` QoS ${ev.qos ?? 0} · ${ev.label}`),
      ev.state !== 'granted' ? h('span', { class: `badge sub-state-${ev.state}` }, ev.state) : null,
      ev.error ? h('span', { class: 'client-error' }, ` ${ev.error}`) : null);
    if (old) old.replaceWith(el);
    else subsList.append(el);
    subs.set(k, el);
  }

  // A run ended: its clients are gone (closed by Stop, or with the worker).
  function endSource(source) {
    for (const [k, { info }] of clients) {
      if (k.startsWith(`${source}:`) && info.state !== 'closed' && info.state !== 'failed') update(source, { id: info.id, state: 'closed' });
    }
    for (const [k, el] of subs) {
      if (k.startsWith(`${source}:`)) { el.remove(); subs.delete(k); }
    }
  }

  function clearSource(source) {
    for (const [k, { el }] of clients) if (k.startsWith(`${source}:`)) { el.remove(); clients.delete(k); }
    for (const [k, el] of subs) if (k.startsWith(`${source}:`)) { el.remove(); subs.delete(k); }
    emptyHint.hidden = clients.size > 0;
  }

  return { update, updateSub, endSource, clearSource };
}
