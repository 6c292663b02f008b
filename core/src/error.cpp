// Names, messages and classes of the error table in error.h, generated from its X-macro so the
// three can never disagree. A blob of names and one of messages, each with 16-bit offsets, instead
// of switches returning pointers: less code, and only the blob a program uses is linked.
#include "mqtt/error.h"

#include <cstddef>

namespace mqtt {

namespace {

#define MQTT_ERROR_VALUE(name, value, fatal, message) value,
constexpr uint8_t kValues[] = {MQTT_ERRORS(MQTT_ERROR_VALUE)};
#undef MQTT_ERROR_VALUE
constexpr size_t kErrors = sizeof kValues;

#define MQTT_ERROR_FATAL(name, value, fatal, message) fatal != 0,
constexpr bool kFatal[] = {MQTT_ERRORS(MQTT_ERROR_FATAL)};
#undef MQTT_ERROR_FATAL

// Where each text of a blob ("text\0" per error) begins; one more entry marks the end.
struct Starts {
  uint16_t at[kErrors + 1];
};

template <size_t N>
constexpr Starts starts_of(const char (&blob)[N]) {
  static_assert(N < 65536, "offsets are 16-bit");
  Starts s{};
  size_t n = 0;
  for (size_t i = 0; i + 1 < N && n < kErrors; ++i)
    if (blob[i] == '\0') s.at[++n] = static_cast<uint16_t>(i + 1);
  return s;
}

#define MQTT_ERROR_NAME(name, value, fatal, message) #name "\0"
constexpr char kNames[] = MQTT_ERRORS(MQTT_ERROR_NAME);
#undef MQTT_ERROR_NAME
constexpr Starts kNameStarts = starts_of(kNames);
static_assert(kNameStarts.at[kErrors] == sizeof kNames - 1, "one name per error");

#if MQTT_CONFIG_ERROR_MESSAGES
#define MQTT_ERROR_MESSAGE(name, value, fatal, message) message "\0"
constexpr char kMessages[] = MQTT_ERRORS(MQTT_ERROR_MESSAGE);
#undef MQTT_ERROR_MESSAGE
constexpr Starts kMessageStarts = starts_of(kMessages);
static_assert(kMessageStarts.at[kErrors] == sizeof kMessages - 1, "one message per error");
#endif

// Index of `code` in the table, or kErrors.
size_t index_of(ErrorCode code) {
  size_t i = 0;
  while (i < kErrors && kValues[i] != static_cast<uint16_t>(code)) ++i;
  return i;
}

std::string_view text(const char* blob, const Starts& starts, size_t i) {
  return std::string_view(blob + starts.at[i], starts.at[i + 1] - starts.at[i] - 1u);
}

}  // namespace

std::string_view error_name(ErrorCode code) {
  size_t i = index_of(code);
  return i < kErrors ? text(kNames, kNameStarts, i) : "unknown";
}

std::string_view error_message(ErrorCode code) {
#if !MQTT_CONFIG_ERROR_MESSAGES
  return error_name(code);  // the message table stays out of small builds
#else
  size_t i = index_of(code);
  return i < kErrors ? text(kMessages, kMessageStarts, i) : "unknown error";
#endif
}

bool error_is_fatal(ErrorCode code) {
  size_t i = index_of(code);
  // An unknown code cannot be trusted to leave the connection usable.
  return i < kErrors ? kFatal[i] : true;
}

}  // namespace mqtt
