#!/usr/bin/env bash
# `npm test`: installs what is missing (tests/setup/deps.sh), then runs every suite in order,
# going on after a failure. Ends with one line "N passed, N failed" (suites) and exits non-zero
# when any suite failed. A suite whose code does not exist yet is skipped, and says so.
#   npm test                    all suites
#   npm test -- native fuzz     only these (names below)
#   bash tests/run/<suite>.sh   one suite directly, without the summary
# Logs of each suite: build/test-logs/<suite>.log (also printed as it runs).
set -uo pipefail
cd "$(dirname "$0")/../.."

SUITES=(
  "native|gcc build (-Wall -Wextra -Werror) + ctest"
  "asan|clang ASan+UBSan build + ctest"
  "fuzz|libFuzzer targets, ${MQTT_FUZZ_SECONDS:-20}s each"
  "size|Cortex-M4 size build (5.0 and 3.1.1) + core include scan"
  "node|wasm build + node:test (fixtures, tests/js)"
  "reliability|faults, hostile brokers, failover, memory, secure defaults"
  "e2e|playground in headless Chromium"
  "bench-smoke|benchmarks, smoke run"
)
# Wall-clock cap per suite (seconds): a hung test fails its suite instead of the whole run.
SUITE_TIMEOUT=${MQTT_SUITE_TIMEOUT:-1500}

selected=("$@")
wanted() {
  ((${#selected[@]} == 0)) && return 0
  local s
  for s in "${selected[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

for s in "${selected[@]}"; do
  [[ -f tests/run/$s.sh && " ${SUITES[*]} " == *" $s|"* ]] ||
    { echo "unknown suite '$s'; suites: $(printf '%s ' "${SUITES[@]%%|*}")" >&2; exit 2; }
done

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

start_all=$SECONDS
echo "=== setup: dependencies"
if ! bash tests/setup/deps.sh --apt-only; then
  echo "setup failed: install the packages above, then run npm test again"
  echo "0 passed, 1 failed"
  exit 1
fi
# A sub-package whose npm ci fails only fails the suites that use it.
bash tests/setup/deps.sh --npm-only || echo "setup: npm ci failed somewhere (above); going on"

mkdir -p build/test-logs
passed=0 failed=0 skipped=0
results=()
for entry in "${SUITES[@]}"; do
  name=${entry%%|*}
  what=${entry#*|}
  wanted "$name" || continue
  echo
  echo "=== suite $name: $what"
  t0=$SECONDS
  log=build/test-logs/$name.log
  timeout --kill-after=30 "$SUITE_TIMEOUT" bash "tests/run/$name.sh" </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  dt=$((SECONDS - t0))
  case $rc in
    0) status=PASS; passed=$((passed + 1)) ;;
    77) status=SKIP; skipped=$((skipped + 1)) ;;
    124) status="FAIL (timed out after ${SUITE_TIMEOUT}s)"; failed=$((failed + 1)) ;;
    *) status="FAIL (exit $rc)"; failed=$((failed + 1)) ;;
  esac
  echo "=== suite $name: $status in $(fmt_time $dt)"
  results+=("$(printf '%-12s %-32s %7s  %s' "$name" "$status" "$(fmt_time $dt)" "$what")")
done

echo
echo "=== summary ($(fmt_time $((SECONDS - start_all))) in all; logs in build/test-logs/)"
printf '  %s\n' "${results[@]}"
((skipped)) && echo "  ($skipped suite(s) skipped: their code is not there yet)"
echo "$passed passed, $failed failed"
((failed == 0))
