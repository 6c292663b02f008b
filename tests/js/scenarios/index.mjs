// Every scenario, by name: the Node runner and the Chromium page both run this list.
// A scenario is `async (mqtt, broker, host)`: `mqtt` is the package's default export, `broker`
// has host, wsPort, tcpPort, wsProxyPort and async stop()/start()/restart()/pause()/resume()/
// cutProxy() (helpers/package.mjs, brokerView), `host` is
// 'node' or 'browser'.
import * as basic from './basic.mjs';
import * as close from './close.mjs';
import * as errors from './errors.mjs';
import * as invalid from './invalid.mjs';
import * as memory from './memory.mjs';
import * as mqtt5 from './mqtt5.mjs';
import * as payloads from './payloads.mjs';
import * as qos from './qos.mjs';
import * as reconnect from './reconnect.mjs';
import * as will from './will.mjs';

export const scenarios = {
  ...errors, ...basic, ...payloads, ...qos, ...mqtt5, ...invalid, ...close, ...memory, ...reconnect, ...will,
};
