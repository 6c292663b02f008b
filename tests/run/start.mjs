// `npm start` (interim, until the playground's start script takes over): installs what is
// missing, builds the native `mqtt` tool, starts a local Mosquitto on free loopback ports, prints
// them, and shows a client talking to it: a subscriber on demo/# and a publisher sending a
// heartbeat. Uses our `mqtt sub`/`mqtt pub` when the native CLI builds, Mosquitto's own clients
// otherwise. Ctrl-C stops everything.
//
// Pieces others can reuse (import from this file): setupDeps(), buildNativeCli(), demoClients().
//   node tests/run/start.mjs [--no-build] [--no-demo]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const jobs = process.env.MQTT_JOBS || '2';

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: repoDir, stdio: 'inherit', ...options });
  return result.status === 0;
}

export function setupDeps() {
  if (!run('bash', ['tests/setup/deps.sh'])) {
    throw new Error('dependency setup failed (see above)');
  }
}

// Builds native/cli (the `mqtt` tool) in build/dev; returns its path, or null when the native
// host is not there yet or does not build (the demo then uses mosquitto_pub/mosquitto_sub).
export function buildNativeCli() {
  if (!fs.existsSync(path.join(repoDir, 'native', 'CMakeLists.txt'))) return null;
  const build = path.join('build', 'dev');
  console.log(`start: building the native mqtt tool in ${build}`);
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  if (!run('cmake', ['-S', '.', '-B', build, '-G', 'Ninja', '-Wno-dev',
    '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DMQTT_BUILD_TESTS=OFF'], quiet) ||
      !run('cmake', ['--build', build, '-j', jobs, '--target', 'mqtt_cli'], quiet)) {
    console.log('start: the native mqtt tool does not build yet; using mosquitto_pub/mosquitto_sub');
    return null;
  }
  const found = spawnSync('find', [build, '-type', 'f', '-name', 'mqtt', '-perm', '-u+x'],
    { cwd: repoDir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return found.length ? path.join(repoDir, found[0]) : null;
}

// A subscriber on demo/# printing what it receives, and a heartbeat published every 5 s.
// Returns { stop() }.
export function demoClients(broker, cli) {
  const port = String(broker.tcpPort);
  const sub = cli
    ? [cli, ['sub', '-h', broker.host, '-p', port, '-t', 'demo/#', '-v']]
    : ['mosquitto_sub', ['-h', broker.host, '-p', port, '-t', 'demo/#', '-v']];
  const pub = (message) => (cli
    ? [cli, ['pub', '-h', broker.host, '-p', port, '-t', 'demo/heartbeat', '-m', message]]
    : ['mosquitto_pub', ['-h', broker.host, '-p', port, '-t', 'demo/heartbeat', '-m', message]]);

  const yours = cli ? `${path.relative(repoDir, cli)} pub` : 'mosquitto_pub';
  console.log(`start: ${cli ? 'mqtt sub' : 'mosquitto_sub'} is listening on demo/#; a heartbeat is published every 5 s`);
  console.log(`start: publish yourself: ${yours} -h ${broker.host} -p ${port} -t demo/you -m hello`);
  const subscriber = spawn(sub[0], sub[1], { stdio: ['ignore', 'pipe', 'inherit'] });
  subscriber.stdout.on('data', (d) => process.stdout.write(`[sub] ${d}`));
  let count = 0;
  const beat = () => {
    count += 1;
    const [cmd, args] = pub(`heartbeat ${count} at ${new Date().toISOString()}`);
    spawn(cmd, args, { stdio: 'inherit' });
  };
  const timer = setInterval(beat, 5000);
  beat();
  return {
    stop() {
      clearInterval(timer);
      subscriber.kill('SIGTERM');
    },
  };
}

async function main() {
  const args = process.argv.slice(2);
  setupDeps();
  const cli = args.includes('--no-build') ? null : buildNativeCli();
  const { startBroker } = await import(pathToFileURL(path.join(repoDir, 'tests', 'fixtures', 'broker.mjs')).href);
  const broker = await startBroker();
  console.log(`start: broker  mqtt://${broker.host}:${broker.tcpPort}  ws://${broker.host}:${broker.wsPort}/mqtt  (log: ${broker.logPath})`);
  console.log(JSON.stringify({ host: broker.host, tcpPort: broker.tcpPort, wsPort: broker.wsPort }));
  const demo = args.includes('--no-demo') ? null : demoClients(broker, cli);
  if (fs.existsSync(path.join(repoDir, 'web', 'package.json'))) {
    console.log('start: the playground has its own start for now: npm start --prefix web');
  }
  console.log('start: Ctrl-C stops everything');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    demo?.stop();
    await broker.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  broker.process.once('exit', () => {
    if (stopping) return;
    console.error(`start: mosquitto exited unexpectedly; log:\n${broker.log()}`);
    demo?.stop();
    process.exit(1);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`start: ${err.message}`);
    process.exit(1);
  });
}
