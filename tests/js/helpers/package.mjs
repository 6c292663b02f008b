// Where the package is, and whether it has been built (npm run build in wasm/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const wasmDir = fileURLToPath(new URL('../../../wasm/', import.meta.url));
export const built = existsSync(new URL('../../../wasm/dist/mqtt_wasm.wasm', import.meta.url))
  && existsSync(new URL('../../../wasm/dist/mqtt_wasm.mjs', import.meta.url))
  && existsSync(new URL('../../../wasm/dist/mqtt.browser.js', import.meta.url));
export const notBuilt = built ? false : 'wasm/dist is missing: run `npm run build` in wasm/ first';

// The broker as the scenarios see it: ports and stop/start/restart/pause/resume, and a fault
// proxy in front of its WebSocket listener (wsProxyPort; cutProxy() resets every connection
// through it, as a network failure would). Nothing else.
export function brokerView(broker, proxy) {
  return {
    host: broker.host,
    tcpPort: broker.tcpPort,
    wsPort: broker.wsPort,
    wsProxyPort: proxy.port,
    stop: () => broker.stop(),
    start: () => broker.restart(),  // restart() starts a stopped broker on the same ports
    restart: () => broker.restart(),
    pause: () => broker.pause(),  // frozen: connections stay open, nothing is answered
    resume: () => broker.resume(),
    cutProxy: async () => proxy.cutAll(),
  };
}
