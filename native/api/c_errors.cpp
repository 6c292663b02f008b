// mqtt_error_message() and mqtt_error_name() of the C API (mqtt.h), shared by both of its
// implementations: the native runtime (c_api.cpp) and the device port (port/src/port_c_api.cpp).
#include <mqtt/error.h>

#include "mqtt.h"

// The C constants are generated from the core's table at configure time; check that every
// generated constant still has the value of the core's enumerator of the same name, and that
// both tables have as many entries.
#define MQTT_CHECK_SAME(name, c_constant)                                \
  static_assert(static_cast<int>(mqtt::ErrorCode::name) == (c_constant), \
                "mqtt_errors.h is out of date: " #name);
MQTT_ERR_TABLE(MQTT_CHECK_SAME)
#undef MQTT_CHECK_SAME
#define MQTT_COUNT(...) +1
static_assert(0 MQTT_ERRORS(MQTT_COUNT) == 0 MQTT_ERR_TABLE(MQTT_COUNT),
              "mqtt_errors.h is out of date");
#undef MQTT_COUNT

extern "C" {

const char* mqtt_error_message(int code) {
  switch (code) {
#define MQTT_CASE(name, value, fatal, message) \
  case value:                                  \
    return message;
    MQTT_ERRORS(MQTT_CASE)
#undef MQTT_CASE
    default:
      return "unknown error";
  }
}

const char* mqtt_error_name(int code) {
  switch (code) {
#define MQTT_CASE(name, value, fatal, message) \
  case value:                                  \
    return #name;
    MQTT_ERRORS(MQTT_CASE)
#undef MQTT_CASE
    default:
      return "unknown";
  }
}

}  // extern "C"
