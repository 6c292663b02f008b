# Included by tests/size/CMakeLists.txt: the device port linked for the microcontroller.
# mqtt_size_port = core + PortClient (native/port/src) + a firmware-shaped main, compiled against
# lwIP-shaped socket headers that declare only the BSD subset the port may use; the socket calls
# and the board clock are stubbed at link time (size/lwip_stubs.c). Its size is printed after
# the link.
set(MQTT_PORT_DIR ${MQTT_ROOT}/native/port)

# A firmware-shaped program: the core, the given sources and the stubbed lwIP; prints its size.
function(mqtt_port_size_program name label)
  add_executable(${name} ${ARGN} ${MQTT_PORT_DIR}/src/port_client.cpp ${MQTT_PORT_DIR}/size/lwip_stubs.c)
  target_include_directories(${name} PRIVATE ${MQTT_PORT_DIR}/include ${MQTT_PORT_DIR}/size/include)
  target_compile_definitions(${name} PRIVATE MQTT_PORT_LWIP=1)
  target_link_libraries(${name} PRIVATE mqtt_core)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
  target_link_options(${name} PRIVATE -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
  if(CMAKE_SIZE)
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E echo "Cortex-M size of ${label} (${name}):"
      COMMAND ${CMAKE_SIZE} $<TARGET_FILE:${name}>
      VERBATIM)
  endif()
endfunction()

mqtt_port_size_program(mqtt_size_port "core + device port" ${MQTT_PORT_DIR}/size/port_main.cpp)

# The same for firmware written in C: core + port + the C API (mqtt.h) + a C main.
include(${MQTT_ROOT}/native/cmake/c_errors.cmake)
mqtt_generate_c_errors(${CMAKE_CURRENT_BINARY_DIR}/generated)
mqtt_port_size_program(mqtt_size_port_c "core + device port + C API"
  ${MQTT_PORT_DIR}/size/port_main.c
  ${MQTT_PORT_DIR}/src/port_c_api.cpp
  ${MQTT_ROOT}/native/api/c_shared.cpp
  ${MQTT_ROOT}/native/api/c_errors.cpp)
target_include_directories(mqtt_size_port_c PRIVATE ${MQTT_ROOT}/native/include ${CMAKE_CURRENT_BINARY_DIR}/generated)
