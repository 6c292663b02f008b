// Round trips built in code (not from the vectors): every packet type in both versions encodes,
// decodes to the same fields, and encodes again to the same bytes; and encode() refuses what it
// cannot write without touching `out`.
#include <gtest/gtest.h>

#include <memory>

#include "codec_test_util.h"

namespace mqtt::test {
namespace {

const uint8_t kCodes[] = {0x00, 0x01, 0x02};

// Called with 5.0 only when the build has it (MQTT_CONFIG_V5).
std::vector<Packet> sample_packets(Version v) {
  const bool v5 = v == Version::v5;
  std::vector<Packet> out;
  Connect c;
  c.version = v;
  c.client_id = "client-\xC3\xA9";  // "client-é"
  c.keep_alive = 65535;
  Will will;
  will.topic = "status/c";
  will.payload = Bytes::of("offline");
  will.qos = 2;
  will.retain = true;
#if MQTT_CONFIG_V5
  if (v5) will.properties.message_expiry_interval = 10u;
#endif
  c.will = will;
  c.username = std::string_view("user");
  c.password = Bytes::of(std::string_view("\0\x01\xFF", 3));
#if MQTT_CONFIG_V5
  if (v5) {
    c.properties.session_expiry_interval = 0xFFFFFFFFu;
    c.properties.authentication_method = std::string_view("m");
    c.properties.authentication_data = Bytes::of("d");
  }
#endif
  out.push_back(c);

  Connack ca;
  ca.session_present = true;
#if MQTT_CONFIG_V5
  if (v5) ca.properties.server_reference = std::string_view("other");
#endif
  out.push_back(ca);

  for (uint8_t qos = 0; qos <= 2; ++qos) {
    Publish p;
    p.qos = qos;
    p.dup = qos > 0;
    p.retain = qos == 1;
    p.topic = "a/b/c";
    p.packet_id = qos ? uint16_t(65535 - qos) : 0;
    p.payload = Bytes::of(std::string_view("\0binary\xFF", 8));
#if MQTT_CONFIG_V5
    if (v5) {
      p.properties.subscription_identifiers = {1, 268435455};
      p.properties.user_properties = {{"", ""}, {"k", "v"}};
    }
#endif
    out.push_back(p);
  }
  for (PacketType t :
       {PacketType::puback, PacketType::pubrec, PacketType::pubrel, PacketType::pubcomp}) {
    Ack a;
    a.type = t;
    a.packet_id = 42;
#if MQTT_CONFIG_V5
    if (v5) {
      a.reason_code = (t == PacketType::pubrel || t == PacketType::pubcomp) ? 0x92 : 0x97;
      a.properties.reason_string = std::string_view("why");
    }
#endif
    out.push_back(a);
  }
  Subscribe s;
  s.packet_id = 1;
  s.topics = {{"+/x/#", 0}, {"$SYS/#", 1}, {"$share/group/a/+", 2}};
#if MQTT_CONFIG_V5
  if (v5) {
    s.topics[0].no_local = true;
    s.topics[1].retain_handling = 1;
    s.properties.subscription_identifiers = {99};
  }
#endif
  out.push_back(s);
  Suback sa;
  sa.packet_id = 1;
  sa.reason_codes = Bytes(kCodes, 3);
  out.push_back(sa);
  Unsubscribe u;
  u.packet_id = 2;
  u.filters = {"a/#", "b"};
  out.push_back(u);
  Suback ua;
  ua.type = PacketType::unsuback;
  ua.packet_id = 2;
  if (v5) ua.reason_codes = Bytes(kCodes, 1);
  out.push_back(ua);
  Ping pq, pr;
  pr.type = PacketType::pingresp;
  out.push_back(pq);
  out.push_back(pr);
  Disconnect d;
#if MQTT_CONFIG_V5
  if (v5) {
    d.reason_code = 0x8D;
    d.properties.session_expiry_interval = 5u;
  }
  out.push_back(d);
  if (v5) {
    Auth a;
    a.reason_code = 0x19;
    a.properties.authentication_method = std::string_view("m");
    out.push_back(a);
  }
#else
  out.push_back(d);
#endif
  return out;
}

class CodecRoundTrip : public ::testing::TestWithParam<Version> {};

TEST_P(CodecRoundTrip, EveryPacketTypeSurvivesEncodeDecodeEncode) {
  const Version v = GetParam();
  if (!kV5 && v == Version::v5) GTEST_SKIP() << "3.1.1-only build";
  for (const Packet& packet : sample_packets(v)) {
    SCOPED_TRACE(describe(packet));
    std::vector<uint8_t> wire;
    ASSERT_EQ(error_name(encode(packet, v, wire)), "ok");
    Decoder d(v);
    Collector sink;
    ASSERT_EQ(error_name(d.feed(wire.data(), wire.size(), sink)), "ok");
    ASSERT_EQ(sink.packets.size(), 1u);
    EXPECT_EQ(sink.packets[0], describe(packet));

    Packet decoded;
    size_t header_len = 2;
    while (wire[header_len - 1] & 0x80) ++header_len;
    ASSERT_EQ(
        decode(wire[0], Bytes(wire.data() + header_len, wire.size() - header_len), v, decoded),
        ErrorCode::ok);
    std::vector<uint8_t> again;
    ASSERT_EQ(encode(decoded, v, again), ErrorCode::ok);
    EXPECT_EQ(hex(again), hex(wire));
  }
}

INSTANTIATE_TEST_SUITE_P(CodecVersions, CodecRoundTrip,
                         ::testing::Values(Version::v311, Version::v5));

TEST(CodecEncode, V311LeavesOutEveryV5Field) {
  Publish p;
  p.topic = "t";
  p.payload = Bytes::of("x");
#if MQTT_CONFIG_V5
  p.properties.message_expiry_interval = 5u;
  p.properties.user_properties = {{"k", "v"}};
#endif
  std::vector<uint8_t> out;
  ASSERT_EQ(encode(p, Version::v311, out), ErrorCode::ok);
  EXPECT_EQ(hex(out), "30 04 00 01 74 78");

  Ack a;
  a.packet_id = 1;
  a.reason_code = 0x80;
  out.clear();
  ASSERT_EQ(encode(a, Version::v311, out), ErrorCode::ok);
  EXPECT_EQ(hex(out), "40 02 00 01");

  Disconnect d;
  d.reason_code = 0x04;
  out.clear();
  ASSERT_EQ(encode(d, Version::v311, out), ErrorCode::ok);
  EXPECT_EQ(hex(out), "e0 00");
}

struct Refusal {
  const char* what;
  Packet packet;
  Version version;
  ErrorCode expected;
};

std::vector<Refusal> refusals() {
  static const std::string long_string(65536, 'a');
  std::vector<Refusal> r;
  Publish p;
  p.topic = "t";
  {
    Publish q = p;
    q.topic = "a/+";
    r.push_back({"wildcard topic", q, Version::v311, ErrorCode::invalid_topic});
    q.topic = "";
    r.push_back({"empty topic in 3.1.1", q, Version::v311, ErrorCode::invalid_topic});
    r.push_back({"empty topic, no alias", q, Version::v5, ErrorCode::invalid_topic});
    q.topic = long_string;
    r.push_back({"topic over 65535 bytes", q, Version::v311, ErrorCode::topic_too_long});
    q.topic = "\xC0\xAF";
    r.push_back({"topic not UTF-8", q, Version::v311, ErrorCode::invalid_utf8});
    q = p;
    q.qos = 3;
    q.packet_id = 1;
    r.push_back({"qos 3", q, Version::v311, ErrorCode::invalid_qos});
    q.qos = 1;
    q.packet_id = 0;
    r.push_back({"qos 1 without packet id", q, Version::v311, ErrorCode::invalid_argument});
#if MQTT_CONFIG_V5  // without it, the 5.0 cases without properties expect not_supported
    q = p;
    q.properties.session_expiry_interval = 1u;
    r.push_back(
        {"property not allowed in PUBLISH", q, Version::v5, ErrorCode::property_not_allowed});
    q = p;
    q.properties.subscription_identifiers = {0};
    r.push_back({"subscription identifier 0", q, Version::v5, ErrorCode::invalid_property});
    q = p;
    q.properties.content_type = std::string_view("\xED\xA0\x80");
    r.push_back({"property string not UTF-8", q, Version::v5, ErrorCode::invalid_utf8});
    q = p;
    q.properties.user_properties = {{"k", long_string}};
    r.push_back({"user property over 65535 bytes", q, Version::v5, ErrorCode::invalid_argument});
#endif
  }
  {
    Connect c;
    c.client_id = long_string;
    r.push_back({"client id over 65535 bytes", c, Version::v311, ErrorCode::invalid_argument});
    c.client_id = "c";
    c.password = Bytes::of("p");
    r.push_back(
        {"3.1.1 password without user name", c, Version::v311, ErrorCode::invalid_argument});
#if MQTT_CONFIG_V5
    c.password = Opt<Bytes>();
    c.properties.topic_alias = uint16_t(1);
    r.push_back({"topic alias in CONNECT", c, Version::v5, ErrorCode::property_not_allowed});
#endif
  }
  {
    Subscribe s;
    s.packet_id = 1;
    r.push_back({"no filters", s, Version::v311, ErrorCode::invalid_argument});
    s.topics = {{"a/#/b", 0}};
    r.push_back({"bad filter", s, Version::v311, ErrorCode::invalid_topic_filter});
#if MQTT_CONFIG_V5
    s.topics = {{"a", 0}};
    s.properties.subscription_identifiers = {1, 2};
    r.push_back({"two subscription identifiers", s, Version::v5, ErrorCode::invalid_property});
    s.properties.subscription_identifiers.clear();
#endif
    s.topics = {{"$share/g/a", 0}};
    s.topics[0].no_local = true;
    r.push_back({"no local on a shared subscription", s, Version::v5, ErrorCode::invalid_argument});
  }
  {
    Ack a;
    a.packet_id = 0;
    r.push_back({"ack with packet id 0", a, Version::v311, ErrorCode::invalid_argument});
    Auth au;
    r.push_back({"AUTH in 3.1.1", au, Version::v311, ErrorCode::not_supported});
  }
  return r;
}

TEST(CodecEncode, RefusesWhatItCannotWriteAndLeavesOutUnchanged) {
  for (const Refusal& r : refusals()) {
    SCOPED_TRACE(r.what);
    std::vector<uint8_t> out = {1, 2, 3};
    const ErrorCode expected =
        kV5 || r.version == Version::v311 ? r.expected : ErrorCode::not_supported;
    EXPECT_EQ(error_name(encode(r.packet, r.version, out)), error_name(expected));
    EXPECT_EQ(hex(out), "01 02 03");
  }
}

TEST(CodecEncode, RemainingLengthLimit) {
  // 268,435,455 body bytes is the most a remaining length can say. The payload is refused before
  // it is copied, so its memory is never touched (allocated uninitialised, it costs no RAM).
  const size_t too_many = 268435455 - 3 + 1;  // topic "t" takes 3 bytes: one byte too many
  std::unique_ptr<uint8_t[]> payload(new uint8_t[too_many]);
  Publish p;
  p.topic = "t";
  p.payload = Bytes(payload.get(), too_many);
  std::vector<uint8_t> out = {7};
  EXPECT_EQ(encode(p, Version::v311, out), ErrorCode::payload_too_large);
  EXPECT_EQ(hex(out), "07");

  // The 4-byte remaining length, from 2,097,152 on.
  std::vector<uint8_t> big(2097152 - 3);
  p.payload = Bytes(big.data(), big.size());
  ASSERT_EQ(encode(p, Version::v311, out), ErrorCode::ok);
  EXPECT_EQ(out.size(), 1u + 1 + 4 + 2097152);
  EXPECT_EQ(hex(out.data(), 6), "07 30 80 80 80 01");
}

// MQTT_CONFIG_V5=0 compiles the 5.0 code out: 5.0 is then refused, not half-handled.
TEST(CodecBuild, V5IsNotSupportedWithoutIt) {
  const uint8_t body[] = {0x00, 0x01};  // PUBACK packet identifier 1
  const ErrorCode want = kV5 ? ErrorCode::ok : ErrorCode::not_supported;
  Packet packet;
  EXPECT_EQ(decode(0x40, Bytes(body, 2), Version::v5, packet), want);
  std::vector<uint8_t> out;
  EXPECT_EQ(encode(packet, Version::v5, out), want);
  const uint8_t wire[] = {0x40, 0x02, 0x00, 0x01};
  Decoder d(Version::v5);
  Collector sink;
  EXPECT_EQ(d.feed(wire, sizeof wire, sink), want);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(CodecEncode, PacketTypeOfEveryAlternative) {
  EXPECT_EQ(packet_type(Connect{}), PacketType::connect);
  EXPECT_EQ(packet_type(Connack{}), PacketType::connack);
  EXPECT_EQ(packet_type(Publish{}), PacketType::publish);
  Ack a;
  a.type = PacketType::pubcomp;
  EXPECT_EQ(packet_type(a), PacketType::pubcomp);
  EXPECT_EQ(packet_type(Subscribe{}), PacketType::subscribe);
  Suback s;
  s.type = PacketType::unsuback;
  EXPECT_EQ(packet_type(s), PacketType::unsuback);
  EXPECT_EQ(packet_type(Unsubscribe{}), PacketType::unsubscribe);
  Ping p;
  p.type = PacketType::pingresp;
  EXPECT_EQ(packet_type(p), PacketType::pingresp);
  EXPECT_EQ(packet_type(Disconnect{}), PacketType::disconnect);
  EXPECT_EQ(packet_type(Auth{}), PacketType::auth);
}

}  // namespace
}  // namespace mqtt::test
