#!/usr/bin/env bash
# `npm run bench`: runs every benchmark driver of the project, i.e. each *.bench.mjs under
# tests/bench/ (a driver builds and runs its own C++ programs and brokers).
# Options, passed on to each driver:
#   --smoke   each benchmark once, briefly: proves they still work; the numbers mean nothing
# and --list  prints the drivers found and exits (non-zero when there is none).
source "$(dirname "$0")/lib.sh"

drivers=()
[[ -d tests/bench ]] &&
  mapfile -t drivers < <(find tests/bench -name '*.bench.mjs' -not -path '*/node_modules/*' | sort)
if [[ ${1:-} == --list ]]; then
  printf '%s\n' "${drivers[@]}"
  ((${#drivers[@]}))
  exit
fi
if ((${#drivers[@]} == 0)); then
  echo "no benchmarks yet (*.bench.mjs in tests/bench/)"
  exit 0
fi
failed=0
for f in "${drivers[@]}"; do
  step "node $f $*"
  node "$f" "$@" || failed=1
done
exit $failed
