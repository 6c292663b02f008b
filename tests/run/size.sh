#!/usr/bin/env bash
# Suite: the core on a Cortex-M4 (arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -Os -fno-exceptions
# -fno-rtti -Werror, --gc-sections, newlib-nano), built with MQTT 5.0 and 3.1.1-only; prints
# text/data/bss of the linked program and of each core object. Then the include scan: core/
# must not include socket, thread, clock, iostream or stdio headers.
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
for variant in "v5 ON MQTT 5.0 + 3.1.1" "v311 OFF MQTT 3.1.1 only (MQTT_CONFIG_V5=0)"; do
  read -r tag v5 label <<<"$variant"
  dir=build/size-$tag
  if build_size "$dir" "$v5"; then
    step "$label: per-object sizes of the core (before --gc-sections)"
    arm-none-eabi-size -t "$dir/core/libmqtt_core.a" | sed 's/ (ex [^)]*)$//'
    step "$label: where the linked program's bytes come from"
    node tests/size/map-summary.mjs "$dir/mqtt_size.map"
    read -r text data bss _ < <(arm-none-eabi-size "$dir/mqtt_size" | tail -1)
    report+=("$(printf '%-42s text %7d  data %5d  bss %6d' "$label:" "$text" "$data" "$bss")")
  else
    failed=1
    report+=("$label: BUILD FAILED")
  fi
done

step "Cortex-M4 size of the linked program (core + main + newlib-nano + libstdc++ parts used)"
printf '%s\n' "${report[@]}"
exit $failed
