// Loads the real WebAssembly package and returns the `mqtt` module object of the API
// contract (the object with createClient).
import * as pkg from 'mqtt-wasm';

export async function loadMqtt() {
  let m = pkg.default && typeof pkg.default === 'object' ? pkg.default : pkg;
  if (typeof pkg.init === 'function') await pkg.init();
  if (m.ready && typeof m.ready.then === 'function') await m.ready;
  if (typeof m.createClient !== 'function') throw new Error('the package has no createClient');
  return m;
}
