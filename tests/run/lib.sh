# Shared by the suite scripts in tests/run/ (sourced, not run).
# Each suite script exits 0 (passed), 77 (skipped: the part it tests does not exist yet) or
# anything else (failed). Every suite can also be run on its own: bash tests/run/<suite>.sh

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# Two cores are shared by several people: never more than two jobs.
JOBS=${MQTT_JOBS:-2}
export CMAKE_BUILD_PARALLEL_LEVEL=$JOBS CTEST_PARALLEL_LEVEL=$JOBS
# Debian's emcc runs its JS optimizer with Debian's acorn.
if [[ -d /usr/share/nodejs ]]; then
  export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
fi

skip() {
  echo "SKIP: $* (not present yet)"
  exit 77
}

step() {
  echo "--- $*"
}

# cmake_build DIR [cmake -D options...]: configure (once) with Ninja and build everything.
cmake_build() {
  local dir=$1
  shift
  step "configure $dir"
  mkdir -p "$(dirname "$dir")"
  cmake -S . -B "$dir" -G Ninja -Wno-dev "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  step "build $dir (-j$JOBS)"
  cmake --build "$dir" -j "$JOBS" -- -k 0  # -k 0: report every failing file, not just the first
}

# with_broker CMD...: runs CMD with a Mosquitto on loopback (tests/fixtures/broker.mjs) and
# MQTT_TEST_HOST, MQTT_TEST_PORT, MQTT_TEST_WS_PORT exported; stops the broker afterwards.
with_broker() {
  local out fifo pid line rc=0
  out=$(mktemp -d)
  fifo=$out/ports
  mkfifo "$fifo"
  node tests/fixtures/broker.mjs >"$fifo" &
  pid=$!
  # The first line is the ports JSON, printed once every listener accepts connections.
  if ! read -r line <"$fifo"; then
    echo "with_broker: the broker did not start" >&2
    wait "$pid" || true
    rm -rf "$out"
    return 1
  fi
  export MQTT_TEST_HOST=127.0.0.1
  MQTT_TEST_PORT=$(node -e 'console.log(JSON.parse(process.argv[1]).tcpPort)' "$line")
  MQTT_TEST_WS_PORT=$(node -e 'console.log(JSON.parse(process.argv[1]).wsPort)' "$line")
  export MQTT_TEST_PORT MQTT_TEST_WS_PORT
  echo "with_broker: mosquitto on 127.0.0.1 tcp $MQTT_TEST_PORT ws $MQTT_TEST_WS_PORT"
  "$@" || rc=$?
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$out"
  unset MQTT_TEST_HOST MQTT_TEST_PORT MQTT_TEST_WS_PORT
  return "$rc"
}
