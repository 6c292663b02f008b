// The publish/subscribe form: pokes the running script through the broker with a separate
// playground client (the same WebAssembly package, loaded in the page on first use).
import { parseRoutes } from '../runner/routing.js';

export function createPokePanel({ form, subForm, status, getRoutes, report }) {
  let client = null;
  let connecting = null;

  function setStatus(text, kind = 'info') {
    status.textContent = text;
    status.dataset.kind = kind;
  }

  async function connect() {
    if (client) return client;
    if (connecting) return connecting;
    connecting = (async () => {
      setStatus('connecting the playground client…');
      const [{ loadMqtt }, { instrumentMqtt }] = await Promise.all([
        import('../runner/load-mqtt.js'),
        import('../runner/instrument.js'),
      ]);
      const real = await loadMqtt();
      const { rules } = parseRoutes(getRoutes());
      const guard = (fn) => { try { return fn(); } catch (err) { setStatus(String(err), 'error'); return undefined; } };
      const { module } = instrumentMqtt(real, { rules, report, guard });
      return new Promise((resolve, reject) => {
        const c = module.createClient({
          host: 'playground',
          clientId: `playground-${Math.random().toString(36).slice(2, 10)}`,
          success: () => { setStatus('playground client connected', 'ok'); resolve(c); },
          fail: (err) => reject(new Error(err?.message || String(err))),
        });
        if (!c) reject(new Error('could not create the playground client'));
        c?.on('close', () => { if (client === c) client = null; });
      });
    })();
    try {
      client = await connecting;
      return client;
    } catch (err) {
      setStatus(`playground client: ${err.message}`, 'error');
      throw err;
    } finally {
      connecting = null;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const topic = String(data.get('topic') || '').trim();
    const message = String(data.get('message') ?? '');
    const qos = Number(data.get('qos') || 0);
    const retain = data.get('retain') === 'on';
    if (!topic) { setStatus('a topic is needed', 'error'); return; }
    let c;
    try { c = await connect(); } catch { return; }
    const rc = c.publish({
      topic, message, qos, retain,
      success: () => setStatus(`published to ${topic}`, 'ok'),
      fail: (err) => setStatus(`publish failed: ${err?.message || err}`, 'error'),
    });
    if (rc !== 0) setStatus(`publish refused (code ${rc})`, 'error');
  });

  subForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const topic = String(new FormData(subForm).get('filter') || '').trim();
    if (!topic) { setStatus('a topic filter is needed', 'error'); return; }
    let c;
    try { c = await connect(); } catch { return; }
    const rc = c.subscribe({
      topic, qos: 1,
      success: () => setStatus(`subscribed to ${topic}`, 'ok'),
      fail: (err) => setStatus(`subscribe failed: ${err?.message || err}`, 'error'),
    });
    if (rc !== 0) setStatus(`subscribe refused (code ${rc})`, 'error');
  });

  return {
    // Routing changed: the next publish connects again through the new route.
    reset() {
      const c = client;
      client = null;
      c?.close();
    },
  };
}
