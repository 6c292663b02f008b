#!/usr/bin/env bash
# Suite: the playground end to end in headless Chromium (playwright-core driving Debian's
# chromium; see tests/fixtures/chromium.mjs). Convention: e2e/*.test.mjs run with node:test,
# or e2e/package.json's own "test" script when it has one. The tests start their own servers.
source "$(dirname "$0")/lib.sh"

[[ -d e2e ]] || skip "e2e/"
if [[ -f e2e/package.json ]] && node -e 'process.exit(require("./e2e/package.json").scripts?.test ? 0 : 1)'; then
  step "npm test --prefix e2e"
  npm test --prefix e2e
  exit
fi
mapfile -t files < <(find e2e -maxdepth 2 -name '*.test.mjs' -not -path '*/node_modules/*' | sort)
((${#files[@]})) || skip "e2e/*.test.mjs"
if [[ -f web/package.json ]] && node -e 'process.exit(require("./web/package.json").scripts?.build ? 0 : 1)'; then
  step "build the playground (npm run build --prefix web)"
  npm run build --prefix web
fi
step "node --test (${#files[@]} files)"
node --test --test-concurrency=1 --test-force-exit --test-timeout=300000 "${files[@]}"
