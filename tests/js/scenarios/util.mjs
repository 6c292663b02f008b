// Helpers shared by the scenarios: client options for the test broker, and promises that wait
// on events (never on time).
let counter = 0;

export function uniqueTopic(name) {
  counter += 1;
  return `test/${name}/${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${counter}`;
}

// Options for a WebSocket connection to the test broker (both hosts speak WebSocket).
export function wsOptions(broker, extra = {}) {
  return { host: broker.host, port: broker.wsPort, protocol: 'ws', path: '/mqtt', ...extra };
}

// Resolves with the arguments of the next `name` event.
export function next(client, name) {
  return new Promise((resolve) => client.once(name, (...args) => resolve(args)));
}

// createClient, resolving once connected (success) and rejecting on fail.
export function connect(mqtt, options) {
  return new Promise((resolve, reject) => {
    const client = mqtt.createClient({
      ...options,
      success: () => resolve(client),
      fail: (e) => reject(e),
    });
    if (!client) reject(new Error('createClient returned null'));
  });
}

// Calls `method` with success/fail turned into a promise; checks the return code is 0.
export function request(client, method, options) {
  return new Promise((resolve, reject) => {
    const rc = client[method]({ ...options, success: resolve, fail: reject });
    if (rc !== 0) reject(new Error(`${method} returned ${rc}`));
  });
}

// Collects messages; `waitFor(n)` resolves once n messages have arrived.
export function collector(client) {
  const messages = [];
  let waiters = [];
  client.on('message', (topic, payload, info) => {
    messages.push({ topic, payload, info });
    waiters = waiters.filter((w) => {
      if (messages.length >= w.n) {
        w.resolve(messages.slice());
        return false;
      }
      return true;
    });
  });
  return {
    messages,
    waitFor(n) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

export function closeClient(client) {
  if (!client || client.closed) return Promise.resolve();
  return new Promise((resolve) => {
    client.once('close', resolve);
    if (client.close() !== 0) resolve();
  });
}
