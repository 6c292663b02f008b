// Page side of the sandbox: starts the worker, forwards its events, watches that it yields,
// and stops it (graceful close of its clients first, then terminate()).

const WATCHDOG_INTERVAL_MS = 500;
const WATCHDOG_LIMIT_MS = 3000;
const STOP_GRACE_MS = 1500;

export class Runner {
  // onEvent(event) gets every event from the script; onState(state, detail) gets
  // 'starting' | 'running' | 'stopping' | 'stopped' | 'killed' | 'crashed'.
  constructor({ onEvent, onState }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.worker = null;
    this.state = 'stopped';
  }

  get running() {
    return this.worker !== null;
  }

  // Runs a script; one already running is first stopped gracefully (its clients close).
  async start(code, routes) {
    if (this.worker) await this.stop();
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'app.js' });
    this.worker = worker;
    this.lastPong = performance.now();
    this.lastCheck = undefined;
    this.pingSeq = 0;
    this.setState('starting');
    worker.addEventListener('message', (e) => this.onMessage(worker, e.data));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (this.worker !== worker) return;
      this.onEvent({ type: 'console', level: 'error', text: `worker failed: ${e.message || 'could not start'}` });
      this.finish('crashed');
    });
    worker.postMessage({ type: 'run', code, routes });
    this.watchdog = setInterval(() => this.checkAlive(worker), WATCHDOG_INTERVAL_MS);
  }

  onMessage(worker, msg) {
    if (worker !== this.worker || !msg) return;
    switch (msg.type) {
      case 'pong':
        this.lastPong = performance.now();
        break;
      case 'events':
        // Not a sign of life: a script that prints in an endless loop still sends events
        // (runner/outbox.js), and only a pong says the worker yields.
        for (const ev of msg.events) {
          if (ev.type === 'state') {
            if (ev.state === 'running') this.setState('running');
            else if (ev.state === 'crashed') this.finish('crashed');
          } else {
            this.onEvent(ev);
          }
        }
        break;
      case 'stopped':
        this.finish('stopped');
        break;
      default:
        break;
    }
  }

  checkAlive(worker) {
    if (worker !== this.worker) return;
    const now = performance.now();
    // If the page itself was stalled, the worker's answers may still be queued: wait a round.
    const pageStalled = this.lastCheck !== undefined && now - this.lastCheck > 3 * WATCHDOG_INTERVAL_MS;
    this.lastCheck = now;
    const silent = now - this.lastPong;
    if (silent > WATCHDOG_LIMIT_MS && !pageStalled) {
      this.onEvent({
        type: 'console', level: 'error',
        text: `stopped: script did not yield for ${(silent / 1000).toFixed(1)} s (an endless loop?) — the worker was terminated`,
      });
      this.finish('killed');
      return;
    }
    worker.postMessage({ type: 'ping', n: ++this.pingSeq });
  }

  // Graceful: the worker clears its timers and closes its clients (DISCONNECT), then it is
  // terminated; after STOP_GRACE_MS it is terminated anyway.
  stop() {
    if (!this.worker) return Promise.resolve();
    if (this.state === 'stopping') return this.stopped;
    this.stopped = new Promise((resolve) => { this.resolveStopped = resolve; });
    this.setState('stopping');
    this.worker.postMessage({ type: 'stop' });
    const worker = this.worker;
    this.graceTimer = setTimeout(() => {
      if (this.worker === worker) {
        this.onEvent({ type: 'console', level: 'warn', text: 'stopped: script did not yield to close its clients — the worker was terminated' });
        this.finish('killed');
      }
    }, STOP_GRACE_MS);
    return this.stopped;
  }

  finish(state, detail) {
    clearInterval(this.watchdog);
    clearTimeout(this.graceTimer);
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.setState(state, detail);
    this.resolveStopped?.();
    this.resolveStopped = null;
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }
}
