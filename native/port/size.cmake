# Included by tests/size/CMakeLists.txt: the device port linked for the microcontroller.
# mqtt_size_port = core + PortClient (native/port/src) + a firmware-shaped main, compiled against
# lwIP-shaped socket headers that declare only the BSD subset the port may use; the socket calls
# and the board clock are stubbed at link time (size/lwip_stubs.c). Its size is printed after
# the link.
set(MQTT_PORT_DIR ${MQTT_ROOT}/native/port)
add_executable(mqtt_size_port
  ${MQTT_PORT_DIR}/size/port_main.cpp
  ${MQTT_PORT_DIR}/src/port_client.cpp
  ${MQTT_PORT_DIR}/size/lwip_stubs.c)
target_include_directories(mqtt_size_port PRIVATE ${MQTT_PORT_DIR}/include ${MQTT_PORT_DIR}/size/include)
target_compile_definitions(mqtt_size_port PRIVATE MQTT_PORT_LWIP=1)
target_link_libraries(mqtt_size_port PRIVATE mqtt_core)
target_compile_options(mqtt_size_port PRIVATE -Wall -Wextra -Werror)
target_link_options(mqtt_size_port PRIVATE -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/mqtt_size_port.map)
if(CMAKE_SIZE)
  add_custom_command(TARGET mqtt_size_port POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E echo "Cortex-M size of core + device port (mqtt_size_port):"
    COMMAND ${CMAKE_SIZE} $<TARGET_FILE:mqtt_size_port>
    VERBATIM)
endif()

# The same for firmware written in C: core + port + the C API (mqtt.h) + a C main.
include(${MQTT_ROOT}/native/cmake/c_errors.cmake)
mqtt_generate_c_errors(${CMAKE_CURRENT_BINARY_DIR}/generated)
add_executable(mqtt_size_port_c
  ${MQTT_PORT_DIR}/size/port_main.c
  ${MQTT_PORT_DIR}/src/port_c_api.cpp
  ${MQTT_ROOT}/native/api/c_shared.cpp
  ${MQTT_PORT_DIR}/src/port_client.cpp
  ${MQTT_ROOT}/native/api/c_errors.cpp
  ${MQTT_PORT_DIR}/size/lwip_stubs.c)
target_include_directories(mqtt_size_port_c PRIVATE ${MQTT_PORT_DIR}/include ${MQTT_PORT_DIR}/size/include
  ${MQTT_ROOT}/native/include ${CMAKE_CURRENT_BINARY_DIR}/generated)
target_compile_definitions(mqtt_size_port_c PRIVATE MQTT_PORT_LWIP=1)
target_link_libraries(mqtt_size_port_c PRIVATE mqtt_core)
target_compile_options(mqtt_size_port_c PRIVATE -Wall -Wextra -Werror)
if(CMAKE_SIZE)
  add_custom_command(TARGET mqtt_size_port_c POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E echo "Cortex-M size of core + device port + C API (mqtt_size_port_c):"
    COMMAND ${CMAKE_SIZE} $<TARGET_FILE:mqtt_size_port_c>
    VERBATIM)
endif()
