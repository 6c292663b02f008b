// Engine: QoS 0/1/2 flows in both directions, duplicate suppression, Receive Maximum both ways.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

TEST(EngineQos, Qos0SucceedsWhenWritten) {
  Harness h(basic_options());
  h.connect_ok();
  ASSERT_EQ(h.engine->publish(make_publish("a/b", "hello"), 5), ErrorCode::ok);
  EXPECT_EQ(h.events.result(5), ErrorCode::ok);
  Publish p = h.expect<Publish>();
  EXPECT_EQ(p.topic, "a/b");
  EXPECT_EQ(p.payload.as_string(), "hello");
  EXPECT_EQ(p.qos, 0);
  EXPECT_EQ(h.engine->inflight(), 0u);
}

TEST(EngineQos, Qos1CompletesOnPuback) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->publish(make_publish("a", "1", 1), 5);
  Publish p = h.expect<Publish>();
  EXPECT_EQ(p.qos, 1);
  EXPECT_NE(p.packet_id, 0);
  EXPECT_EQ(h.events.count(5), 0u);
  EXPECT_EQ(h.engine->inflight(), 1u);
  h.ack(PacketType::puback, p.packet_id);
  EXPECT_EQ(h.events.result(5), ErrorCode::ok);
  EXPECT_EQ(h.engine->inflight(), 0u);
}

TEST(EngineQos, Qos2CompletesOnPubcomp) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->publish(make_publish("a", "2", 2), 5);
  Publish p = h.expect<Publish>();
  EXPECT_EQ(p.qos, 2);
  h.ack(PacketType::pubrec, p.packet_id);
  EXPECT_EQ(h.expect_ack(PacketType::pubrel).packet_id, p.packet_id);
  EXPECT_EQ(h.events.count(5), 0u);
  h.ack(PacketType::pubrec, p.packet_id);  // repeated PUBREC: PUBREL again
  h.expect_ack(PacketType::pubrel);
  h.ack(PacketType::pubcomp, p.packet_id);
  EXPECT_EQ(h.events.result(5), ErrorCode::ok);
  EXPECT_EQ(h.events.count(5), 1u);
}

