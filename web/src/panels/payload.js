// Payload views for the message log: text (UTF-8), hex, JSON.
const decoder = new TextDecoder('utf-8', { fatal: true });

export function asText(bytes) {
  try {
    const s = decoder.decode(bytes);
    // Control characters (other than tab/newline) make it binary to the eye.
    return /[\u0000-\u0008\u000e-\u001f]/.test(s) ? null : s;
  } catch {
    return null;
  }
}

export function asHex(bytes, max = 64) {
  const parts = [];
  for (let i = 0; i < Math.min(bytes.length, max); i++) parts.push(bytes[i].toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > max ? ` … (+${bytes.length - max})` : '');
}

export function asJson(bytes) {
  const s = asText(bytes);
  if (s === null) return null;
  try {
    return JSON.stringify(JSON.parse(s));
  } catch {
    return null;
  }
}

// mode: 'text' | 'hex' | 'json'; falls back to hex for bytes that are not text.
export function formatPayload(bytes, mode) {
  if (bytes.length === 0) return { text: '(empty)', kind: 'empty' };
  if (mode === 'hex') return { text: asHex(bytes), kind: 'hex' };
  if (mode === 'json') {
    const j = asJson(bytes);
    if (j !== null) return { text: j, kind: 'json' };
  }
  const t = asText(bytes);
  if (t !== null) return { text: t.length > 500 ? `${t.slice(0, 500)}…` : t, kind: 'text' };
  return { text: asHex(bytes), kind: 'hex' };
}

export function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
