#!/usr/bin/env bash
# Suite: native build with gcc, warnings as errors, then every CTest test (unit and integration).
# A Mosquitto on loopback is running during ctest (MQTT_TEST_HOST/PORT/WS_PORT, see lib.sh).
source "$(dirname "$0")/lib.sh"

[[ -f core/CMakeLists.txt ]] || skip "core/CMakeLists.txt"

cmake_build build/ci-gcc \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror"

step "ctest build/ci-gcc"
with_broker ctest --test-dir build/ci-gcc --output-on-failure --no-tests=error -j "$JOBS" --timeout 300
