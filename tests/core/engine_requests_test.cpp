// Engine: invalid requests (refused synchronously, completed once before the call returns),
// protocol violations by the broker, and the order of events over a whole life.
#include <gtest/gtest.h>

#include "support/scripted_broker.h"
#include "vectors_reader.h"

namespace mqtt::test {
namespace {

// Calls `request` and checks: non-zero return, exactly one completion with that code, delivered
// before the call returned, an `error` event, and nothing sent.
template <class F>
void expect_refused(Harness& h, Token token, ErrorCode expected, F request) {
  bool returned = false;
  bool early = false;
  h.events.complete_hook = [&](Token t, const Error&) { early = t == token && !returned; };
  size_t sent = h.host.sent.size();
  ErrorCode rc = request(token);
  returned = true;
  h.events.complete_hook = nullptr;
  EXPECT_EQ(rc, expected) << error_name(rc);
  EXPECT_EQ(h.events.count(token), 1u);
  EXPECT_EQ(h.events.result(token), expected);
  EXPECT_TRUE(early) << "on_complete must come before the call returns";
  EXPECT_EQ(h.events.errors.back().code, expected);
  EXPECT_EQ(h.host.sent.size(), sent);
}

TEST(EngineRequests, InvalidPublishes) {
  Harness h(basic_options());
  h.connect_ok();
  Engine& e = *h.engine;
  expect_refused(h, 1, ErrorCode::invalid_qos, [&](Token t) { return e.publish(make_publish("t", "x", 3), t); });
  expect_refused(h, 2, ErrorCode::invalid_qos, [&](Token t) { return e.publish(make_publish("t", "x", -1), t); });
  expect_refused(h, 3, ErrorCode::invalid_topic, [&](Token t) { return e.publish(make_publish("a/+", "x"), t); });
  expect_refused(h, 4, ErrorCode::invalid_topic, [&](Token t) { return e.publish(make_publish("a/#", "x"), t); });
  expect_refused(h, 5, ErrorCode::missing_topic, [&](Token t) { return e.publish(make_publish("", "x"), t); });
  expect_refused(h, 6, ErrorCode::invalid_utf8,
                 [&](Token t) { return e.publish(make_publish("bad\xc3\x28", "x"), t); });
  expect_refused(h, 7, ErrorCode::invalid_utf8,
                 [&](Token t) { return e.publish(make_publish(std::string_view("nul\0", 4), "x"), t); });
  std::string huge(65536, 'a');
  expect_refused(h, 8, ErrorCode::topic_too_long, [&](Token t) { return e.publish(make_publish(huge, "x"), t); });
  EXPECT_EQ(h.engine->state(), State::connected);
}

TEST(EngineRequests, InvalidSubscriptions) {
  Harness h(basic_options());
  h.connect_ok();
  Engine& e = *h.engine;
  expect_refused(h, 1, ErrorCode::invalid_qos, [&](Token t) { return e.subscribe(make_subscribe("t", 3), t); });
  expect_refused(h, 2, ErrorCode::invalid_topic_filter,
                 [&](Token t) { return e.subscribe(make_subscribe("a/#/b"), t); });
  expect_refused(h, 3, ErrorCode::invalid_topic_filter, [&](Token t) { return e.subscribe(make_subscribe("a+"), t); });
  expect_refused(h, 4, ErrorCode::missing_topic, [&](Token t) { return e.subscribe(make_subscribe(""), t); });
  expect_refused(h, 5, ErrorCode::invalid_utf8, [&](Token t) { return e.subscribe(make_subscribe("\xff"), t); });
  expect_refused(h, 6, ErrorCode::missing_topic, [&](Token t) { return e.unsubscribe({"", {}}, t); });
  expect_refused(h, 7, ErrorCode::invalid_topic_filter, [&](Token t) { return e.unsubscribe({"#/a", {}}, t); });
  // Valid wildcard filters are fine.
  EXPECT_EQ(e.subscribe(make_subscribe("+/a/#", 2), 8), ErrorCode::ok);
  EXPECT_EQ(h.expect<Subscribe>().topics[0].filter, "+/a/#");
}

TEST(EngineRequests, InvalidRequestsOfflineAreRefusedToo) {
  Harness h(basic_options());
  expect_refused(h, 1, ErrorCode::invalid_qos,
                 [&](Token t) { return h.engine->publish(make_publish("t", "x", 7), t); });
  EXPECT_EQ(h.engine->queued(), 0u);
}

TEST(EngineRequests, BinaryPayloadsAreKeptExactly) {
  Harness h(basic_options());
  h.connect_ok();
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  h.engine->publish(make_publish("bin", all, 1), 1);
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), all);
  h.engine->publish(make_publish("empty", ""), 2);
  EXPECT_EQ(h.expect<Publish>().payload.size, 0u);
  h.publish("in", all);
  EXPECT_EQ(h.events.messages.back().payload, all);
}

