#!/usr/bin/env bash
# Installs everything the build and the tests need, and does nothing (quietly) when it is there:
#   1. Debian packages: checked with dpkg; missing ones installed with apt-get (as root), or the
#      apt-get line to run is printed (not root) and the script fails.
#   2. npm packages: `npm ci` in each folder with a package-lock.json (the root and every
#      sub-package: wasm/, web/, tests/bench/, ...) whose node_modules is missing or older than
#      its lockfile.
# Usage: bash tests/setup/deps.sh [--apt-only | --npm-only]
set -euo pipefail
cd "$(dirname "$0")/../.."

# One line per purpose; every name must exist in Debian 12 (bookworm).
PACKAGES=(
  build-essential cmake ninja-build git               # native toolchain (gcc 12)
  clang libclang-rt-14-dev                            # sanitizers and libFuzzer (clang 14)
  libgtest-dev libgmock-dev libbenchmark-dev          # C++ tests and benchmarks
  libssl-dev libmbedtls-dev openssl                   # TLS transports; openssl makes test certs
  mosquitto mosquitto-clients                         # the real broker for integration tests
  libmosquitto-dev libpaho-mqtt-dev                   # other clients to compare against
  emscripten node-acorn                               # the WebAssembly build (emcc needs acorn)
  chromium                                            # browser tests (driven by playwright-core)
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib  # Cortex-M size build
  valgrind                                            # memory checks and instruction counts
)

mode=${1:-all}

apt_step() {
  local missing=() status
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
  done
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  if ((${#missing[@]} == 0)); then
    echo "deps: ${#PACKAGES[@]} Debian packages present"
    return 0
  fi
  local install="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: run as root:  apt-get update && $install" >&2
    return 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
  echo "deps: installed ${#missing[@]} Debian packages"
}

npm_step() {
  local dir lock stamp failed=()
  mapfile -t locks < <(find . -maxdepth 3 -name package-lock.json -not -path '*/node_modules/*' \
    -not -path './build/*' | sort)
  for lock in "${locks[@]}"; do
    dir=$(dirname "$lock")
    stamp=$dir/node_modules/.package-lock.json  # npm writes it on every install
    if [[ -f $stamp && ! $lock -nt $stamp ]]; then
      continue
    fi
    echo "deps: npm ci in $dir"
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
      echo "deps: npm ci failed in $dir" >&2
      failed+=("$dir")
    fi
  done
  if ((${#failed[@]})); then
    echo "deps: npm ci failed in: ${failed[*]}" >&2
    return 1
  fi
  echo "deps: npm packages up to date"
}

case $mode in
  --apt-only) apt_step ;;
  --npm-only) npm_step ;;
  *) apt_step && npm_step ;;
esac
