// The malformed table of tests/vectors/malformed.txt: each record is refused with its own error,
// whether it arrives at once or a byte at a time, and the decoder keeps nothing afterwards.
#include <gtest/gtest.h>

#include <set>

#include "codec_test_util.h"
#include "vectors_reader.h"

namespace mqtt::test {
namespace {

Decoder decoder_for(const Vector& v) {
  return Decoder(v.version == 5 ? Version::v5 : Version::v311,
                 v.max_packet_size ? v.max_packet_size : MQTT_DEFAULT_MAX_PACKET_SIZE);
}

TEST(CodecMalformed, EachRecordIsRefusedWithItsError) {
  const auto vectors = read_vectors("malformed.txt");
  ASSERT_GE(vectors.size(), 40u);
  std::set<std::string> names;
  for (const Vector& v : vectors) {
    SCOPED_TRACE("malformed.txt:" + std::to_string(v.line) + " " + v.name);
    ASSERT_TRUE(v.error.empty()) << v.error;
    ASSERT_NE(v.expect, "ok");
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate name";
    if (!kV5 && v.version == 5) continue;  // covered by CodecBuild.V5IsNotSupportedWithoutIt

    Decoder whole = decoder_for(v);
    Collector sink;
    EXPECT_EQ(error_name(whole.feed(v.bytes.data(), v.bytes.size(), sink)), v.expect);
    EXPECT_EQ(whole.buffered(), 0u);
    EXPECT_TRUE(sink.packets.empty());

    Decoder bytewise = decoder_for(v);
    ErrorCode err = ErrorCode::ok;
    for (size_t i = 0; i < v.bytes.size() && err == ErrorCode::ok; ++i) {
      err = bytewise.feed(&v.bytes[i], 1, sink);
    }
    EXPECT_EQ(error_name(err), v.expect) << "fed one byte at a time";
    EXPECT_EQ(bytewise.buffered(), 0u);
    EXPECT_TRUE(sink.packets.empty());
  }
}

TEST(CodecMalformed, TableCoversEveryDecoderError) {
  std::set<std::string> expected;
  for (const Vector& v : read_vectors("malformed.txt")) expected.insert(v.expect);
  for (const char* name :
       {"malformed_remaining_length", "packet_too_large", "malformed_packet", "invalid_packet_type",
        "invalid_flags", "malformed_utf8", "malformed_topic", "zero_packet_id",
        "duplicate_property", "property_not_allowed", "malformed_property", "invalid_reason_code",
        "invalid_qos_from_server", "protocol_error"}) {
    EXPECT_TRUE(expected.count(name)) << "no malformed vector expects " << name;
  }
}

// A good packet after a refused one must not be delivered: the caller has to reset() first, and
// what it fed after the violation is never parsed as a continuation.
TEST(CodecMalformed, NothingIsDeliveredAfterTheViolationInTheSameFeed) {
  const uint8_t bytes[] = {0x60, 0x02, 0x00, 0x01,  // PUBREL with flags 0: invalid_flags
                           0xD0, 0x00};             // PINGRESP
  Decoder d(Version::v311);
  Collector sink;
  EXPECT_EQ(d.feed(bytes, sizeof bytes, sink), ErrorCode::invalid_flags);
  EXPECT_TRUE(sink.packets.empty());
  d.reset();
  EXPECT_EQ(d.feed(bytes + 4, 2, sink), ErrorCode::ok);
  EXPECT_EQ(sink.packets.size(), 1u);
}

}  // namespace
}  // namespace mqtt::test
