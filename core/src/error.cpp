// Names, messages and classes of the error table in error.h, generated from its X-macro so the
// three can never disagree.
#include "mqtt/error.h"

namespace mqtt {

std::string_view error_name(ErrorCode code) {
  switch (code) {
#define MQTT_ERROR_NAME(name, value, fatal, message) \
  case ErrorCode::name:                              \
    return #name;
    MQTT_ERRORS(MQTT_ERROR_NAME)
#undef MQTT_ERROR_NAME
  }
  return "unknown";
}

std::string_view error_message(ErrorCode code) {
#if !MQTT_CONFIG_ERROR_MESSAGES
  return error_name(code);  // the message table stays out of small builds
#else
  switch (code) {
#define MQTT_ERROR_MESSAGE(name, value, fatal, message) \
  case ErrorCode::name:                                 \
    return message;
    MQTT_ERRORS(MQTT_ERROR_MESSAGE)
#undef MQTT_ERROR_MESSAGE
  }
  return "unknown error";
#endif
}

bool error_is_fatal(ErrorCode code) {
  switch (code) {
#define MQTT_ERROR_FATAL(name, value, fatal, message) \
  case ErrorCode::name:                               \
    return fatal != 0;
    MQTT_ERRORS(MQTT_ERROR_FATAL)
#undef MQTT_ERROR_FATAL
  }
  return true;  // an unknown code cannot be trusted to leave the connection usable
}

}  // namespace mqtt
