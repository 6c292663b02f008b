#!/usr/bin/env bash
# Suite: reliability (tests/reliability): faults through a proxy, the hostile-broker catalogue
# (native, native ASan+UBSan, wasm), failover, bounded memory, secure defaults, fuzz replay.
# Uses the native and ASan trees the native/asan suites built, and the wasm package.
source "$(dirname "$0")/lib.sh"
[[ -f tests/reliability/run.sh ]] || skip "tests/reliability/run.sh"
bash tests/reliability/run.sh
