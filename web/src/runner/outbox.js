// What the worker sends the page, and how much of it.
//
// Events go in batches (a script publishing in a tight loop does not flood the page), the
// first few of each batch's window at once (what a script prints just before an endless loop
// still reaches the page). Rows (console lines, logged messages) are rationed: at most
// ROWS_PER_SECOND of each kind per one-second window; the rest of a flood is only counted, and
// a 'dropped' event with the running counts is sent at once and then every NOTE_MS while it
// lasts, so the page can say so even when the loop never yields. The worker holds at most
// MAX_QUEUED events: more are posted without waiting for the batch timer.

export const ROWS_PER_SECOND = 1000;
const BATCH_MS = 30;
const EAGER_PER_BATCH = 50;
const MAX_QUEUED = 200;
const NOTE_MS = 100;

// A refused request (client-error) is shown as a console line too.
const ROW_KINDS = { console: () => 'console', 'client-error': () => 'console', msg: (event) => event.dir };
const rowKind = (event) => ROW_KINDS[event.type]?.(event) ?? null;

// post(message, transfer) sends to the page; setTimer(fn, ms) is a timer the script cannot clear.
export function createOutbox({ post, setTimer, now = () => performance.now() }) {
  let queue = [];
  let transfers = [];
  let flushTimer = null;
  let eager = 0;
  let windowStart = -Infinity;
  let kept = { console: 0, in: 0, out: 0 };
  let floods = 0;
  let flood = null; // { id, console, in, out, noted, notedAt }

  function report(event, transfer) {
    const kind = rowKind(event);
    if (kind) {
      const t = now();
      if (t - windowStart >= 1000) {
        if (flood) endFlood();
        windowStart = t;
        kept = { console: 0, in: 0, out: 0 };
      }
      // Messages in and out share one ration, as they share the message log.
      const used = kind === 'console' ? kept.console : kept.in + kept.out;
      if (used >= ROWS_PER_SECOND) {
        drop(kind, t);
        return;
      }
      kept[kind]++;
    }
    queue.push(event);
    if (transfer) transfers.push(...transfer);
    if (eager < EAGER_PER_BATCH || queue.length >= MAX_QUEUED) {
      eager++;
      flush();
    }
    if (flushTimer === null) {
      flushTimer = setTimer(() => {
        flushTimer = null;
        eager = 0;
        flush();
      }, BATCH_MS);
    }
  }

  function drop(kind, t) {
    flood ??= { id: ++floods, console: 0, in: 0, out: 0, noted: false, notedAt: -Infinity };
    flood[kind]++;
    flood.noted = false;
    if (t - flood.notedAt >= NOTE_MS) {
      flood.notedAt = t;
      flush();
    }
  }

  function endFlood() {
    if (!flood.noted) queue.push(note());
    flood = null;
  }

  function note() {
    flood.noted = true;
    return { type: 'dropped', flood: flood.id, console: flood.console, in: flood.in, out: flood.out, t: Date.now() };
  }

  // Sends what is queued, with the current counts of a flood that changed since last said.
  function flush() {
    if (flood && !flood.noted) queue.push(note());
    if (!queue.length) return;
    const events = queue;
    const t = transfers;
    queue = [];
    transfers = [];
    post({ type: 'events', events }, t);
  }

  return { report, flush };
}
