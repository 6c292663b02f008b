// Decoder framing: byte-at-a-time and many-packets-per-feed input, zero-copy views into the fed
// bytes, the maximum packet size enforced before buffering, and a sink that stops decoding.
#include <gtest/gtest.h>

#include "codec/server_packets.h"
#include "codec_test_util.h"
#include "vectors_reader.h"

namespace mqtt::test {
namespace {

std::vector<uint8_t> all_bytes(const std::vector<Vector>& vectors) {
  std::vector<uint8_t> stream;
  for (const Vector& v : vectors) stream.insert(stream.end(), v.bytes.begin(), v.bytes.end());
  return stream;
}

std::vector<std::string> decode_each(const std::vector<Vector>& vectors, Version version) {
  std::vector<std::string> out;
  for (const Vector& v : vectors) {
    Decoder d(version);
    Collector sink;
    EXPECT_EQ(d.feed(v.bytes.data(), v.bytes.size(), sink), ErrorCode::ok) << v.name;
    EXPECT_EQ(sink.packets.size(), 1u) << v.name;
    out.insert(out.end(), sink.packets.begin(), sink.packets.end());
  }
  return out;
}

struct Stream {
  const char* file;
  Version version;
};

class CodecDecoderStream : public ::testing::TestWithParam<Stream> {};

TEST_P(CodecDecoderStream, ManyPacketsInOneFeed) {
  if (!kV5 && GetParam().version == Version::v5) GTEST_SKIP() << "3.1.1-only build";
  const auto vectors = read_vectors(GetParam().file);
  const auto want = decode_each(vectors, GetParam().version);
  const auto stream = all_bytes(vectors);
  Decoder d(GetParam().version);
  Collector sink;
  ASSERT_EQ(d.feed(stream.data(), stream.size(), sink), ErrorCode::ok);
  EXPECT_EQ(sink.packets, want);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST_P(CodecDecoderStream, OneByteAtATime) {
  if (!kV5 && GetParam().version == Version::v5) GTEST_SKIP() << "3.1.1-only build";
  const auto vectors = read_vectors(GetParam().file);
  const auto want = decode_each(vectors, GetParam().version);
  const auto stream = all_bytes(vectors);
  Decoder d(GetParam().version);
  Collector sink;
  size_t max_buffered = 0;
  for (uint8_t b : stream) {
    ASSERT_EQ(d.feed(&b, 1, sink), ErrorCode::ok);
    max_buffered = std::max(max_buffered, d.buffered());
  }
  EXPECT_EQ(sink.packets, want);
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_GT(max_buffered, 0u);
}

TEST_P(CodecDecoderStream, EverySplitPointAndChunkSize) {
  if (!kV5 && GetParam().version == Version::v5) GTEST_SKIP() << "3.1.1-only build";
  const auto vectors = read_vectors(GetParam().file);
  const auto want = decode_each(vectors, GetParam().version);
  const auto stream = all_bytes(vectors);
  for (size_t chunk = 2; chunk <= 13; ++chunk) {
    for (size_t first = 0; first < chunk; ++first) {
      Decoder d(GetParam().version);
      Collector sink;
      size_t pos = 0, n = first;
      while (pos < stream.size()) {
        n = std::min(n, stream.size() - pos);
        ASSERT_EQ(d.feed(stream.data() + pos, n, sink), ErrorCode::ok);
        pos += n;
        n = chunk;
      }
      ASSERT_EQ(sink.packets, want) << "chunk " << chunk << " first " << first;
    }
  }
}

// The engine's decoding path: feed_frames() and codec::decode_from_server_to(), each packet
// collected as Collector does.
class ServerFrames final : public FrameSink {
 public:
  explicit ServerFrames(Version version) : version_(version) {}
  std::vector<std::string> packets;

  template <class T>
  void receive(const T& packet) {
    packets.push_back(describe(packet));
  }
  bool on_frame(uint8_t header, Bytes body, ErrorCode& err) override {
    err = codec::decode_from_server_to(header, body, version_, *this);
    return err == ErrorCode::ok;
  }

 private:
  Version version_;
};

// The client's decoder: what a server may send decodes exactly as decode() does (also every
// malformed one); a packet only a client sends is refused unread.
TEST_P(CodecDecoderStream, FromServerDecodesServerPacketsAndRefusesClientOnes) {
  if (!kV5 && GetParam().version == Version::v5) GTEST_SKIP() << "3.1.1-only build";
  for (const char* file : {GetParam().file, "malformed.txt"}) {
    for (const Vector& v : read_vectors(file)) {
      if (v.bytes.size() < 2 || (file != GetParam().file && v.version != int(GetParam().version))) continue;
      Decoder general(GetParam().version, v.max_packet_size ? v.max_packet_size : MQTT_DEFAULT_MAX_PACKET_SIZE);
      Decoder client(GetParam().version, v.max_packet_size ? v.max_packet_size : MQTT_DEFAULT_MAX_PACKET_SIZE);
      Collector want;
      ServerFrames got(GetParam().version);
      ErrorCode want_rc = general.feed(v.bytes.data(), v.bytes.size(), want);
      ErrorCode got_rc = client.feed_frames(v.bytes.data(), v.bytes.size(), got);
      const auto type = PacketType(v.bytes[0] >> 4);
      const bool client_only = type == PacketType::connect || type == PacketType::subscribe ||
                               type == PacketType::unsubscribe || type == PacketType::pingreq;
      // The fixed header is checked first, for every type.
      const bool two = type == PacketType::subscribe || type == PacketType::unsubscribe;
      const bool header_ok = (v.bytes[0] & 0x0F) == (two ? 0x02 : 0x00) && want_rc != ErrorCode::packet_too_large &&
                             want_rc != ErrorCode::malformed_remaining_length;
      if (client_only && header_ok) {
        EXPECT_EQ(got_rc, ErrorCode::unexpected_packet) << v.name;
        EXPECT_TRUE(got.packets.empty()) << v.name;
      } else {
        EXPECT_EQ(got_rc, want_rc) << v.name;
        EXPECT_EQ(got.packets, want.packets) << v.name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(CodecFiles, CodecDecoderStream,
                         ::testing::Values(Stream{"packets_v311.txt", Version::v311},
                                           Stream{"packets_v5.txt", Version::v5}));

// PUBLISH qos 0 "a/b" payload "hello", twice.
const uint8_t kTwoPublishes[] = {0x30, 0x0a, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x68,
                                 0x65, 0x6c, 0x6c, 0x6f, 0x30, 0x0a, 0x00, 0x03,
                                 0x61, 0x2f, 0x62, 0x68, 0x65, 0x6c, 0x6c, 0x6f};

TEST(CodecDecoder, WholePacketsAreViewsIntoTheFedBytesNotCopies) {
  Decoder d(Version::v311);
  Collector sink;
  ASSERT_EQ(d.feed(kTwoPublishes, sizeof kTwoPublishes, sink), ErrorCode::ok);
  ASSERT_EQ(sink.payloads.size(), 2u);
  EXPECT_EQ(sink.payloads[0], kTwoPublishes + 7);
  EXPECT_EQ(sink.payloads[1], kTwoPublishes + 12 + 7);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(CodecDecoder, OnlyTheSplitPacketIsBuffered) {
  Decoder d(Version::v311);
  Collector sink;
  // The first packet and 5 bytes of the second.
  ASSERT_EQ(d.feed(kTwoPublishes, 17, sink), ErrorCode::ok);
  EXPECT_EQ(sink.payloads.size(), 1u);
  EXPECT_EQ(sink.payloads[0], kTwoPublishes + 7);
  EXPECT_EQ(d.buffered(), 5u);
  ASSERT_EQ(d.feed(kTwoPublishes + 17, sizeof kTwoPublishes - 17, sink), ErrorCode::ok);
  ASSERT_EQ(sink.payloads.size(), 2u);
  // The second was reassembled in the decoder's own buffer.
  EXPECT_FALSE(sink.payloads[1] >= kTwoPublishes &&
               sink.payloads[1] < kTwoPublishes + sizeof kTwoPublishes);
  EXPECT_EQ(sink.packets[0], sink.packets[1]);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(CodecDecoder, MaximumPacketSizeIsEnforcedBeforeBuffering) {
  // PUBLISH announcing 200 bytes; the limit counts the whole packet (1 + 2 + 200 = 203).
  const uint8_t header[] = {0x30, 0xC8, 0x01, 0x00, 0x01, 0x74};
  {
    Decoder d(Version::v311, 202);
    Collector sink;
    EXPECT_EQ(d.feed(header, sizeof header, sink), ErrorCode::packet_too_large);
    EXPECT_EQ(d.buffered(), 0u);
  }
  {
    Decoder d(Version::v311, 202);
    Collector sink;
    EXPECT_EQ(d.feed(header, 1, sink), ErrorCode::ok);
    EXPECT_EQ(d.feed(header + 1, 1, sink), ErrorCode::ok);
    EXPECT_EQ(d.buffered(), 2u);  // the header is not complete yet
    EXPECT_EQ(d.feed(header + 2, 1, sink), ErrorCode::packet_too_large);
    EXPECT_EQ(d.buffered(), 0u);
  }
  {
    Decoder d(Version::v311, 203);  // exactly the packet's size: accepted, body buffered
    Collector sink;
    EXPECT_EQ(d.feed(header, sizeof header, sink), ErrorCode::ok);
    EXPECT_EQ(d.buffered(), sizeof header);
  }
  {
    // A 4-byte remaining length of 268,435,455 with the default limit: refused at once.
    const uint8_t huge[] = {0x30, 0xFF, 0xFF, 0xFF, 0x7F};
    Decoder d(Version::v311);
    Collector sink;
    EXPECT_EQ(d.feed(huge, sizeof huge, sink), ErrorCode::packet_too_large);
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(CodecDecoder, SetMaxPacketSizeAppliesToTheNextHeader) {
  Decoder d(Version::v311);
  d.set_max_packet_size(10);
  Collector sink;
  EXPECT_EQ(d.feed(kTwoPublishes, 12, sink), ErrorCode::packet_too_large);
  d.reset();
  d.set_max_packet_size(12);
  EXPECT_EQ(d.feed(kTwoPublishes, 12, sink), ErrorCode::ok);
  EXPECT_EQ(sink.packets.size(), 1u);
}

TEST(CodecDecoder, SinkReturningFalseStopsAndKeepsNothing) {
  Decoder d(Version::v311);
  Collector sink;
  sink.stop_after = 1;
  // One and a half packets: the half must not stay buffered after the stop.
  EXPECT_EQ(d.feed(kTwoPublishes, 18, sink), ErrorCode::ok);
  EXPECT_EQ(sink.packets.size(), 1u);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(CodecDecoder, ResetForgetsAPartialPacket) {
  Decoder d(Version::v311);
  Collector sink;
  ASSERT_EQ(d.feed(kTwoPublishes, 5, sink), ErrorCode::ok);
  EXPECT_EQ(d.buffered(), 5u);
  d.reset();
  EXPECT_EQ(d.buffered(), 0u);
  ASSERT_EQ(d.feed(kTwoPublishes, 12, sink), ErrorCode::ok);
  EXPECT_EQ(sink.packets.size(), 1u);
}

TEST(CodecDecoder, SetVersionChangesHowPacketsAreRead) {
  if (!kV5) GTEST_SKIP() << "3.1.1-only build";
  const uint8_t disconnect_with_reason[] = {0xE0, 0x01, 0x04};
  Decoder d(Version::v311);
  Collector sink;
  EXPECT_EQ(d.feed(disconnect_with_reason, 3, sink), ErrorCode::malformed_packet);
  d.reset();
  d.set_version(Version::v5);
  EXPECT_EQ(d.feed(disconnect_with_reason, 3, sink), ErrorCode::ok);
  ASSERT_EQ(sink.packets.size(), 1u);
  EXPECT_NE(sink.packets[0].find("reason_code=4"), std::string::npos);
}

TEST(CodecDecoder, LargePayloadSplitInTwo) {
  Publish p;
  p.topic = "big";
  std::vector<uint8_t> payload(70000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t(i * 7);
  p.payload = Bytes(payload.data(), payload.size());
  std::vector<uint8_t> wire;
  ASSERT_EQ(encode(p, Version::v311, wire), ErrorCode::ok);
  EXPECT_EQ(wire[1] & 0x80, 0x80);  // a 3-byte remaining length
  Decoder d(Version::v311);
  Collector sink;
  ASSERT_EQ(d.feed(wire.data(), 3, sink), ErrorCode::ok);
  ASSERT_EQ(d.feed(wire.data() + 3, wire.size() - 3, sink), ErrorCode::ok);
  ASSERT_EQ(sink.packets.size(), 1u);
  EXPECT_EQ(sink.packets[0], describe(p));
}

}  // namespace
}  // namespace mqtt::test
