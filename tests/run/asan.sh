#!/usr/bin/env bash
# Suite: clang with AddressSanitizer + UBSan (any report fails the test), then every CTest test.
source "$(dirname "$0")/lib.sh"

[[ -f core/CMakeLists.txt ]] || skip "core/CMakeLists.txt"

cmake_build build/ci-asan \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DMQTT_SANITIZE=ON \
  -DCMAKE_C_FLAGS="-O1" -DCMAKE_CXX_FLAGS="-O1"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
step "ctest build/ci-asan"
with_broker ctest --test-dir build/ci-asan --output-on-failure --no-tests=error -j "$JOBS" --timeout 600
