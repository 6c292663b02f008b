// A few assertions that run the same in Node and in a browser page (no node:assert there).
function fmt(v) {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? String(x) : x));
  } catch (e) {
    return String(v);
  }
}

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function ok(value, message) {
  if (!value) throw new AssertionError(message || `expected a truthy value, got ${fmt(value)}`);
}

export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? `${message}: ` : ''}expected ${fmt(expected)}, got ${fmt(actual)}`);
  }
}

export function notEqual(actual, unexpected, message) {
  if (Object.is(actual, unexpected)) throw new AssertionError(`${message ? `${message}: ` : ''}did not expect ${fmt(actual)}`);
}

export function deepEqual(actual, expected, message) {
  const a = fmt(actual);
  const b = fmt(expected);
  if (a !== b) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${b}, got ${a}`);
}

export function bytesEqual(actual, expected, message) {
  const a = new Uint8Array(actual);
  const b = new Uint8Array(expected);
  if (a.length !== b.length) throw new AssertionError(`${message ? `${message}: ` : ''}length ${a.length}, expected ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new AssertionError(`${message ? `${message}: ` : ''}byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}
