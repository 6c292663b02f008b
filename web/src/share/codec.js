// The share link: the script compressed (deflate-raw) and base64url-encoded in the URL hash,
// `#code=...`. No server keeps anything. Works in browsers and in Node (tests build links).

async function pump(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function encodeScript(code) {
  const packed = await pump(new TextEncoder().encode(code), new CompressionStream('deflate-raw'));
  return toBase64Url(packed);
}

export async function decodeScript(encoded) {
  const raw = await pump(fromBase64Url(encoded), new DecompressionStream('deflate-raw'));
  return new TextDecoder('utf-8', { fatal: true }).decode(raw);
}

export async function shareHash(code) {
  return `#code=${await encodeScript(code)}`;
}

// The script in a location hash, or null when there is none (throws when it is damaged).
export async function scriptFromHash(hash) {
  const m = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(hash || '');
  return m ? decodeScript(m[1]) : null;
}
