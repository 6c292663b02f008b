#!/usr/bin/env bash
# Suite: native build with gcc, warnings as errors, then every CTest test (unit and integration);
# then the TLS tests again with the mbed TLS transport.
# A Mosquitto on loopback is running during ctest (MQTT_TEST_HOST/PORT/WS_PORT, see lib.sh).
source "$(dirname "$0")/lib.sh"

[[ -f core/CMakeLists.txt ]] || skip "core/CMakeLists.txt"

cmake_build build/ci-gcc \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror"

step "ctest build/ci-gcc"
with_broker ctest --test-dir build/ci-gcc --output-on-failure --no-tests=error -j "$JOBS" --timeout 300

# The mbed TLS transport (-DMQTT_TLS_MBEDTLS=ON) must pass the same TLS tests as OpenSSL's.
dir=build/ci-gcc-mbedtls
step "configure and build $dir (the integration tests only)"
cmake -S . -B "$dir" -G Ninja -Wno-dev -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMQTT_TLS_MBEDTLS=ON \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j "$JOBS" --target native_integration_tests
step "ctest $dir -R Tls"
with_broker ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$JOBS" --timeout 300 -R '^Tls\.'