TEST(EngineRequests, PacketBeforeConnackIsAViolation) {
  ClientOptions o = basic_options();
  o.reconnect_min_ms = 1000;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  h.expect<Connect>();
  h.publish("t", "early");
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::unexpected_packet);
  EXPECT_EQ(h.events.result(1), ErrorCode::unexpected_packet);
  EXPECT_TRUE(h.events.messages.empty());
  EXPECT_EQ(h.host.closes, 1u);
  h.advance(1000);
  EXPECT_EQ(h.host.opens.size(), 2u);
}

TEST(EngineRequests, SecondConnackIsAViolation) {
  Harness h(basic_options());
  h.connect_ok();
  h.connack();
  EXPECT_EQ(h.events.events(),
            (std::vector<std::string>{"connect", "error:unexpected_packet", "disconnect:unexpected_packet"}));
}

TEST(EngineRequests, MalformedBytesAreAViolationNamingTheRule) {
  Harness h(basic_options());
  h.connect_ok();
  h.deliver_bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});  // remaining length of 5 bytes
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::malformed_remaining_length);
  EXPECT_EQ(h.engine->state(), State::waiting);
  EXPECT_EQ(h.host.closes, 1u);
}

// The DISCONNECT reason code the 5.0 specification gives each violation the client detects.
uint8_t spec_disconnect_reason(ErrorCode code) {
  switch (code) {
    // Malformed Packet (0x81): cannot be parsed [1.2, 4.13.1]: remaining length [1.5.5], length
    // and contents, reserved flags [2.1.3], ill-formed UTF-8 [1.5.4], a property identifier not
    // valid for the packet [2.2.2.2], both QoS bits set [MQTT-3.3.1-4].
    case ErrorCode::malformed_remaining_length:
    case ErrorCode::malformed_packet:
    case ErrorCode::invalid_flags:
    case ErrorCode::malformed_utf8:
    case ErrorCode::property_not_allowed:
    case ErrorCode::invalid_qos_from_server:
      return 0x81;
    case ErrorCode::packet_too_large: return 0x95;          // [3.1.2.11.4]
    case ErrorCode::receive_maximum_exceeded: return 0x93;  // [3.1.2.11.3]
    case ErrorCode::topic_alias_invalid: return 0x94;       // [3.2.2.3.8, 3.3.2.3.4]
    // Protocol Error (0x82): parsed, but not allowed: a property twice or out of its range (said
    // of each property), an empty topic without alias [3.3.2.1], wildcards in a topic name, a
    // zero packet identifier, a reason code the packet may not carry, a packet out of place.
    default: return 0x82;
  }
}

// Every malformed or forbidden packet of tests/vectors/malformed.txt, arriving on an established
// connection: an error naming it, the connection closed, nothing delivered; 5.0 first sends
// DISCONNECT with the reason code the specification names (3.1.1 just closes [MQTT-4.8.0-1]).
TEST(EngineRequests, EveryMalformedPacketClosesWithTheSpecifiedReason) {
  for (const Vector& v : read_vectors("malformed.txt")) {
    if (v.version == 5 && !MQTT_CONFIG_V5) continue;
    SCOPED_TRACE("malformed.txt:" + std::to_string(v.line) + " " + v.name);
    ClientOptions o = basic_options(v.version);
    if (v.max_packet_size) o.max_packet_size = v.max_packet_size;
    Harness h(o);
    h.connect_ok();
    h.engine->on_bytes(v.bytes.data(), v.bytes.size());
    ASSERT_EQ(h.events.errors.size(), 1u);
    ErrorCode code = h.events.errors[0].code;
    // What the broker may not send at all is refused before its contents are looked at.
    const uint8_t type = v.bytes[0] >> 4;
    const bool client_only = type == 1 || type == 8 || type == 10 || type == 12;
    const bool header = v.expect == "malformed_remaining_length" || v.expect == "packet_too_large" ||
                        (v.bytes[0] & 0x0F) != (type == 8 || type == 10 ? 2 : 0);  // fixed header flags
    EXPECT_EQ(error_name(code), client_only && !header ? "unexpected_packet" : v.expect);
    EXPECT_TRUE(error_is_fatal(code));
    EXPECT_EQ(h.host.closes, 1u);
    EXPECT_EQ(h.engine->state(), State::waiting);
    EXPECT_TRUE(h.events.messages.empty());
    if (v.version == 5) {
      ASSERT_EQ(h.pending(), 1u);
      EXPECT_EQ(h.expect<Disconnect>().reason_code, spec_disconnect_reason(code)) << error_name(code);
    }
    h.expect_nothing();
  }
}

