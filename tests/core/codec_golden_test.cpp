// The golden vectors of tests/vectors/: each valid record decodes to the structure spelled out
// here, and that structure encodes to exactly the record's bytes; every packet type of both
// versions has a record.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "codec_test_util.h"
#include "vectors_reader.h"

namespace mqtt::test {
namespace {

Bytes bytes_of(const char* s) { return Bytes::of(s); }

const uint8_t kTwoBinaryBytes[] = {0x00, 0xFF};
const uint8_t kOneTwo[] = {0x01, 0x02};
const uint8_t kOneTwoThree[] = {0x01, 0x02, 0x03};
const uint8_t kSubackV311[] = {0x01, 0x80};
const uint8_t kSubackV5[] = {0x02, 0x9E};
const uint8_t kUnsubackV5[] = {0x00, 0x11};

Ack ack(PacketType type, uint16_t id, uint8_t reason = 0) {
  Ack a;
  a.type = type;
  a.packet_id = id;
  a.reason_code = reason;
  return a;
}

Ping ping(PacketType type) {
  Ping p;
  p.type = type;
  return p;
}

// The decoded form of every valid record, by name.
std::map<std::string, Packet> expected_packets() {
  std::map<std::string, Packet> m;
  {
    Connect c;
    c.keep_alive = 60;
    c.client_id = "abc";
    m["connect_v311_minimal"] = c;
    c.version = Version::v5;
    m["connect_v5_minimal"] = c;
  }
  {
    Connect c;
    c.clean_start = false;
    c.keep_alive = 10;
    c.client_id = "c1";
    Will w;
    w.topic = "w/t";
    w.payload = bytes_of("bye");
    w.qos = 1;
    w.retain = true;
    c.will = w;
    c.username = std::string_view("u");
    c.password = bytes_of("pw");
    m["connect_v311_full"] = c;
  }
#if MQTT_CONFIG_V5  // 5.0 properties: the 5.0 records are skipped without them
  {
    Connect c;
    c.version = Version::v5;
    c.keep_alive = 30;
    c.client_id = "abc";
    c.properties.session_expiry_interval = 3600u;
    c.properties.request_problem_information = uint8_t(0);
    c.properties.receive_maximum = uint16_t(20);
    c.properties.topic_alias_maximum = uint16_t(10);
    c.properties.user_properties.push_back({"k", "v"});
    c.properties.maximum_packet_size = 1024u;
    Will w;
    w.topic = "w";
    w.payload = bytes_of("x");
    w.properties.payload_format_indicator = uint8_t(1);
    w.properties.content_type = std::string_view("t");
    w.properties.will_delay_interval = 5u;
    c.will = w;
    c.username = std::string_view("u");
    c.password = bytes_of("p");
    m["connect_v5_full"] = c;
  }
#endif
  {
    Connack c;
    m["connack_v311_accepted"] = c;
    m["connack_v5_minimal"] = c;
    c.session_present = true;
    m["connack_v311_session_present"] = c;
    c.session_present = false;
    c.reason_code = 5;
    m["connack_v311_not_authorized"] = c;
    c.reason_code = 0x87;
#if MQTT_CONFIG_V5
    c.properties.reason_string = std::string_view("no");
#endif
    m["connack_v5_refused"] = c;
  }
#if MQTT_CONFIG_V5
  {
    Connack c;
    c.session_present = true;
    Properties& p = c.properties;
    p.assigned_client_identifier = std::string_view("id1");
    p.server_keep_alive = uint16_t(30);
    p.receive_maximum = uint16_t(10);
    p.topic_alias_maximum = uint16_t(5);
    p.maximum_qos = uint8_t(1);
    p.retain_available = uint8_t(0);
    p.maximum_packet_size = 65536u;
    p.wildcard_subscription_available = uint8_t(1);
    p.subscription_identifier_available = uint8_t(1);
    p.shared_subscription_available = uint8_t(0);
    m["connack_v5_properties"] = c;
  }
#endif
  {
    Publish p;
    p.topic = "a/b";
    p.payload = bytes_of("hello");
    m["publish_v311_qos0"] = p;
    p.payload = bytes_of("hi");
    m["publish_v5_qos0"] = p;
  }
  {
    Publish p;
    p.qos = 1;
    p.retain = true;
    p.topic = "t";
    p.packet_id = 258;
    p.payload = Bytes(kTwoBinaryBytes, 2);
    m["publish_v311_qos1_retain"] = p;
  }
  {
    Publish p;
    p.qos = 2;
    p.dup = true;
    p.topic = "t";
    p.packet_id = 7;
    m["publish_v311_qos2_dup_empty_payload"] = p;
  }
#if MQTT_CONFIG_V5
  {
    Publish p;
    p.qos = 1;
    p.topic = "t";
    p.packet_id = 5;
    p.payload = bytes_of("ok");
    Properties& q = p.properties;
    q.payload_format_indicator = uint8_t(1);
    q.message_expiry_interval = 60u;
    q.content_type = std::string_view("text");
    q.response_topic = std::string_view("r");
    q.correlation_data = Bytes(kOneTwo, 2);
    q.subscription_identifiers = {7, 128};
    q.topic_alias = uint16_t(2);
    q.user_properties = {{"a", "b"}, {"a", "c"}};
    m["publish_v5_qos1_properties"] = p;
  }
  {
    Publish p;
    p.payload = bytes_of("x");
    p.properties.topic_alias = uint16_t(1);
    m["publish_v5_topic_alias_only"] = p;
  }
#endif
  m["puback_v311"] = ack(PacketType::puback, 1);
  m["pubrec_v311"] = ack(PacketType::pubrec, 2);
  m["pubrel_v311"] = ack(PacketType::pubrel, 3);
  m["pubcomp_v311"] = ack(PacketType::pubcomp, 4);
  m["puback_v5_success"] = ack(PacketType::puback, 1);
  m["puback_v5_explicit_success"] = ack(PacketType::puback, 1);
  m["puback_v5_reason_only"] = ack(PacketType::puback, 1, 0x10);
#if MQTT_CONFIG_V5
  {
    Ack a = ack(PacketType::puback, 1, 0x80);
    a.properties.reason_string = std::string_view("fail");
    m["puback_v5_reason_string"] = a;
  }
#endif
  m["pubrec_v5"] = ack(PacketType::pubrec, 2, 0x80);
  m["pubrel_v5"] = ack(PacketType::pubrel, 3, 0x92);
  m["pubcomp_v5"] = ack(PacketType::pubcomp, 4);
  {
    Subscribe s;
    s.packet_id = 10;
    s.topics = {{"a/+", 1}, {"#", 0}};
    m["subscribe_v311"] = s;
  }
#if MQTT_CONFIG_V5
  {
    Subscribe s;
    s.packet_id = 1;
    s.properties.subscription_identifiers = {5};
    SubscribeTopic a{"a/#", 2};
    a.no_local = true;
    a.retain_as_published = true;
    a.retain_handling = 2;
    s.topics = {a, {"$share/g/x", 1}};
    m["subscribe_v5"] = s;
  }
#endif
  {
    Suback s;
    s.packet_id = 10;
    s.reason_codes = Bytes(kSubackV311, 2);
    m["suback_v311"] = s;
    s.packet_id = 1;
    s.reason_codes = Bytes(kSubackV5, 2);
    m["suback_v5"] = s;
    s.type = PacketType::unsuback;
    s.packet_id = 11;
    s.reason_codes = Bytes();
    m["unsuback_v311"] = s;
    s.packet_id = 2;
    s.reason_codes = Bytes(kUnsubackV5, 2);
    m["unsuback_v5"] = s;
  }
  {
    Unsubscribe u;
    u.packet_id = 11;
    u.filters = {"a/+"};
    m["unsubscribe_v311"] = u;
    u.packet_id = 2;
    u.filters = {"a/b"};
#if MQTT_CONFIG_V5
    u.properties.user_properties = {{"k", "v"}};
#endif
    m["unsubscribe_v5"] = u;
  }
  m["pingreq_v311"] = m["pingreq_v5"] = ping(PacketType::pingreq);
  m["pingresp_v311"] = m["pingresp_v5"] = ping(PacketType::pingresp);
  m["disconnect_v311"] = m["disconnect_v5_normal"] = Disconnect{};
  {
    Disconnect d;
    d.reason_code = 0x04;
    m["disconnect_v5_with_will"] = d;
#if MQTT_CONFIG_V5
    d.reason_code = 0x8E;
    d.properties.session_expiry_interval = 0u;
    d.properties.server_reference = std::string_view("s");
    d.properties.reason_string = std::string_view("by");
    m["disconnect_v5_properties"] = d;
#endif
  }
  m["auth_v5_success"] = Auth{};
#if MQTT_CONFIG_V5
  {
    Auth a;
    a.reason_code = 0x18;
    a.properties.authentication_method = std::string_view("SCRAM");
    a.properties.authentication_data = Bytes(kOneTwoThree, 3);
    m["auth_v5_continue"] = a;
  }
#endif
  return m;
}

Version version_of(const Vector& v) { return v.version == 5 ? Version::v5 : Version::v311; }

// Splits a record into the fixed header's first byte and the body, checking the remaining length.
bool split(const Vector& v, uint8_t& header, Bytes& body) {
  if (v.bytes.size() < 2) return false;
  size_t i = 1;
  uint32_t len = 0;
  for (unsigned shift = 0; i < v.bytes.size() && shift < 28; shift += 7) {
    const uint8_t b = v.bytes[i++];
    len |= uint32_t(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  header = v.bytes[0];
  body = Bytes(v.bytes.data() + i, v.bytes.size() - i);
  return body.size == len;
}

class CodecGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(CodecGolden, DecodesToTheSpelledOutPacketAndEncodesBack) {
  if (!kV5 && std::string(GetParam()) == "packets_v5.txt") GTEST_SKIP() << "3.1.1-only build";
  const auto expected = expected_packets();
  const auto vectors = read_vectors(GetParam());
  ASSERT_GE(vectors.size(), 15u);
  std::set<unsigned> types;
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.file + ":" + std::to_string(v.line) + " " + v.name);
    ASSERT_TRUE(v.error.empty()) << v.error;
    ASSERT_EQ(v.expect, "ok");
    uint8_t header = 0;
    Bytes body;
    ASSERT_TRUE(split(v, header, body)) << "remaining length does not match the bytes";
    const auto it = expected.find(v.name);
    ASSERT_NE(it, expected.end()) << "no expected packet for this record";

    Packet decoded;
    ASSERT_EQ(error_name(decode(header, body, version_of(v), decoded)), "ok");
    EXPECT_EQ(describe(decoded), describe(it->second));
    types.insert(unsigned(packet_type(decoded)));

    std::vector<uint8_t> out = {0xAA};  // encode() appends
    ASSERT_EQ(error_name(encode(it->second, version_of(v), out)), "ok");
    std::vector<uint8_t> want = {0xAA};
    if (v.canonical) {
      want.insert(want.end(), v.bytes.begin(), v.bytes.end());
      EXPECT_EQ(hex(out), hex(want));
    } else {
      EXPECT_NE(hex(std::vector<uint8_t>(out.begin() + 1, out.end())), hex(v.bytes));
    }
  }
  const unsigned last = std::string(GetParam()).find("v5") != std::string::npos ? 15 : 14;
  for (unsigned t = 1; t <= last; ++t)
    EXPECT_TRUE(types.count(t)) << "no vector of packet type " << t;
}

INSTANTIATE_TEST_SUITE_P(CodecFiles, CodecGolden,
                         ::testing::Values("packets_v311.txt", "packets_v5.txt"));

TEST(CodecGolden, EveryExpectedPacketHasARecord) {
  std::set<std::string> names;
  for (const char* f : {"packets_v311.txt", "packets_v5.txt"}) {
    for (const Vector& v : read_vectors(f)) names.insert(v.name);
  }
  for (const auto& [name, packet] : expected_packets()) EXPECT_TRUE(names.count(name)) << name;
}

}  // namespace
}  // namespace mqtt::test
