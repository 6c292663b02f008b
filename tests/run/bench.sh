#!/usr/bin/env bash
# `npm run bench`: every benchmark of the project.
#   - C++ (Google Benchmark): CMake targets named bench_* or *_bench (tests/bench/, native/bench/),
#     built in Release in build/bench; results as JSON in build/bench/results/.
#   - Node: tests/bench/**/*.bench.mjs and native/bench/**/*.bench.mjs, run with node.
# Options: --smoke  run each briefly (reuses build/ci-gcc when `npm test` built it), only to
#                   prove the benchmarks still work; the numbers mean nothing.
#          --list   print what exists and exit (non-zero when there is nothing).
# Benchmarks that need a broker get one (MQTT_TEST_HOST/PORT/WS_PORT, see lib.sh).
source "$(dirname "$0")/lib.sh"

mode=full
case ${1:-} in
  --smoke) mode=smoke ;;
  --list) mode=list ;;
  '') ;;
  *) echo "usage: npm run bench [-- --smoke | --list]" >&2; exit 2 ;;
esac

dirs=()
for d in tests/bench native/bench; do [[ -d $d ]] && dirs+=("$d"); done
node_benches=()
cpp_sources=0
if ((${#dirs[@]})); then
  mapfile -t node_benches < <(find "${dirs[@]}" -name '*.bench.mjs' -not -path '*/node_modules/*' | sort)
  cpp_sources=$(find "${dirs[@]}" -name '*.cpp' | wc -l)
fi
if [[ $mode == list ]]; then
  echo "benchmark folders: ${dirs[*]:-none}; C++ sources: $cpp_sources; node benches: ${node_benches[*]:-none}"
  ((${#node_benches[@]} || cpp_sources)) && exit 0 || exit 1
fi
if ! ((${#node_benches[@]} || cpp_sources)); then
  echo "no benchmarks yet (tests/bench/, native/bench/)"
  exit 0
fi

run_all() {
  local failed=0 build bin name
  if ((cpp_sources)); then
    if [[ $mode == smoke && -f build/ci-gcc/build.ninja ]]; then
      build=build/ci-gcc
    else
      build=build/bench
      mkdir -p build
      cmake -S . -B $build -G Ninja -Wno-dev -DCMAKE_BUILD_TYPE=Release >$build.configure.log 2>&1 ||
        { cat $build.configure.log; return 1; }
    fi
    mapfile -t targets < <(ninja -C $build -t targets all |
      sed -n 's/^\(bench_[A-Za-z0-9_]*\|[A-Za-z0-9_]*_bench\): .*/\1/p' | sort -u)
    if ((${#targets[@]})); then
      step "build ${targets[*]} in $build"
      cmake --build $build -j "$JOBS" --target "${targets[@]}"
      mkdir -p $build/results
      for name in "${targets[@]}"; do
        bin=$(find $build -type f -name "$name" -perm -u+x | head -1)
        step "$name"
        if [[ $mode == smoke ]]; then
          "$bin" --benchmark_min_time=0.01 || failed=1
        else
          "$bin" --benchmark_out="$build/results/$name.json" --benchmark_out_format=json || failed=1
        fi
      done
    else
      echo "note: C++ sources in ${dirs[*]} but no bench_* / *_bench target yet"
    fi
  fi
  for f in "${node_benches[@]}"; do
    step "node $f"
    if [[ $mode == smoke ]]; then node "$f" --smoke || failed=1; else node "$f" || failed=1; fi
  done
  return $failed
}

with_broker run_all
