// Maps the `host:port` a device script passes to createClient to a WebSocket endpoint,
// because a browser cannot open TCP. Rules, one a line, first match wins:
//
//   test.mosquitto.org:1883 -> ws://127.0.0.1:9001/mqtt
//   *.example.com:*         -> ws://127.0.0.1:9002/mqtt
//   *                       -> ws://127.0.0.1:9001/mqtt     (the default: the local broker)
//
// Lines starting with # are comments.

const DEFAULT_MQTT_PORT = 1883;

function globToRegExp(glob) {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

export function parseRoutes(text) {
  const rules = [];
  const errors = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s*(?:->|→|=)\s*(\S+)$/.exec(line);
    if (!m || !/^wss?:\/\//i.test(m[2])) {
      errors.push({ line: i + 1, message: `expected "host:port -> ws://host:port/path", got "${line}"` });
      return;
    }
    const from = m[1];
    const colon = from.lastIndexOf(':');
    const hostGlob = from === '*' ? '*' : colon > 0 ? from.slice(0, colon) : from;
    const portGlob = from === '*' ? '*' : colon > 0 ? from.slice(colon + 1) : '*';
    rules.push({ from, to: m[2], host: globToRegExp(hostGlob), port: globToRegExp(portGlob) });
  });
  return { rules, errors };
}

export function defaultRoutes(brokerWsUrl) {
  return `# host:port the script uses -> WebSocket endpoint (first match wins)\n* -> ${brokerWsUrl}`;
}

// The endpoint for host:port, or null when no rule matches.
export function resolveRoute(rules, host, port = DEFAULT_MQTT_PORT) {
  const p = String(port ?? DEFAULT_MQTT_PORT);
  for (const rule of rules) {
    if (rule.host.test(String(host)) && rule.port.test(p)) return rule.to;
  }
  return null;
}

export function describeTarget(host, port) {
  return `${host}:${port ?? DEFAULT_MQTT_PORT}`;
}
