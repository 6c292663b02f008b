# mqtt_generate_c_errors(DIR): writes DIR/mqtt_errors.h, the MQTT_ERR_* constants of the C API
# (mqtt.h), from the core's MQTT_ERRORS table (core/include/mqtt/error.h), so the two never
# drift; c_errors.cpp checks at compile time that every constant still has the core's value.
get_filename_component(MQTT_ERROR_TABLE ${CMAKE_CURRENT_LIST_DIR}/../../core/include/mqtt/error.h ABSOLUTE)

function(mqtt_generate_c_errors dir)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MQTT_ERROR_TABLE})
  file(READ ${MQTT_ERROR_TABLE} text)
  # Only the name and the value are needed; messages hold brackets that CMake lists mishandle.
  string(REGEX MATCHALL "X\\([a-z0-9_]+, +[0-9]+, +[01]," entries "${text}")
  set(MQTT_ERR_ENUM "")
  set(MQTT_ERR_TABLE "")
  foreach(entry IN LISTS entries)
    if(entry MATCHES "X\\(([a-z0-9_]+), +([0-9]+), +([01]),")
      string(TOUPPER "${CMAKE_MATCH_1}" upper)
      string(APPEND MQTT_ERR_ENUM "  MQTT_ERR_${upper} = ${CMAKE_MATCH_2},\n")
      string(APPEND MQTT_ERR_TABLE "  X(${CMAKE_MATCH_1}, MQTT_ERR_${upper}) \\\n")
    endif()
  endforeach()
  # No comma after the last enumerator: C89 compilers (-pedantic) refuse one.
  string(REGEX REPLACE ",\n$" "\n" MQTT_ERR_ENUM "${MQTT_ERR_ENUM}")
  file(CONFIGURE OUTPUT ${dir}/mqtt_errors.h CONTENT
"/* Generated from core/include/mqtt/error.h (MQTT_ERRORS) by native/cmake/c_errors.cmake. */
#ifndef MQTT_ERRORS_H
#define MQTT_ERRORS_H

enum mqtt_error_code {
${MQTT_ERR_ENUM}};

/* X(core name, C constant) for each entry: lets C++ check both tables agree. */
#define MQTT_ERR_TABLE(X) \\
${MQTT_ERR_TABLE}
#endif /* MQTT_ERRORS_H */
" @ONLY)
endfunction()