// Packets only a client sends (and DISCONNECT from a 3.1.1 broker, which has none to send) end
// the connection as unexpected, also when well formed; 5.0 says so with DISCONNECT 0x82.
TEST(EngineRequests, ClientPacketsFromTheBrokerAreUnexpected) {
  const std::vector<std::vector<uint8_t>> packets = {
      {0xC0, 0x00},                                // PINGREQ
      {0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00},  // SUBSCRIBE (3.1.1 layout)
      {0xA2, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'},   // UNSUBSCRIBE (3.1.1 layout)
      {0xE0, 0x00},                                // DISCONNECT: 3.1.1 only
  };
  for (int version : {4, 5}) {
    for (const std::vector<uint8_t>& bytes : packets) {
      if (version == 5 && (bytes[0] == 0xE0 || !MQTT_CONFIG_V5)) continue;
      SCOPED_TRACE("version " + std::to_string(version) + " type " + std::to_string(bytes[0] >> 4));
      Harness h(basic_options(version));
      h.connect_ok();
      h.deliver_bytes(bytes);
      ASSERT_EQ(h.events.errors.size(), 1u);
      EXPECT_EQ(h.events.errors[0].code, ErrorCode::unexpected_packet);
      EXPECT_EQ(h.host.closes, 1u);
      if (version == 5) {
        EXPECT_EQ(h.expect<Disconnect>().reason_code, 0x82);
      }
      h.expect_nothing();
    }
  }
}

// The CONNACK accepted the connection, so the connect request succeeded: an application that
// closes from the connect event (or from a completion the CONNACK caused) gets success, then
// close; not fail(closed).
TEST(EngineRequests, CloseInsideTheConnectEventStillCompletesTheConnectRequestWithSuccess) {
  Harness h(basic_options());
  h.events.connect_hook = [&] { h.engine->close(); };
  h.engine->connect(1000);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack();
  EXPECT_EQ(h.events.log, (std::vector<std::string>{"connect", "complete:1000:ok", "close"}));
  EXPECT_EQ(h.events.after_close, 0u);
}

TEST(EngineRequests, SessionPresentAfterCleanStartIsAViolation) {
  Harness h(basic_options());
  h.engine->connect(1);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(true);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::protocol_error);
}

TEST(EngineRequests, PacketsSplitAndJoinedArriveTheSame) {
  Harness h(basic_options());
  h.connect_ok();
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 3; ++i) {
    Publish p;
    p.topic = "t";
    p.payload = Bytes::of("abc");
    p.qos = 1;
    p.packet_id = static_cast<uint16_t>(i + 1);
    encode(p, Version::v311, bytes);
  }
  for (uint8_t b : bytes) h.engine->on_bytes(&b, 1);
  EXPECT_EQ(h.events.messages.size(), 3u);
  for (int i = 0; i < 3; ++i) h.expect_ack(PacketType::puback);
}

TEST(EngineRequests, EveryEventInItsOrder) {
  ClientOptions o = basic_options();
  o.reconnect_min_ms = 1000;
  Harness h(o);
  h.connect_ok();
  h.publish("t", "m1");
  h.engine->subscribe(make_subscribe("x"), 2);
  h.suback(h.expect<Subscribe>().packet_id, 0x80);  // error
  h.engine->on_closed(ErrorCode::connection_lost);  // disconnect
  h.advance(1000);
  h.open_and_connack();  // reconnect
  h.publish("t", "m2");
  h.engine->on_closed(ErrorCode::connection_lost);
  h.advance(2000);
  h.open_and_connack();
  h.engine->close();
  EXPECT_EQ(h.events.events(),
            (std::vector<std::string>{"connect", "error:subscribe_refused", "disconnect:connection_lost",
                                      "reconnect", "disconnect:connection_lost", "reconnect", "close"}));
  std::vector<std::string> messages;
  for (const std::string& s : h.events.log)
    if (s.rfind("message:", 0) == 0) messages.push_back(s);
  EXPECT_EQ(messages.size(), 2u);
  EXPECT_EQ(h.events.after_close, 0u);
}

TEST(EngineRequests, PermanentRefusalIsErrorThenClose) {
  Harness h(basic_options());
  h.engine->publish(make_publish("t", "x", 1), 2);
  h.engine->connect(1);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(false, 1);  // unacceptable protocol version
  EXPECT_EQ(h.events.log, (std::vector<std::string>{"error:connection_refused", "complete:1:connection_refused",
                                                    "complete:2:closed", "close"}));
}

}  // namespace
}  // namespace mqtt::test