TEST(EngineQos, PacketIdsAreDistinctWhileInFlight) {
  ClientOptions o = basic_options();
  o.max_inflight = 100;  // all 50 on the wire at once
  Harness h(o);
  h.connect_ok();
  std::vector<uint16_t> ids;
  for (Token t = 1; t <= 50; ++t) {
    h.engine->publish(make_publish("a", "x", 1 + t % 2), t);
    ids.push_back(h.expect<Publish>().packet_id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(ids.front(), 1);
}

TEST(EngineQos, RefusedPublishFails) {
  MQTT_TEST_REQUIRES_V5();
  Harness h(basic_options(5));
  h.connect_ok();
  h.engine->publish(make_publish("a", "1", 1), 1);
  h.engine->publish(make_publish("a", "2", 2), 2);
  uint16_t id1 = h.expect<Publish>().packet_id;
  uint16_t id2 = h.expect<Publish>().packet_id;
  h.ack(PacketType::puback, id1, 0x87);
  h.ack(PacketType::pubrec, id2, 0x97);
  h.expect_nothing();  // no PUBREL after a failed PUBREC
  EXPECT_EQ(h.events.result(1), ErrorCode::publish_refused);
  EXPECT_EQ(h.events.completions[1][0].reason_code, 0x87);
  EXPECT_EQ(h.events.result(2), ErrorCode::publish_refused);
  EXPECT_EQ(h.events.errors.size(), 2u);
  h.ack(PacketType::puback, id1);  // now unknown: a violation
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::unknown_packet_id);
}

TEST(EngineQos, AckForAnUnknownIdIsAViolation) {
  Harness h(basic_options());
  h.connect_ok();
  h.ack(PacketType::puback, 42);
  EXPECT_EQ(h.events.events(),
            (std::vector<std::string>{"connect", "error:unknown_packet_id", "disconnect:unknown_packet_id"}));
  EXPECT_EQ(h.host.closes, 1u);
  EXPECT_EQ(h.engine->state(), State::waiting);
}

// An acknowledgement of the wrong kind for a publish in flight (PUBACK for QoS 2, before or
// after PUBREC; PUBREC or PUBCOMP for QoS 1; PUBCOMP before PUBREC) is a protocol error: it
// completes nothing, the connection ends, and the publish stays in flight for the next one.
TEST(EngineQos, AcksOfTheWrongKindAreProtocolErrors) {
  struct Case {
    int qos;
    PacketType ack;
    bool after_pubrec;
  };
  for (Case c : {Case{2, PacketType::puback, false}, Case{2, PacketType::puback, true},
                 Case{1, PacketType::pubrec, false}, Case{1, PacketType::pubcomp, false},
                 Case{2, PacketType::pubcomp, false}}) {
    SCOPED_TRACE("qos " + std::to_string(c.qos) + " ack " + std::to_string(static_cast<int>(c.ack)));
    Harness h(basic_options());
    h.connect_ok();
    h.engine->publish(make_publish("a", "x", c.qos), 1);
    uint16_t id = h.expect<Publish>().packet_id;
    if (c.after_pubrec) {
      h.ack(PacketType::pubrec, id);
      h.expect_ack(PacketType::pubrel);
    }
    h.ack(c.ack, id);
    ASSERT_EQ(h.events.errors.size(), 1u);
    EXPECT_EQ(h.events.errors[0].code, ErrorCode::protocol_error);
    EXPECT_EQ(h.events.count(1), 0u);
    EXPECT_EQ(h.host.closes, 1u);
    EXPECT_EQ(h.engine->state(), State::waiting);
    EXPECT_EQ(h.engine->inflight(), 1u);
  }
}

TEST(EngineQos, IncomingQos0And1AreDeliveredAndAcknowledged) {
  Harness h(basic_options());
  h.connect_ok();
  h.publish("x/0", "zero");
  h.expect_nothing();
  h.publish("x/1", "one", 1, 9);
  EXPECT_EQ(h.expect_ack(PacketType::puback).packet_id, 9);
  ASSERT_EQ(h.events.messages.size(), 2u);
  EXPECT_EQ(h.events.messages[0].topic, "x/0");
  EXPECT_EQ(h.events.messages[1].payload, "one");
  EXPECT_EQ(h.events.messages[1].qos, 1);
}

TEST(EngineQos, IncomingQos2IsDeliveredOnceUntilPubrel) {
  Harness h(basic_options());
  h.connect_ok();
  h.publish("q2", "once", 2, 7);
  EXPECT_EQ(h.expect_ack(PacketType::pubrec).packet_id, 7);
  h.publish("q2", "once", 2, 7, true);  // retransmission
  h.expect_ack(PacketType::pubrec);
  EXPECT_EQ(h.events.messages.size(), 1u);
  h.ack(PacketType::pubrel, 7);
  EXPECT_EQ(h.expect_ack(PacketType::pubcomp).packet_id, 7);
  h.publish("q2", "again", 2, 7);  // id released: a new message
  h.expect_ack(PacketType::pubrec);
  EXPECT_EQ(h.events.messages.size(), 2u);
}

TEST(EngineQos, PubrelForAnUnknownIdIsAnsweredNotFatal) {
  MQTT_TEST_REQUIRES_V5();
  Harness h5(basic_options(5));
  h5.connect_ok();
  h5.ack(PacketType::pubrel, 3);
  Ack c = h5.expect_ack(PacketType::pubcomp);
  EXPECT_EQ(c.reason_code, 0x92);  // Packet Identifier not found
  EXPECT_EQ(h5.engine->state(), State::connected);
  Harness h4(basic_options());
  h4.connect_ok();
  h4.ack(PacketType::pubrel, 3);
  EXPECT_EQ(h4.expect_ack(PacketType::pubcomp).packet_id, 3);
  EXPECT_TRUE(h4.events.errors.empty());
}

TEST(EngineQos, BrokerExceedingOurReceiveMaximumIsAViolation) {
  MQTT_TEST_REQUIRES_V5();
  ClientOptions o = basic_options(5);
  o.receive_maximum = 2;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  [[maybe_unused]] Connect c = h.expect<Connect>();  // checked with 5.0 only
#if MQTT_CONFIG_V5
  ASSERT_TRUE(c.properties.receive_maximum);
  EXPECT_EQ(*c.properties.receive_maximum, 2);
#endif
  h.connack();
  h.publish("a", "1", 2, 1);
  h.publish("a", "2", 2, 2);
  h.publish("a", "2", 2, 2, true);  // a duplicate is not a new one
  h.expect_ack(PacketType::pubrec);
  h.expect_ack(PacketType::pubrec);
  h.expect_ack(PacketType::pubrec);
  EXPECT_EQ(h.engine->state(), State::connected);
  h.publish("a", "3", 2, 3);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::receive_maximum_exceeded);
  Disconnect d = h.expect<Disconnect>();
  EXPECT_EQ(d.reason_code, 0x93);
  EXPECT_EQ(h.engine->state(), State::waiting);
  EXPECT_EQ(h.events.messages.size(), 2u);
}

