// Messages per second, in and out, over the last minute: a small canvas drawing.
const SECONDS = 60;

export function createRateChart({ canvas, legend }) {
  const buckets = new Map(); // second -> { in, out }
  let raf = 0;

  function add(dir, t = Date.now(), n = 1) {
    const s = Math.floor(t / 1000);
    const b = buckets.get(s) || { in: 0, out: 0 };
    b[dir] += n;
    buckets.set(s, b);
  }

  function draw() {
    raf = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const s of buckets.keys()) if (s < now - SECONDS) buckets.delete(s);
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const hgt = canvas.clientHeight;
    if (!w || !hgt) return;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const css = getComputedStyle(canvas);
    const colIn = css.getPropertyValue('--in').trim() || '#2a7';
    const colOut = css.getPropertyValue('--out').trim() || '#37c';
    const grid = css.getPropertyValue('--grid').trim() || '#8884';
    const text = css.getPropertyValue('--muted').trim() || '#888';

    let max = 1;
    const series = [];
    for (let i = SECONDS - 1; i >= 0; i--) {
      const b = buckets.get(now - i) || { in: 0, out: 0 };
      series.push(b);
      max = Math.max(max, b.in, b.out);
    }
    const nice = max <= 5 ? 5 : Math.ceil(max / 5) * 5;
    const padL = 28;
    const padB = 4;
    const plotW = w - padL - 4;
    const plotH = hgt - padB - 8;
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = text;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    for (const v of [0, nice / 2, nice]) {
      const y = 8 + plotH - (v / nice) * plotH;
      ctx.beginPath();
      ctx.moveTo(padL, Math.round(y) + 0.5);
      ctx.lineTo(w - 4, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.fillText(String(v), 2, y + 3);
    }
    const line = (key, color, dash) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(dash);
      ctx.beginPath();
      series.forEach((b, i) => {
        const x = padL + (i / (SECONDS - 1)) * plotW;
        const y = 8 + plotH - (b[key] / nice) * plotH;
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    };
    // Out dashed, in solid: the two stay apart where they overlap (a round trip).
    line('in', colIn, []);
    line('out', colOut, [4, 3]);
    ctx.setLineDash([]);
    const last = series[series.length - 2] || { in: 0, out: 0 };
    const inEl = document.createElement('span');
    inEl.className = 'in';
    inEl.textContent = `↓ in ${last.in}/s`;
    const outEl = document.createElement('span');
    outEl.className = 'out';
    outEl.textContent = `↑ out ${last.out}/s`;
    legend.replaceChildren(inEl, ' · ', outEl);
  }

  function schedule() {
    if (!raf) raf = requestAnimationFrame(draw);
  }
  setInterval(schedule, 1000);
  new ResizeObserver(schedule).observe(canvas);
  schedule();

  return { add, redraw: schedule };
}
