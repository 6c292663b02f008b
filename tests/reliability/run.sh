#!/usr/bin/env bash
# Runs every reliability suite (node:test, one file at a time: they start brokers and time
# faults). What `npm test` runs from tests/reliability; ~4 minutes. Extra switches:
#   MQTT_REL_ASAN=0        leave out the native ASan+UBSan run of the hostile catalogue
#   MQTT_REL_RUN_KNOWN=1   also run the reproductions of known bugs (they fail until fixed)
#   MQTT_STORM_ALL=1       also the wasm-over-TCP storm; MQTT_STORM_COUNT (10000)
#   MQTT_OFFLINE_SECONDS   broker-gone window of the memory test (20)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -f wasm/package.json && ! -f wasm/dist/mqtt_wasm.wasm ]]; then
  echo "--- build the wasm package (npm run build --prefix wasm)"
  npm run build --prefix wasm
fi
mapfile -t files < <(find tests/reliability -maxdepth 1 -name '*.test.mjs' | sort)
echo "--- node --test (${#files[@]} files)"
exec node --test --test-concurrency=1 --test-force-exit --test-timeout=300000 "${files[@]}"
