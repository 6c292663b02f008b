#!/usr/bin/env bash
# Suite: the core on a Cortex-M4 (arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -Os -fno-exceptions
# -fno-rtti -Werror, --gc-sections, newlib-nano), built with MQTT 5.0 and 3.1.1-only, each in two
# configurations: "host" (config.h defaults, as native/ and wasm/ build it) and "microcontroller"
# (MQTT_MICRO_DEFINES in tests/size/CMakeLists.txt: no error message table, no URL parsing).
# Prints the text/data/bss of the linked programs and of each core object, and ends with the
# core's linked code per configuration against the targets. Before that, the include scan (core/
# must not include socket, thread, clock, iostream or stdio headers), and the core tests built
# natively in the microcontroller configuration, so its switches are tested, not only compiled.
source "$(dirname "$0")/lib.sh"

[[ -f core/CMakeLists.txt ]] || skip "core/CMakeLists.txt"
[[ -f tests/size/CMakeLists.txt ]] || skip "tests/size/CMakeLists.txt"
failed=0

# --- Include scan -------------------------------------------------------------------------
step "include scan of core/ (no I/O, threads, clocks, streams or platform headers)"
forbidden='sys/socket\.h|netinet/.*|arpa/inet\.h|netdb\.h|poll\.h|sys/poll\.h|sys/epoll\.h|sys/select\.h|unistd\.h|fcntl\.h|signal\.h|sys/.*|winsock2?\.h|windows\.h'
forbidden+='|thread|mutex|shared_mutex|condition_variable|future|pthread\.h|semaphore|stop_token'
forbidden+='|chrono|ctime|time\.h'
forbidden+='|iostream|istream|ostream|fstream|sstream|iomanip|cstdio|stdio\.h|filesystem|print|format'
forbidden+='|exception|stdexcept|typeinfo|random'
forbidden+='|openssl/.*|mbedtls/.*|emscripten.*|lwip/.*'
hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($forbidden)[>\"]" core/ || true)
if [[ -n $hits ]]; then
  echo "FAIL: core/ includes headers it must not:"
  echo "$hits"
  failed=1
else
  echo "ok: $(find core -name '*.h' -o -name '*.cpp' | wc -l) files, none includes a forbidden header"
fi

# --- Core tests in the microcontroller configuration -----------------------------------------
micro_defines=$(sed -n 's/^set(MQTT_MICRO_DEFINES "\([^"]*\)".*/\1/p' tests/size/CMakeLists.txt)
micro_flags="-Wall -Wextra -Werror"
mkdir -p build
IFS=';' read -ra defines <<<"$micro_defines"
for d in "${defines[@]}"; do micro_flags+=" -D$d"; done
for v5 in ON OFF; do
  dir=build/core-micro-v5$v5
  step "core tests, microcontroller configuration ($micro_defines, MQTT_V5=$v5), native gcc"
  if cmake -S . -B "$dir" -G Ninja -Wno-dev -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMQTT_BUILD_NATIVE=OFF -DMQTT_V5="$v5" -DCMAKE_CXX_FLAGS="$micro_flags" >"$dir.configure.log" 2>&1 &&
    cmake --build "$dir" -j "$JOBS" --target core_tests >"$dir.build.log" 2>&1; then
    "$dir/tests/core_tests" --gtest_brief=1 || failed=1
  else
    tail -30 "$dir.configure.log" "$dir.build.log"
    failed=1
  fi
done

# --- Cortex-M4 builds ----------------------------------------------------------------------
build_size() {  # DIR V5(ON|OFF)
  local dir=$1 v5=$2
  step "configure $dir (MQTT_V5=$v5)"
  mkdir -p build
  cmake -S tests/size -B "$dir" -G Ninja -Wno-dev \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/native/port/arm-none-eabi.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DMQTT_V5="$v5" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  step "build $dir"
  cmake --build "$dir" -j "$JOBS" -- -k 0
}

report=()
core_report=()
for variant in "v5 ON MQTT 5.0 + 3.1.1;15" "v311 OFF MQTT 3.1.1 only (MQTT_CONFIG_V5=0);8"; do
  target_kb=${variant##*;}
  read -r tag v5 label <<<"${variant%;*}"
  dir=build/size-$tag
  if build_size "$dir" "$v5"; then
    step "$label: per-object sizes of the core (before --gc-sections)"
    arm-none-eabi-size -t "$dir/core/libmqtt_core.a" | sed 's/ (ex [^)]*)$//'
    step "$label, host configuration: where the linked program's bytes come from"
    node tests/size/map-summary.mjs "$dir/mqtt_size.map"
    step "$label, microcontroller configuration: where the linked program's bytes come from"
    node tests/size/map-summary.mjs "$dir/mqtt_size_small.map"
    read -r text data bss _ < <(arm-none-eabi-size "$dir/mqtt_size" | tail -1)
    report+=("$(printf '%-42s text %7d  data %5d  bss %6d' "$label:" "$text" "$data" "$bss")")
    host=$(node tests/size/map-summary.mjs --core "$dir/mqtt_size.map")
    micro=$(node tests/size/map-summary.mjs --core "$dir/mqtt_size_small.map")
    core_report+=("$(printf '%-42s host %6d   microcontroller %6d   (target %2d KB = %d)' \
      "$label:" "$host" "$micro" "$target_kb" $((target_kb * 1024)))")
  else
    failed=1
    report+=("$label: BUILD FAILED")
    core_report+=("$label: BUILD FAILED")
  fi
done

step "Cortex-M4 size of the linked program (core + main + newlib-nano + libstdc++ parts used)"
printf '%s\n' "${report[@]}"
step "Core code linked into the Cortex-M4 program (flash bytes from libmqtt_core*.a, after --gc-sections)"
echo "host: config.h defaults; microcontroller: $micro_defines (the board build)"
printf '%s\n' "${core_report[@]}"
exit $failed
