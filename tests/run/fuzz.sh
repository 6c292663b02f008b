#!/usr/bin/env bash
# Suite: libFuzzer targets (tests/fuzz/, clang, with ASan + UBSan), each run for a fixed time on a
# copy of its seed corpus tests/fuzz/corpus/<name without fuzz_>/. A crash fails the suite and
# leaves the input in build/ci-fuzz/artifacts/ (turn it into a regression test).
# MQTT_FUZZ_SECONDS (default 20) sets the time per target.
source "$(dirname "$0")/lib.sh"

[[ -f tests/fuzz/CMakeLists.txt ]] || skip "tests/fuzz/CMakeLists.txt"
SECONDS_PER_TARGET=${MQTT_FUZZ_SECONDS:-20}
BUILD=build/ci-fuzz

step "configure $BUILD"
mkdir -p build
cmake -S . -B $BUILD -G Ninja -Wno-dev \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMQTT_FUZZ=ON -DMQTT_SANITIZE=ON -DMQTT_BUILD_NATIVE=OFF >$BUILD.configure.log 2>&1 ||
  { cat $BUILD.configure.log; exit 1; }

mapfile -t targets < <(ninja -C $BUILD -t targets all | sed -n 's/^\(fuzz_[A-Za-z0-9_]*\): .*/\1/p' | sort -u)
((${#targets[@]})) || skip "fuzz_* targets in tests/fuzz/CMakeLists.txt"
step "build ${targets[*]} (-j$JOBS)"
cmake --build $BUILD -j "$JOBS" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p $BUILD/artifacts
failed=0
summary=()
for name in "${targets[@]}"; do
  bin=$(find $BUILD -type f -name "$name" -perm -u+x | head -1)
  [[ -n $bin ]] || { echo "no binary for $name"; failed=1; continue; }
  corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$work/$name"
  if [[ -d $corpus ]]; then
    cp -r "$corpus/." "$work/$name/"
  else
    echo "note: no seed corpus at $corpus"
  fi
  extra=()
  for dict in "tests/fuzz/${name#fuzz_}.dict" "tests/fuzz/$name.dict"; do
    [[ -f $dict ]] && extra+=("-dict=$dict")
  done
  step "$name for ${SECONDS_PER_TARGET}s (seeds: $(ls "$work/$name" | wc -l))"
  log=$work/$name.log
  rc=0
  "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$BUILD/artifacts/$name-" "${extra[@]}" "$work/$name" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if ((rc != 0)); then
    failed=1
    tail -60 "$log"
    summary+=("$name: FAILED (exit $rc) after ${execs:-?} runs; artifacts in $BUILD/artifacts/")
  else
    summary+=("$name: ${execs:-?} runs in ${SECONDS_PER_TARGET}s, ${cov:-cov ?}, corpus $(ls "$work/$name" | wc -l) inputs")
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
