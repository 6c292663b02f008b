#!/usr/bin/env bash
# Suite: Node tests (node:test). Always the fixtures' own tests (tests/fixtures/*.test.mjs) and
# the golden vectors' checks (tests/vectors/*.test.mjs);
# when wasm/package.json exists, builds the WebAssembly package (npm run build --prefix wasm)
# and, if that worked, runs tests/js/**/*.test.mjs against it. A failed wasm build fails the
# suite, after the fixture tests have run.
source "$(dirname "$0")/lib.sh"

mapfile -t files < <(find tests/fixtures tests/vectors -maxdepth 1 -name '*.test.mjs' | sort)
build_failed=0
if [[ -f wasm/package.json ]]; then
  step "build the wasm package (npm run build --prefix wasm)"
  if npm run build --prefix wasm; then
    if [[ -d tests/js ]]; then
      mapfile -t -O "${#files[@]}" files < <(find tests/js -name '*.test.mjs' -not -path '*/node_modules/*' | sort)
    fi
  else
    build_failed=1
    echo "FAIL: the wasm package does not build; tests/js not run"
  fi
else
  echo "note: wasm/package.json not present yet: only the fixture tests run"
fi
((${#files[@]})) || skip "*.test.mjs files"
step "node --test (${#files[@]} files)"
printf '  %s\n' "${files[@]}"
# --test-force-exit: a test file that leaks a handle (socket, timer) must not hang the run.
node --test --test-concurrency=2 --test-force-exit --test-timeout=300000 "${files[@]}"
exit $build_failed