// 3.1.1 has no Receive Maximum: a broker resuming a session may send every queued QoS 2 message
// at once, and treating that as a violation would reconnect into the same burst forever.
TEST(EngineQos, A311BrokerMayExceedReceiveMaximum) {
  ClientOptions o = basic_options();
  o.receive_maximum = 2;
  Harness h(o);
  h.connect_ok();
  for (uint16_t id = 1; id <= 300; ++id) {
    h.publish("a", std::to_string(id), 2, id);
    EXPECT_EQ(h.expect_ack(PacketType::pubrec).packet_id, id);
  }
  EXPECT_EQ(h.engine->state(), State::connected);
  EXPECT_TRUE(h.events.errors.empty());
  EXPECT_EQ(h.events.messages.size(), 300u);
  h.publish("a", "again", 2, 7, true);  // still held until PUBREL: not delivered twice
  h.expect_ack(PacketType::pubrec);
  EXPECT_EQ(h.events.messages.size(), 300u);
}

TEST(EngineQos, BrokerReceiveMaximumLimitsTheWindow) {
  MQTT_TEST_REQUIRES_V5();
  ClientOptions o = basic_options(5);
  o.max_inflight = 10;
  Harness h(o);
  Properties p;
  p.receive_maximum = 2;
  h.connect_ok(false, p);
  for (Token t = 1; t <= 5; ++t) h.engine->publish(make_publish("a", std::to_string(t), 1), t);
  h.engine->publish(make_publish("b", "zero"), 6);  // behind the window too: order is kept
  EXPECT_EQ(h.engine->inflight(), 2u);
  EXPECT_EQ(h.engine->queued(), 4u);
  uint16_t a = h.expect<Publish>().packet_id;
  uint16_t b = h.expect<Publish>().packet_id;
  h.expect_nothing();
  h.ack(PacketType::puback, a);
  Publish third = h.expect<Publish>();
  EXPECT_EQ(third.payload.as_string(), "3");
  h.expect_nothing();
  h.ack(PacketType::puback, b);
  h.ack(PacketType::puback, third.packet_id);
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "4");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "5");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "zero");
  EXPECT_EQ(h.events.result(6), ErrorCode::ok);
}

// A broker may come back with a smaller Receive Maximum than the publishes still in flight:
// only that many go out again [MQTT-3.3.4-7] (a strict broker disconnects with 0x93 otherwise,
// and the client would resend them all on every reconnection); each acknowledgement lets the
// next one go, with its DUP flag and identifier kept.
TEST(EngineQos, ResumedPublishesRespectTheNewReceiveMaximum) {
  MQTT_TEST_REQUIRES_V5();
  for (bool session : {false, true}) {
    ClientOptions o = basic_options(5);
    o.clean = !session;
    o.max_inflight = 10;
    Harness h(o);
    h.connect_ok();
    for (Token t = 1; t <= 3; ++t) h.engine->publish(make_publish("a", std::to_string(t), 1 + t % 2), t);
    uint16_t ids[3];
    for (uint16_t& id : ids) id = h.expect<Publish>().packet_id;
    h.drop_and_reopen();
    Properties p;
    p.receive_maximum = 1;
    h.open_and_connack(session, p);
    Publish first = h.expect<Publish>();
    EXPECT_EQ(first.payload.as_string(), "1");
    EXPECT_EQ(first.dup, session);
    h.expect_nothing();
    h.ack(PacketType::pubrec, first.packet_id);
    h.expect_ack(PacketType::pubrel);
    h.expect_nothing();  // released, still in flight: it counts until PUBCOMP
    h.ack(PacketType::pubcomp, first.packet_id);
    Publish second = h.expect<Publish>();
    EXPECT_EQ(second.payload.as_string(), "2");
    EXPECT_EQ(second.packet_id, ids[1]);
    EXPECT_EQ(second.dup, session);
    h.expect_nothing();
    h.ack(PacketType::puback, second.packet_id);
    Publish third = h.expect<Publish>();
    EXPECT_EQ(third.payload.as_string(), "3");
    h.ack(PacketType::pubrec, third.packet_id);
    h.expect_ack(PacketType::pubrel);
    h.ack(PacketType::pubcomp, third.packet_id);
    for (Token t = 1; t <= 3; ++t) EXPECT_EQ(h.events.result(t), ErrorCode::ok) << "session " << session;
    EXPECT_EQ(h.engine->inflight(), 0u);
  }
}

