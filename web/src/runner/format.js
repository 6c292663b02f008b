// Turns console arguments into text the page can show (a worker cannot hand the page live objects).

function hexPreview(bytes, max = 32) {
  const parts = [];
  for (let i = 0; i < Math.min(bytes.length, max); i++) parts.push(bytes[i].toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > max ? ' …' : '');
}

export function formatValue(value, depth = 0, seen = new Set()) {
  if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[Function ${value.name || '(anonymous)'}]`;
  if (value instanceof Error) return value.stack && depth === 0 ? value.stack : `${value.name}: ${value.message}`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength}) <${hexPreview(new Uint8Array(value))}>`;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return `${value.constructor.name}(${value.byteLength} bytes) <${hexPreview(bytes)}>`;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth > 3) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, 50).map((v) => formatValue(v, depth + 1, seen));
      if (value.length > 50) items.push(`… ${value.length - 50} more`);
      return `[ ${items.join(', ')} ]`;
    }
    const keys = Object.keys(value);
    const items = keys.slice(0, 30).map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(value[k], depth + 1, seen)}`);
    if (keys.length > 30) items.push(`… ${keys.length - 30} more`);
    const name = value.constructor && value.constructor !== Object ? `${value.constructor.name} ` : '';
    return items.length ? `${name}{ ${items.join(', ')} }` : `${name}{}`;
  } catch {
    return Object.prototype.toString.call(value);
  } finally {
    seen.delete(value);
  }
}

// console.log('%s is %d', 'x', 1) style substitutions, then the rest separated by spaces.
export function formatArgs(args) {
  if (!args.length) return '';
  let out = [];
  let rest = args;
  if (typeof args[0] === 'string' && /%[sdifoOjc%]/.test(args[0])) {
    let i = 1;
    const first = args[0].replace(/%([sdifoOjc%])/g, (m, f) => {
      if (f === '%') return '%';
      if (i >= args.length) return m;
      const v = args[i++];
      switch (f) {
        case 's': return typeof v === 'string' ? v : formatValue(v, 1);
        case 'd': case 'i': return String(parseInt(v, 10));
        case 'f': return String(Number(v));
        case 'c': return '';
        default: return formatValue(v, 1);
      }
    });
    out.push(first);
    rest = args.slice(i);
  } else {
    out.push(formatValue(args[0]));
    rest = args.slice(1);
  }
  for (const v of rest) out.push(formatValue(v));
  return out.join(' ');
}

// Where in the user's script an error happened: the script is compiled as "app.js" and
// new Function puts two header lines before its body.
export const BODY_LINE_OFFSET = 2;

export function scriptLocation(error) {
  const stack = String(error?.stack || '');
  const m = /app\.js:(\d+):(\d+)/.exec(stack);
  if (!m) return null;
  return { line: Number(m[1]) - BODY_LINE_OFFSET, column: Number(m[2]) };
}

export function describeError(error) {
  if (error && typeof error === 'object') {
    // The client's errors carry a named code (e.g. WEBSOCKET_FAILED): say it in words first.
    if (error.name === 'MqttError') return `${error.message} (${error.codeName ?? error.code})`;
    const name = error.name || 'Error';
    const code = error.code !== undefined ? ` [${error.code}]` : '';
    return `${name}${code}: ${error.message ?? String(error)}`;
  }
  return String(error);
}
