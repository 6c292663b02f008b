// Engine, MQTT 5.0: topic aliases both ways, broker limits from CONNACK, server DISCONNECT,
// enhanced authentication. Compiled only with MQTT 5.0 (MQTT_CONFIG_V5).
#include <gtest/gtest.h>

#include "support/scripted_broker.h"

#if MQTT_CONFIG_V5
namespace mqtt::test {
namespace {

TEST(EngineV5, OutgoingTopicAliasesUpToTheBrokerMaximum) {
  Harness h(basic_options(5));
  Properties p;
  p.topic_alias_maximum = 2;
  h.connect_ok(false, p);
  const char* topics[] = {"a/1", "a/2", "a/3", "a/1", "a/2", "a/3"};
  for (const char* t : topics) h.engine->publish(make_publish(t, "x"), 1);
  Publish first = h.expect<Publish>();
  EXPECT_EQ(first.topic, "a/1");  // alias 1 set together with the topic
  ASSERT_TRUE(first.properties.topic_alias);
  EXPECT_EQ(*first.properties.topic_alias, 1);
  Publish second = h.expect<Publish>();
  EXPECT_EQ(*second.properties.topic_alias, 2);
  Publish third = h.expect<Publish>();  // no alias left: full topic, no alias
  EXPECT_EQ(third.topic, "a/3");
  EXPECT_FALSE(third.properties.topic_alias);
  Publish again1 = h.expect<Publish>();
  EXPECT_EQ(again1.topic, "");  // the alias alone
  EXPECT_EQ(*again1.properties.topic_alias, 1);
  Publish again2 = h.expect<Publish>();
  EXPECT_EQ(again2.topic, "");
  EXPECT_EQ(*again2.properties.topic_alias, 2);
  EXPECT_EQ(h.expect<Publish>().topic, "a/3");
}

// An alias is learnt by the broker only from a packet that carries it: when the aliased packet
// would exceed the broker's Maximum Packet Size, the message goes out in full and the alias
// stays free, so a later message is never sent as an alias the broker does not know.
TEST(EngineV5, AnAliasIsRecordedOnlyWhenSent) {
  Harness h(basic_options(5));
  Properties p;
  p.topic_alias_maximum = 2;
  p.maximum_packet_size = 12;  // "a/1" with 4 payload bytes: 12 in full, 15 with an alias
  h.connect_ok(false, p);
  h.engine->publish(make_publish("a/1", "xxxx"), 1);
  h.engine->publish(make_publish("a/1", "xxxx"), 2);
  h.engine->publish(make_publish("a/1", ""), 3);  // 8 in full, 11 with an alias
  h.engine->publish(make_publish("a/1", ""), 4);
  for (int i = 0; i < 2; ++i) {
    Publish full = h.expect<Publish>();
    EXPECT_EQ(full.topic, "a/1");
    EXPECT_FALSE(full.properties.topic_alias);
  }
  Publish first = h.expect<Publish>();
  EXPECT_EQ(first.topic, "a/1");
  ASSERT_TRUE(first.properties.topic_alias);
  EXPECT_EQ(*first.properties.topic_alias, 1);
  Publish alias_only = h.expect<Publish>();
  EXPECT_EQ(alias_only.topic, "");
  EXPECT_EQ(*alias_only.properties.topic_alias, 1);
  for (Token t = 1; t <= 4; ++t) EXPECT_EQ(h.events.result(t), ErrorCode::ok);
}

TEST(EngineV5, NoOutgoingAliasesWithoutTheBrokersConsentAndNoneAcrossConnections) {
  ClientOptions o = basic_options(5);
  o.reconnect_min_ms = 1000;
  Harness h(o);
  h.connect_ok();
  h.engine->publish(make_publish("t", "x"), 1);
  EXPECT_FALSE(h.expect<Publish>().properties.topic_alias);
  h.drop_and_reopen();
  Properties p;
  p.topic_alias_maximum = 5;
  h.open_and_connack(false, p);
  h.engine->publish(make_publish("t", "x", 1), 2);
  Publish first = h.expect<Publish>();
  EXPECT_EQ(first.topic, "t");
  EXPECT_EQ(*first.properties.topic_alias, 1);
  // Retransmitted on a new connection: the old alias means nothing there, so the full topic.
  h.drop_and_reopen();
  h.open_and_connack(false, p);
  Publish again = h.expect<Publish>();
  EXPECT_EQ(again.topic, "t");
  EXPECT_FALSE(again.properties.topic_alias);
}

TEST(EngineV5, IncomingTopicAliases) {
  ClientOptions o = basic_options(5);
  o.topic_alias_maximum = 3;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  Connect c = h.expect<Connect>();
  ASSERT_TRUE(c.properties.topic_alias_maximum);
  EXPECT_EQ(*c.properties.topic_alias_maximum, 3);
  h.connack();
  Publish p;
  p.topic = "long/topic/name";
  p.payload = Bytes::of("1");
  p.properties.topic_alias = 3;
  h.deliver(p);
  p.topic = "";
  p.payload = Bytes::of("2");
  h.deliver(p);
  ASSERT_EQ(h.events.messages.size(), 2u);
  EXPECT_EQ(h.events.messages[1].topic, "long/topic/name");
  EXPECT_EQ(h.events.messages[1].payload, "2");
  p.properties.topic_alias = 2;  // never set
  h.deliver(p);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::topic_alias_invalid);
  EXPECT_EQ(h.expect<Disconnect>().reason_code, 0x94);
  EXPECT_EQ(h.engine->state(), State::waiting);
}

TEST(EngineV5, IncomingAliasAboveOurMaximumIsInvalid) {
  ClientOptions o = basic_options(5);
  o.topic_alias_maximum = 1;
  Harness h(o);
  h.connect_ok();
  Publish p;
  p.topic = "t";
  p.properties.topic_alias = 2;
  h.deliver(p);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::topic_alias_invalid);
  EXPECT_TRUE(h.events.messages.empty());
}

