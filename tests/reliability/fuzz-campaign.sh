#!/usr/bin/env bash
# The fuzzing campaign: runs each libFuzzer target (tests/fuzz/fuzz_*.cpp) for a set time on its
# corpus tests/fuzz/corpus/<target>/, merges the new units that add coverage back into that corpus
# (libFuzzer -merge=1: only units with new features are kept), and turns every crash, leak or
# timeout into a regression file tests/fuzz/regressions/<target>/<kind>-<sha1>.
#
#   bash tests/reliability/fuzz-campaign.sh [--minutes N] [--targets "decoder session"] [--jobs N]
#
# Default: 10 minutes per target, one after the other, under `nice -n 10` (shared machine).
# Ends with one summary line per target: executions, exec/s, cov (edges), ft (features), corpus
# size before/after, crashes. Exit status non-zero when a target crashed.
# Build: clang, -fsanitize=fuzzer,address,undefined, in build/fuzz-campaign (MQTT_FUZZ=ON).
set -uo pipefail
cd "$(dirname "$0")/../.."

MINUTES=10
TARGETS="decoder session"
while (($#)); do
  case $1 in
    --minutes) MINUTES=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "fuzz-campaign: unknown argument $1" >&2; exit 2 ;;
  esac
done

BUILD=build/fuzz-campaign
mkdir -p build
echo "--- configure $BUILD"
cmake -S . -B $BUILD -G Ninja -Wno-dev \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMQTT_FUZZ=ON -DMQTT_SANITIZE=ON -DMQTT_BUILD_NATIVE=OFF >$BUILD.configure.log 2>&1 ||
  { cat $BUILD.configure.log; exit 1; }
targets=()
for t in $TARGETS; do targets+=("fuzz_$t"); done
echo "--- build ${targets[*]}"
nice -n 10 cmake --build $BUILD -j "${MQTT_JOBS:-2}" --target "${targets[@]}" || exit 1

summary=()
crashed=0
for name in "${targets[@]}"; do
  short=${name#fuzz_}
  bin=$(find $BUILD -type f -name "$name" -perm -u+x | head -1)
  corpus=tests/fuzz/corpus/$short
  regressions=tests/fuzz/regressions/$short
  mkdir -p "$corpus" "$BUILD/new-units/$short" "$BUILD/artifacts"
  before=$(ls "$corpus" | wc -l)
  dict=()
  for d in "tests/fuzz/$short.dict" "tests/fuzz/$name.dict"; do [[ -f $d ]] && dict+=("-dict=$d"); done
  log=$BUILD/$name.log
  : >"$log"
  end=$((SECONDS + MINUTES * 60))
  execs_total=0
  crashes=0
  # libFuzzer stops at the first crash: save it and go on until the time is used up.
  while ((SECONDS < end)); do
    left=$((end - SECONDS))
    ((left < 5)) && break
    rm -f "$BUILD/artifacts/$name-"*
    echo "--- $name for ${left}s (corpus: $(ls "$corpus" | wc -l) units, new units in $BUILD/new-units/$short)"
    nice -n 10 "$bin" -max_total_time="$left" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$BUILD/artifacts/$name-" "${dict[@]}" "$BUILD/new-units/$short" "$corpus" >>"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs_total=$((execs_total + ${execs:-0}))
    found=0
    for f in "$BUILD/artifacts/$name-"*; do
      [[ -f $f ]] || continue
      found=1
      mkdir -p "$regressions"
      kind=$(basename "$f" | sed "s/^$name-//; s/-.*//")
      sum=$(sha1sum "$f" | cut -c1-16)
      cp "$f" "$regressions/$kind-$sum"
      echo "!!! $name: $kind saved as $regressions/$kind-$sum"
      crashes=$((crashes + 1))
    done
    if ((rc != 0 && found == 0)); then
      echo "!!! $name exited $rc without an artifact; see $log"
      tail -30 "$log"
      break
    fi
    ((rc == 0)) && break
  done
  ((crashes)) && crashed=1
  # Merge what this run found into the corpus: only units that add coverage are copied.
  echo "--- merge new units into $corpus"
  nice -n 10 "$bin" -merge=1 "$corpus" "$BUILD/new-units/$short" >"$BUILD/$name.merge.log" 2>&1 ||
    { echo "merge failed:"; tail -20 "$BUILD/$name.merge.log"; }
  after=$(ls "$corpus" | wc -l)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  merged_ft=$(grep -o 'MERGE-OUTER: [0-9]* new files with [0-9]* new features' "$BUILD/$name.merge.log" | tail -1)
  summary+=("$name: ${execs_total} executions in ${MINUTES} min (${eps:-?} exec/s), cov ${cov:-?}, ft ${ft:-?}, corpus $before -> $after units (${merged_ft:-merge: ?}), crashes $crashes")
done
echo
echo "=== fuzz campaign summary"
printf '%s\n' "${summary[@]}"
exit $crashed
