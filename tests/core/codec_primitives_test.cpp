// Shared primitives: UTF-8 validation, topic name and filter rules, and the error table.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mqtt/engine.h"
#include "mqtt/error.h"

namespace mqtt {
namespace {

TEST(CodecUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));          // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));      // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBB\xBF"));      // U+FEFF is allowed [MQTT-1.5.4-3]
  EXPECT_TRUE(
      is_valid_utf8("\xED\x9F\xBF\xEE\x80\x80"));  // U+D7FF and U+E000 around the surrogates
}

TEST(CodecUtf8, RefusesMalformedText) {
  EXPECT_FALSE(is_valid_utf8(std::string_view("a\0b", 3)));  // U+0000 [MQTT-1.5.4-2]
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));                   // overlong U+0000
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));                   // overlong 2-byte
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));               // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));           // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));               // U+D800 surrogate
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));               // U+DFFF surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));           // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));       // 5-byte form
  EXPECT_FALSE(is_valid_utf8("\x80"));                       // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC3"));                       // truncated
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));                   // truncated
  EXPECT_FALSE(is_valid_utf8("\xE2\x28\xA1"));               // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

// The ASCII fast path reads a word at a time: a bad byte must be found at every position of a
// word, and a character split across a word boundary must still be decoded whole.
TEST(CodecUtf8, EveryPositionOfLongText) {
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string text(len, 'a');
      EXPECT_TRUE(is_valid_utf8(text));
      text[at] = '\0';
      EXPECT_FALSE(is_valid_utf8(text)) << "U+0000 at " << at << " of " << len;
      text[at] = '\x80';
      EXPECT_FALSE(is_valid_utf8(text)) << "continuation at " << at << " of " << len;
      text[at] = '\x7F';
      EXPECT_TRUE(is_valid_utf8(text));
      std::string euro = std::string(at, 'a') + "\xE2\x82\xAC" + std::string(len - at, 'b');
      EXPECT_TRUE(is_valid_utf8(euro)) << "U+20AC at " << at;
      EXPECT_FALSE(is_valid_utf8(euro.substr(0, at + 2))) << "truncated at " << at;
    }
  }
}

TEST(CodecTopic, Names) {
  EXPECT_EQ(validate_topic_name("a/b"), ErrorCode::ok);
  EXPECT_EQ(validate_topic_name("/"), ErrorCode::ok);
  EXPECT_EQ(validate_topic_name("$SYS/x"), ErrorCode::ok);
  EXPECT_EQ(validate_topic_name(" "), ErrorCode::ok);
  EXPECT_EQ(validate_topic_name(""), ErrorCode::invalid_topic);
  EXPECT_EQ(validate_topic_name("a/+"), ErrorCode::invalid_topic);
  EXPECT_EQ(validate_topic_name("a#"), ErrorCode::invalid_topic);
  EXPECT_EQ(validate_topic_name("\xC0\x80"), ErrorCode::invalid_utf8);
  EXPECT_EQ(validate_topic_name(std::string(65535, 'x')), ErrorCode::ok);
  EXPECT_EQ(validate_topic_name(std::string(65536, 'x')), ErrorCode::topic_too_long);
}

TEST(CodecTopic, Filters) {
  for (const char* ok : {"a", "a/b", "#", "+", "+/+", "a/#", "/#", "a/+/c", "+/", "/", "//",
                         "$share/g/a/#", "$share/g/#", "$share/g/+", "$sharex/+", "$SYS/#"}) {
    EXPECT_EQ(validate_topic_filter(ok), ErrorCode::ok) << ok;
  }
  for (const char* bad : {"", "a#", "#/a", "a/#/b", "a+", "+a", "a/b+", "##", "++", "$share/",
                          "$share/g", "$share/g/", "$share//a", "$share/g+/a", "$share/#/a"}) {
    EXPECT_EQ(validate_topic_filter(bad), ErrorCode::invalid_topic_filter) << bad;
  }
  EXPECT_EQ(validate_topic_filter("\xED\xA0\x80"), ErrorCode::invalid_utf8);
  EXPECT_EQ(validate_topic_filter(std::string(65536, 'x')), ErrorCode::topic_too_long);
}

TEST(CodecErrors, NamesMessagesAndClasses) {
  EXPECT_EQ(error_name(ErrorCode::ok), "ok");
  EXPECT_EQ(error_name(ErrorCode::malformed_remaining_length), "malformed_remaining_length");
  EXPECT_EQ(error_name(ErrorCode(999)), "unknown");
  // Without the message table (MQTT_CONFIG_ERROR_MESSAGES=0) the message is the name.
  const bool messages = MQTT_CONFIG_ERROR_MESSAGES != 0;
  EXPECT_EQ(error_message(ErrorCode::missing_host), messages ? "option 'host' is required" : "missing_host");
  EXPECT_EQ(error_message(ErrorCode(999)), messages ? "unknown error" : "unknown");
  EXPECT_FALSE(error_is_fatal(ErrorCode::invalid_topic));
  EXPECT_TRUE(error_is_fatal(ErrorCode::packet_too_large));
  EXPECT_FALSE(error_is_fatal(ErrorCode::ok));

  // Every entry of the table: a distinct name and value, a non-empty message.
  std::set<std::string_view> names;
  std::set<unsigned> values;
#define MQTT_CHECK_ERROR(name, value, fatal, message)     \
  EXPECT_EQ(error_name(ErrorCode::name), #name);          \
  EXPECT_EQ(error_message(ErrorCode::name), messages ? message : #name); \
  EXPECT_EQ(error_is_fatal(ErrorCode::name), fatal != 0); \
  EXPECT_TRUE(names.insert(#name).second);                \
  EXPECT_TRUE(values.insert(value).second) << #name;
  MQTT_ERRORS(MQTT_CHECK_ERROR)
#undef MQTT_CHECK_ERROR
}

}  // namespace
}  // namespace mqtt