TEST(EngineV5, ServerDisconnectCarriesReasonCodeAndString) {
  ClientOptions o = basic_options(5);
  o.reconnect_min_ms = 1000;
  Harness h(o);
  h.connect_ok();
  Disconnect d;
  d.reason_code = 0x8B;  // server shutting down
  d.properties.reason_string = std::string_view("maintenance");
  h.deliver(d);
  ASSERT_EQ(h.events.disconnects.size(), 1u);
  EXPECT_EQ(h.events.disconnects[0].code, ErrorCode::server_disconnect);
  EXPECT_EQ(h.events.disconnects[0].reason_code, 0x8B);
  EXPECT_EQ(h.host.closes, 1u);
  h.advance(1000);
  EXPECT_EQ(h.host.opens.size(), 2u);
  h.open_and_connack();
  EXPECT_EQ(h.events.events(),
            (std::vector<std::string>{"connect", "disconnect:server_disconnect", "reconnect"}));
}

TEST(EngineV5, ReasonStringReachesTheCallback) {
  Harness h(basic_options(5));
  h.connect_ok();
  h.engine->publish(make_publish("t", "x", 1), 1);
  uint16_t id = h.expect<Publish>().packet_id;
  std::string reason;
  h.events.complete_hook = [&](Token, const Error& e) { reason = std::string(e.reason_string); };
  Ack a;
  a.type = PacketType::puback;
  a.packet_id = id;
  a.reason_code = 0x90;
  a.properties.reason_string = std::string_view("topic not allowed");
  h.deliver(a);
  EXPECT_EQ(reason, "topic not allowed");
  EXPECT_EQ(h.events.result(1), ErrorCode::publish_refused);
}

TEST(EngineV5, BrokerLimitsFromConnack) {
  Harness h(basic_options(5));
  Properties p;
  p.maximum_qos = 1;
  p.retain_available = 0;
  p.maximum_packet_size = 64;
  p.assigned_client_identifier = std::string_view("assigned-42");
  h.connect_ok(false, p);
  EXPECT_EQ(h.engine->client_id(), "assigned-42");
  EXPECT_EQ(h.engine->publish(make_publish("t", "x", 2), 1), ErrorCode::not_supported);
  PublishRequest retained = make_publish("t", "x");
  retained.retain = true;
  EXPECT_EQ(h.engine->publish(retained, 2), ErrorCode::not_supported);
  EXPECT_EQ(h.engine->publish(make_publish("t", std::string(100, 'x')), 3), ErrorCode::payload_too_large);
  EXPECT_EQ(h.engine->publish(make_publish("t", "fits", 1), 4), ErrorCode::ok);
  for (Token t : {1u, 2u, 3u}) EXPECT_EQ(h.events.count(t), 1u);
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "fits");
  h.expect_nothing();
}

// Limits can shrink across a reconnection (a restarted or another broker): what is still in
// flight and no longer allowed fails instead of going out again, since a broker disconnects
// (0x9B, 0x9A, 0x95) on every resend and the client would loop.
TEST(EngineV5, InFlightRequestsOverTheNewLimitsFailOnReconnection) {
  for (bool session : {false, true}) {
    ClientOptions o = basic_options(5);
    o.clean = !session;
    Harness h(o);
    h.connect_ok();
    PublishRequest retained = make_publish("t", "retained", 1);
    retained.retain = true;
    h.engine->publish(make_publish("t", "qos2", 2), 1);
    h.engine->publish(retained, 2);
    h.engine->publish(make_publish("t", std::string(100, 'x'), 1), 3);
    h.engine->publish(make_publish("t", "fits", 1), 4);
    h.engine->subscribe(make_subscribe("s/" + std::string(100, 'x')), 5);
    for (int i = 0; i < 5; ++i) h.next();
    h.drop_and_reopen();
    Properties p;
    p.maximum_qos = 1;
    p.retain_available = 0;
    p.maximum_packet_size = 64;
    h.open_and_connack(session, p);
    Publish resent = h.expect<Publish>();
    EXPECT_EQ(resent.payload.as_string(), "fits");
    h.expect_nothing();
    EXPECT_EQ(h.events.result(1), ErrorCode::not_supported);
    EXPECT_EQ(h.events.result(2), ErrorCode::not_supported);
    EXPECT_EQ(h.events.result(3), ErrorCode::payload_too_large);
    EXPECT_EQ(h.events.result(5), ErrorCode::payload_too_large);
    EXPECT_EQ(h.events.count(4), 0u);
    EXPECT_EQ(h.events.errors.size(), 4u);
    EXPECT_EQ(h.engine->inflight(), 1u);
    h.ack(PacketType::puback, resent.packet_id);
    EXPECT_EQ(h.events.result(4), ErrorCode::ok);
    EXPECT_EQ(h.engine->state(), State::connected);
  }
}

