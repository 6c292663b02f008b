// Wake-up timers that keep working in a background tab.
//
// Browsers throttle timers of hidden pages (to once a second, and after some minutes to once a
// minute for chained timers), which would starve the MQTT keep-alive. Timers inside a dedicated
// Worker are not throttled that way, and the Worker's message wakes the page's handler promptly.
// So each client's single wake-up deadline is armed in one shared Worker (created from a Blob
// URL); where a Worker cannot be created (e.g. a Content-Security-Policy without blob: in
// worker-src, or no Worker at all), plain setTimeout is the fallback.
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
  const pending = new Map();  // id -> fire

  const getWorker = () => {
    if (tried) return worker;
    tried = true;
    try {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = (e) => {
        const fire = pending.get(e.data);
        if (fire) {
          pending.delete(e.data);
          fire();
        }
      };
      worker.onerror = () => {
        worker = null;  // later timers fall back to setTimeout
      };
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
      return {
        set(ms) {
          pending.set(id, fire);
          worker.postMessage([id, ms]);
        },
        clear() {
          if (pending.delete(id) && worker) worker.postMessage([id, -1]);
        },
        dispose() {
          this.clear();
        },
      };
    },
  };
}
