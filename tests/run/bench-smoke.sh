#!/usr/bin/env bash
# Suite: every benchmark once, briefly (npm run bench -- --smoke), to prove it still runs.
# Numbers from a smoke run mean nothing; `npm run bench` gives the real ones.
source "$(dirname "$0")/lib.sh"

bash tests/run/bench.sh --list >/dev/null 2>&1 || skip "benchmarks (tests/bench/)"
npm run bench -- --smoke