TEST(EngineV5, ConnectCarriesTheFiveZeroProperties) {
  ClientOptions o = basic_options(5);
  o.session_expiry_interval = 300;
  o.max_packet_size = 1024;
  o.user_properties = {{"k", "v"}};
  WillOptions w;
  w.topic = "will/t";
  w.payload = {1, 2, 3};
  w.delay_interval = 9;
  o.will = w;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  Connect c = h.expect<Connect>();
  EXPECT_EQ(*c.properties.session_expiry_interval, 300u);
  EXPECT_EQ(*c.properties.maximum_packet_size, 1024u);
  ASSERT_EQ(c.properties.user_properties.size(), 1u);
  EXPECT_EQ(c.properties.user_properties[0].key, "k");
  ASSERT_TRUE(c.will);
  EXPECT_EQ(c.will.value.topic, "will/t");
  EXPECT_EQ(*c.will.value.properties.will_delay_interval, 9u);
}

TEST(EngineV5, EnhancedAuthentication) {
  ClientOptions o = basic_options(5);
  o.authentication_method = "SCRAM-SHA-1";
  o.authentication_data = {'h', 'i'};
  Harness h(o);
  h.events.auth_hook = [&](const Auth& a) {
    EXPECT_EQ(a.reason_code, 0x18);
    EXPECT_EQ(h.engine->auth(0x18, Bytes::of("response")), ErrorCode::ok);
  };
  EXPECT_EQ(h.engine->auth(0x18, Bytes()), ErrorCode::not_connected);
  h.engine->connect(1);
  h.engine->on_open();
  Connect c = h.expect<Connect>();
  EXPECT_EQ(*c.properties.authentication_method, "SCRAM-SHA-1");
  EXPECT_EQ(c.properties.authentication_data.value.as_string(), "hi");
  Auth challenge;
  challenge.reason_code = 0x18;
  challenge.properties.authentication_method = std::string_view("SCRAM-SHA-1");
  challenge.properties.authentication_data = Bytes::of("challenge");
  h.deliver(challenge);
  Auth answer = h.expect<Auth>();
  EXPECT_EQ(answer.reason_code, 0x18);
  EXPECT_EQ(*answer.properties.authentication_method, "SCRAM-SHA-1");
  EXPECT_EQ(answer.properties.authentication_data.value.as_string(), "response");
  h.connack();
  EXPECT_EQ(h.events.result(1), ErrorCode::ok);
}

// The broker's AUTH must carry the method of our CONNECT (5.0 section 3.15.2.2.2: omitting it
// is a Protocol Error; 4.12: the exchange uses the method the client chose).
TEST(EngineV5, AuthWithAnotherMethodOrNoneIsAProtocolError) {
  for (const char* method : {"", "PLAIN"}) {
    ClientOptions o = basic_options(5);
    o.authentication_method = "SCRAM-SHA-1";
    Harness h(o);
    h.engine->connect(1);
    h.engine->on_open();
    h.expect<Connect>();
    Auth challenge;
    challenge.reason_code = 0x18;
    if (*method) challenge.properties.authentication_method = std::string_view(method);
    h.deliver(challenge);
    EXPECT_EQ(h.events.count(0), 0u);
    EXPECT_TRUE(h.events.log.empty() || h.events.log[0] != "auth") << method;
    ASSERT_EQ(h.events.errors.size(), 1u) << method;
    EXPECT_EQ(h.events.errors[0].code, ErrorCode::protocol_error);
    EXPECT_EQ(h.host.closes, 1u);
    EXPECT_EQ(h.engine->state(), State::waiting);
  }
}

TEST(EngineV5, AuthWithoutAMethodIsAViolationAndAuthIsRefusedIn311) {
  Harness h(basic_options(5));
  h.connect_ok();
  Auth a;
  a.reason_code = 0x18;
  a.properties.authentication_method = std::string_view("X");
  h.deliver(a);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::protocol_error);
  Harness h4(basic_options());
  h4.connect_ok();
  EXPECT_EQ(h4.engine->auth(0x18, Bytes()), ErrorCode::not_supported);
}

}  // namespace
}  // namespace mqtt::test
#endif  // MQTT_CONFIG_V5
