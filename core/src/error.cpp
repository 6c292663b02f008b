// Names, messages and classes of the error table in error.h, generated from its X-macro so the
// three can never disagree. A blob of names and one of messages ("text\0" per error), found by
// counting terminators: errors are rare, and a scan costs less flash than a table of offsets.
// Only the blob a program uses is linked.
#include "mqtt/error.h"

#include <cstddef>

namespace mqtt {

namespace {

// Each error's value, with bit 7 set for a fatal one.
constexpr uint8_t kFatalBit = 0x80;
#define MQTT_ERROR_CODE(name, value, fatal, message) \
  static_cast<uint8_t>(value | (fatal ? kFatalBit : 0)),
constexpr uint8_t kCodes[] = {MQTT_ERRORS(MQTT_ERROR_CODE)};
#undef MQTT_ERROR_CODE
constexpr size_t kErrors = sizeof kCodes;
#define MQTT_ERROR_VALUE_FITS(name, value, fatal, message) static_assert(value < kFatalBit, #name);
MQTT_ERRORS(MQTT_ERROR_VALUE_FITS)
#undef MQTT_ERROR_VALUE_FITS

template <size_t N>
constexpr size_t texts_in(const char (&blob)[N]) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < N; ++i) n += blob[i] == '\0';
  return n;
}

#define MQTT_ERROR_NAME(name, value, fatal, message) #name "\0"
constexpr char kNames[] = MQTT_ERRORS(MQTT_ERROR_NAME);
#undef MQTT_ERROR_NAME
static_assert(texts_in(kNames) == kErrors, "one name per error");

#if MQTT_CONFIG_ERROR_MESSAGES
#define MQTT_ERROR_MESSAGE(name, value, fatal, message) message "\0"
constexpr char kMessages[] = MQTT_ERRORS(MQTT_ERROR_MESSAGE);
#undef MQTT_ERROR_MESSAGE
static_assert(texts_in(kMessages) == kErrors, "one message per error");
#endif

// Index of `code` in the table, or kErrors.
size_t index_of(ErrorCode code) {
  size_t i = 0;
  while (i < kErrors && (kCodes[i] & ~kFatalBit) != static_cast<uint16_t>(code)) ++i;
  return i;
}

// The i-th text of a blob; each is NUL-terminated (the C API hands out its pointer). One loop
// over the characters: GCC turns a separate length loop into a strlen() call, which a board's
// program may otherwise not link.
std::string_view text(const char* blob, size_t i) {
  const char* start = blob;
  for (;; ++blob) {
    if (*blob != '\0') continue;
    if (i-- == 0) return {start, static_cast<size_t>(blob - start)};
    start = blob + 1;
  }
}

}  // namespace

std::string_view error_name(ErrorCode code) {
  size_t i = index_of(code);
  return i < kErrors ? text(kNames, i) : "unknown";
}

std::string_view error_message(ErrorCode code) {
#if !MQTT_CONFIG_ERROR_MESSAGES
  return error_name(code);  // the message table stays out of small builds
#else
  size_t i = index_of(code);
  return i < kErrors ? text(kMessages, i) : "unknown error";
#endif
}

bool error_is_fatal(ErrorCode code) {
  size_t i = index_of(code);
  // An unknown code cannot be trusted to leave the connection usable.
  return i < kErrors ? (kCodes[i] & kFatalBit) != 0 : true;
}

}  // namespace mqtt
