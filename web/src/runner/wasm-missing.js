// Resolved instead of the real package while wasm/ has not been built yet.
export function createClient() {
  throw new Error('mqtt-wasm is not built yet: run `npm run build --prefix wasm`');
}
export default { createClient };
