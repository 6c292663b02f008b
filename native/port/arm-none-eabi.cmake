# CMake toolchain file for bare-metal ARM Cortex-M with Debian's gcc-arm-none-eabi and newlib.
#   cmake -DCMAKE_TOOLCHAIN_FILE=native/port/arm-none-eabi.cmake -DMQTT_CPU=cortex-m4 ...
# MQTT_CPU (default cortex-m4) and MQTT_FPU_FLAGS (default: none, soft-float ABI) pick the core.
# Executables link against newlib-nano with the nosys stubs: enough to measure code size and
# to link a board's port, which supplies its own startup code and linker script.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MQTT_CPU cortex-m4 CACHE STRING "-mcpu= value for the target core")
set(MQTT_FPU_FLAGS "" CACHE STRING "FPU flags, e.g. -mfpu=fpv4-sp-d16 -mfloat-abi=hard")

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
set(CMAKE_SIZE arm-none-eabi-size)

# Compiler checks link a test program; a static library needs no startup files.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(MQTT_ARM_FLAGS "-mcpu=${MQTT_CPU} -mthumb ${MQTT_FPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${MQTT_ARM_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${MQTT_ARM_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_ASM_FLAGS_INIT "${MQTT_ARM_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