TEST(EngineQos, MaxInflightLimitsTheWindowIn311) {
  ClientOptions o = basic_options();
  o.max_inflight = 1;
  Harness h(o);
  h.connect_ok();
  h.engine->publish(make_publish("a", "1", 2), 1);
  h.engine->publish(make_publish("a", "2", 1), 2);
  uint16_t id = h.expect<Publish>().packet_id;
  h.expect_nothing();
  h.ack(PacketType::pubrec, id);
  h.expect_ack(PacketType::pubrel);
  h.expect_nothing();  // PUBREC does not free the slot, PUBCOMP does
  h.ack(PacketType::pubcomp, id);
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "2");
}

// A QoS 0 message goes out at once only when nothing waits before it in the queue.
TEST(EngineQos, Qos0WaitsBehindQueuedMessagesAndCompletesOnce) {
  ClientOptions o = basic_options();
  o.max_inflight = 1;
  Harness h(o);
  h.connect_ok();
  h.engine->publish(make_publish("a", "1", 1), 1);
  h.engine->publish(make_publish("a", "2", 1), 2);  // queued: the window is full
  ASSERT_EQ(h.engine->publish(make_publish("a", "3"), 3), ErrorCode::ok);
  uint16_t id = h.expect<Publish>().packet_id;
  h.expect_nothing();
  EXPECT_EQ(h.engine->queued(), 2u);
  EXPECT_EQ(h.events.count(3), 0u);
  h.ack(PacketType::puback, id);
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "2");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "3");
  EXPECT_EQ(h.events.result(3), ErrorCode::ok);
  ASSERT_EQ(h.engine->publish(make_publish("a", "4"), 4), ErrorCode::ok);  // the queue is empty
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "4");
  h.expect_nothing();
  for (Token t : {3u, 4u}) EXPECT_EQ(h.events.count(t), 1u);
}

TEST(EngineQos, SubscriptionsAwaitingAcksAreBoundedToo) {
  ClientOptions o = basic_options();
  o.max_inflight = 2;
  Harness h(o);
  h.connect_ok();
  for (Token t = 1; t <= 3; ++t) h.engine->subscribe(make_subscribe("s/" + std::to_string(t)), t);
  uint16_t first = h.expect<Subscribe>().packet_id;
  h.expect<Subscribe>();
  h.expect_nothing();
  EXPECT_EQ(h.engine->queued(), 1u);
  h.suback(first, 0);
  EXPECT_EQ(h.expect<Subscribe>().topics[0].filter, "s/3");
}

TEST(EngineQos, ReentrantPublishFromOnMessage) {
  Harness h(basic_options());
  h.connect_ok();
  h.events.message_hook = [&](const Message& m) {
    if (m.topic == "ping") h.engine->publish(make_publish("pong", "x", 1), 77);
  };
  h.publish("ping", "", 1, 4);
  // The reply goes out from inside the callback, the PUBACK after it returns.
  EXPECT_EQ(h.expect<Publish>().topic, "pong");
  h.expect_ack(PacketType::puback);
}

TEST(EngineQos, CloseInsideOnMessageStopsTheDecodeLoop) {
  Harness h(basic_options());
  h.connect_ok();
  h.events.message_hook = [&](const Message&) { h.engine->close(); };
  std::vector<uint8_t> two;
  for (const char* payload : {"first", "second"}) {
    Publish p;
    p.topic = "t";
    p.payload = Bytes::of(payload);
    p.qos = 1;
    p.packet_id = 1;
    ASSERT_EQ(encode(p, Version::v311, two), ErrorCode::ok);
  }
  h.deliver_bytes(two);
  EXPECT_EQ(h.events.messages.size(), 1u);
  EXPECT_EQ(h.expect<Disconnect>().reason_code, 0);
  h.expect_nothing();  // no PUBACK after close
  EXPECT_EQ(h.events.events().back(), "close");
  EXPECT_EQ(h.events.after_close, 0u);
}

}  // namespace
}  // namespace mqtt::test
