// One JavaScript client benchmark in Node, as its own process (so it can be pinned to a core):
//   node js/node-client.mjs --lib wasm|mqttjs --mode recv|pub|e2e|rtt --transport tcp|ws
//        --port P [--count N --payload B --qos Q --window W]
// Prints "RESULT {json}". CPU: process.cpuUsage() (user + system, every thread of the process).
import { run } from './modes.mjs';

const a = { host: '127.0.0.1', transport: 'tcp', mode: 'recv', count: 100000, payload: 64, qos: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i + 1 < argv.length; i += 2) {
  const k = argv[i].replace(/^--/, '');
  const v = argv[i + 1];
  a[k] = /^\d+$/.test(v) ? Number(v) : v;
}

let module;
if (a.lib === 'wasm') module = (await import(process.env.MQTT_WASM_MODULE || '../../../wasm/js/node.js')).default;
else if (a.lib === 'mqttjs') module = (await import('mqtt')).default;
else throw new Error(`no ${a.lib} client in Node`);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
try {
  const r = await run(a.lib, module, a, { cpu });
  r.host = `node ${process.version}`;
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
} catch (e) {
  console.error(`${a.lib} ${a.mode}: ${e.message}`);
  process.exit(1);
}
