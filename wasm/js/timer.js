// Wake-up timers that keep working in a background tab.
//
// Browsers throttle timers of hidden pages (to once a second, and after some minutes to once a
// minute for chained timers), which would starve the MQTT keep-alive. Timers inside a dedicated
// Worker are not throttled that way, and the Worker's message wakes the page's handler promptly.
// So each client's single wake-up deadline is armed in one shared Worker (created from a Blob
// URL); where a Worker cannot be created (no Worker at all, or a constructor that throws), plain
// setTimeout is the fallback. Chromium refuses a blob: Worker under a Content-Security-Policy
// without blob: in worker-src only after constructing it, with an error event: then every timer
// moves to setTimeout, keeping its deadline.
const WORKER_SOURCE = `const t=new Map();onmessage=e=>{const[i,ms]=e.data;clearTimeout(t.get(i));t.delete(i);if(ms>=0)t.set(i,setTimeout(()=>{t.delete(i);postMessage(i)},ms))}`;

// A plain setTimeout wake-up: Node's timers, and the fallback in a browser.
export function plainTimer(fire) {
  let handle = null;
  return {
    set(ms) {
      if (handle !== null) clearTimeout(handle);
      handle = setTimeout(() => {
        handle = null;
        fire();
      }, ms);
    },
    clear() {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    },
    dispose() {
      this.clear();
    },
  };
}

export function createTimerSource() {
  let worker = null;
  let tried = false;
  let nextId = 1;
  // id -> { fire, due (performance.now() deadline while armed in the Worker, else null), plain
  // (its setTimeout timer once the Worker has failed) }, from create() until dispose().
  const timers = new Map();

  const workerFailed = () => {
    worker = null;
    for (const t of timers.values()) {
      t.plain = plainTimer(t.fire);
      if (t.due !== null) t.plain.set(Math.max(0, t.due - performance.now()));
      t.due = null;
    }
  };

  const getWorker = () => {
    if (tried) return worker;
    tried = true;
    try {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = (e) => {
        const t = timers.get(e.data);
        if (t && t.due !== null) {
          t.due = null;
          t.fire();
        }
      };
      worker.onerror = workerFailed;
    } catch (e) {
      worker = null;
    }
    return worker;
  };

  return {
    create(fire) {
      // Inside a Worker (no document) timers are not throttled with the page: no helper needed.
      if (typeof document === 'undefined' || typeof Worker !== 'function' || !getWorker()) return plainTimer(fire);
      const id = nextId++;
      const t = { fire, due: null, plain: null };
      timers.set(id, t);
      return {
        set(ms) {
          if (t.plain) return t.plain.set(ms);
          t.due = performance.now() + ms;
          worker.postMessage([id, ms]);
        },
        clear() {
          if (t.plain) return t.plain.clear();
          if (t.due === null) return;
          t.due = null;
          worker.postMessage([id, -1]);
        },
        dispose() {
          this.clear();
          timers.delete(id);
        },
      };
    },
  };
}
