// Engine: what survives a reconnection (retransmission, subscription restore) and the offline queue.
#include <gtest/gtest.h>

#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

ClientOptions persistent_options() {
  ClientOptions o = basic_options();
  o.clean = false;
  o.reconnect_min_ms = 1000;
  return o;
}

TEST(EngineSession, RetransmitsWithDupWhenTheSessionIsPresent) {
  Harness h(persistent_options());
  h.connect_ok();
  h.engine->publish(make_publish("a", "q1", 1), 1);
  h.engine->publish(make_publish("b", "q2", 2), 2);
  h.engine->publish(make_publish("c", "q2-released", 2), 3);
  uint16_t id1 = h.expect<Publish>().packet_id;
  uint16_t id2 = h.expect<Publish>().packet_id;
  uint16_t id3 = h.expect<Publish>().packet_id;
  h.ack(PacketType::pubrec, id3);
  h.expect_ack(PacketType::pubrel);

  h.drop_and_reopen();
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"connect", "disconnect:connection_lost"}));
  h.open_and_connack(true);
  // Same order, same identifiers, DUP set; PUBREL for the one past PUBREC [MQTT-4.4.0-1].
  Publish r1 = h.expect<Publish>();
  EXPECT_TRUE(r1.dup);
  EXPECT_EQ(r1.packet_id, id1);
  EXPECT_EQ(r1.payload.as_string(), "q1");
  Publish r2 = h.expect<Publish>();
  EXPECT_TRUE(r2.dup);
  EXPECT_EQ(r2.packet_id, id2);
  EXPECT_EQ(h.expect_ack(PacketType::pubrel).packet_id, id3);
  h.expect_nothing();
  EXPECT_EQ(h.events.events().back(), "reconnect");
  for (Token t : {1u, 2u, 3u}) EXPECT_EQ(h.events.count(t), 0u);
  h.ack(PacketType::puback, id1);
  h.ack(PacketType::pubrec, id2);
  h.expect_ack(PacketType::pubrel);
  h.ack(PacketType::pubcomp, id2);
  h.ack(PacketType::pubcomp, id3);
  for (Token t : {1u, 2u, 3u}) EXPECT_EQ(h.events.result(t), ErrorCode::ok);
}

TEST(EngineSession, WithoutSessionResendsAsNewAndCompletesWhatTheBrokerAccepted) {
  Harness h(basic_options());  // clean: the broker never keeps the session
  h.connect_ok();
  h.engine->subscribe(make_subscribe("s/#", 1), 10);
  uint16_t sid = h.expect<Subscribe>().packet_id;
  h.suback(sid, 1);
  h.engine->publish(make_publish("a", "sent", 1), 1);
  h.engine->publish(make_publish("b", "released", 2), 2);
  h.engine->publish(make_publish("c", "sent2", 2), 3);
  uint16_t id1 = h.expect<Publish>().packet_id;
  uint16_t id2 = h.expect<Publish>().packet_id;
  h.expect<Publish>();
  h.ack(PacketType::pubrec, id2);
  h.expect_ack(PacketType::pubrel);

  h.drop_and_reopen();
  h.open_and_connack(false);
  // The subscription first, then the publishes again as new messages (DUP clear).
  Subscribe s = h.expect<Subscribe>();
  ASSERT_EQ(s.topics.size(), 1u);
  EXPECT_EQ(s.topics[0].filter, "s/#");
  EXPECT_EQ(s.topics[0].qos, 1);
  Publish r1 = h.expect<Publish>();
  EXPECT_FALSE(r1.dup);
  EXPECT_EQ(r1.payload.as_string(), "sent");
  Publish r3 = h.expect<Publish>();
  EXPECT_FALSE(r3.dup);
  EXPECT_EQ(r3.payload.as_string(), "sent2");
  h.expect_nothing();
  EXPECT_EQ(h.events.result(2), ErrorCode::ok);  // past PUBREC: the broker had accepted it
  EXPECT_EQ(h.events.count(1), 0u);
  h.suback(s.packet_id, 1);
  h.ack(PacketType::puback, r1.packet_id);
  EXPECT_EQ(h.events.result(1), ErrorCode::ok);
  EXPECT_EQ(h.events.count(10), 1u);  // the restore has no token of its own
  (void)id1;
}

// The application may close the client from the completion of one of the publishes a new
// session ends at reconnection: the others still end, once, with `closed`.
TEST(EngineSession, CloseFromTheCompletionOfAnAcceptedPublishStillEndsTheOthers) {
  Harness h(basic_options());
  h.connect_ok();
  for (Token t = 1; t <= 3; ++t) {
    h.engine->publish(make_publish("a", "released", 2), t);
    h.ack(PacketType::pubrec, h.expect<Publish>().packet_id);
    h.expect_ack(PacketType::pubrel);
  }
  h.drop_and_reopen();
  h.events.complete_hook = [&](Token t, const Error&) {
    if (t == 1) h.engine->close();
  };
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(false);  // no session: all three were accepted by the broker
  EXPECT_EQ(h.events.result(1), ErrorCode::ok);
  for (Token t = 2; t <= 3; ++t) {
    EXPECT_EQ(h.events.count(t), 1u) << t;
    EXPECT_EQ(h.events.result(t), ErrorCode::closed) << t;
  }
  EXPECT_EQ(h.events.after_close, 0u);
}

TEST(EngineSession, NoRestoreWhenTheSessionIsPresent) {
  Harness h(persistent_options());
  h.connect_ok();
  h.engine->subscribe(make_subscribe("s", 0), 1);
  h.suback(h.expect<Subscribe>().packet_id, 0);
  h.drop_and_reopen();
  h.open_and_connack(true);
  h.expect_nothing();
}

TEST(EngineSession, RefusedRestoreIsAnErrorAndForgotten) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->subscribe(make_subscribe("s", 0), 1);
  h.suback(h.expect<Subscribe>().packet_id, 0);
  h.engine->unsubscribe({"gone", {}}, 2);  // unknown to the registry: harmless
  h.unsuback(h.expect<Unsubscribe>().packet_id);
  h.drop_and_reopen();
  h.open_and_connack(false);
  h.suback(h.expect<Subscribe>().packet_id, 0x80);
  EXPECT_EQ(h.events.errors.back().code, ErrorCode::subscribe_refused);
  h.drop_and_reopen();
  h.open_and_connack(false);
  h.expect_nothing();
}

#if MQTT_CONFIG_V5
// A restored subscription is the granted SUBSCRIBE again with a new packet identifier: the same
// filter, QoS, 5.0 options, subscription identifier and user properties.
TEST(EngineSession, RestoreSendsTheGrantedSubscribeAgain) {
  Harness h(basic_options(5));
  h.connect_ok();
  SubscribeRequest req = make_subscribe("s/+", 2);
  req.no_local = true;
  req.retain_as_published = true;
  req.retain_handling = 2;
  req.subscription_identifier = 7;
  req.user_properties = {{"k", "v"}};
  h.engine->subscribe(req, 1);
  h.suback(h.expect<Subscribe>().packet_id, 2);
  h.drop_and_reopen();
  h.open_and_connack(false);
  Subscribe again = h.expect<Subscribe>();
  h.expect_nothing();
  ASSERT_EQ(again.topics.size(), 1u);
  EXPECT_EQ(again.topics[0].filter, "s/+");
  EXPECT_EQ(again.topics[0].qos, 2);
  EXPECT_TRUE(again.topics[0].no_local);
  EXPECT_TRUE(again.topics[0].retain_as_published);
  EXPECT_EQ(again.topics[0].retain_handling, 2);
  ASSERT_EQ(again.properties.subscription_identifiers.size(), 1u);
  EXPECT_EQ(again.properties.subscription_identifiers[0], 7u);
  ASSERT_EQ(again.properties.user_properties.size(), 1u);
  EXPECT_EQ(again.properties.user_properties[0].key, "k");
  EXPECT_EQ(again.properties.user_properties[0].value, "v");
  h.suback(again.packet_id, 2);
  EXPECT_EQ(h.events.count(1), 1u);  // the restore completes no request of the application
  EXPECT_TRUE(h.events.errors.empty());
}
#endif

TEST(EngineSession, UnsubscribedFiltersAreNotRestored) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->subscribe(make_subscribe("a", 0), 1);
  h.suback(h.expect<Subscribe>().packet_id, 0);
  h.engine->subscribe(make_subscribe("b", 2), 2);
  Subscribe sb = h.expect<Subscribe>();
  h.suback(sb.packet_id, 2);
  EXPECT_EQ(h.events.completions[2][0].reason_code, 2);
  h.engine->unsubscribe({"a", {}}, 3);
  h.unsuback(h.expect<Unsubscribe>().packet_id);
  EXPECT_EQ(h.events.result(3), ErrorCode::ok);
  h.drop_and_reopen();
  h.open_and_connack(false);
  Subscribe s = h.expect<Subscribe>();
  EXPECT_EQ(s.topics[0].filter, "b");
  h.expect_nothing();
}

TEST(EngineSession, SubscribeAndUnsubscribeRefusals) {
  MQTT_TEST_REQUIRES_V5();
  Harness h(basic_options(5));
  h.connect_ok();
  h.engine->subscribe(make_subscribe("x", 1), 1);
  h.suback(h.expect<Subscribe>().packet_id, 0x87);
  EXPECT_EQ(h.events.result(1), ErrorCode::subscribe_refused);
  EXPECT_EQ(h.events.completions[1][0].reason_code, 0x87);
  h.engine->unsubscribe({"x", {}}, 2);
  h.unsuback(h.expect<Unsubscribe>().packet_id, 0x8F);
  EXPECT_EQ(h.events.result(2), ErrorCode::unsubscribe_refused);
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"connect", "error:subscribe_refused",
                                                        "error:unsubscribe_refused"}));
}

// One filter per request, so one reason code per SUBACK (and 5.0 UNSUBACK) [MQTT-3.9.3-1,
// MQTT-3.11.3-1]: another count is a protocol error that completes nothing.
TEST(EngineSession, AnAckWithAnotherNumberOfReasonCodesIsAProtocolError) {
  const uint8_t granted[] = {1, 1}, unsubscribed[] = {0, 0};
  for (int version : {4, 5}) {
    if (version == 5 && !MQTT_CONFIG_V5) continue;
    for (bool unsubscribe : {false, true}) {
      if (unsubscribe && version == 4) continue;  // a 3.1.1 UNSUBACK carries no codes at all
      SCOPED_TRACE("version " + std::to_string(version) + (unsubscribe ? " UNSUBACK" : " SUBACK"));
      Harness h(basic_options(version));
      h.connect_ok();
      Suback s;
      if (unsubscribe) {
        h.engine->unsubscribe({"a/#", {}}, 1);
        s.type = PacketType::unsuback;
        s.packet_id = h.expect<Unsubscribe>().packet_id;
      } else {
        h.engine->subscribe(make_subscribe("a/#", 1), 1);
        s.type = PacketType::suback;
        s.packet_id = h.expect<Subscribe>().packet_id;
      }
      s.reason_codes = Bytes(unsubscribe ? unsubscribed : granted, 2);
      h.deliver(s);
      ASSERT_EQ(h.events.errors.size(), 1u);
      EXPECT_EQ(h.events.errors[0].code, ErrorCode::protocol_error);
      EXPECT_EQ(h.events.count(1), 0u);
      EXPECT_EQ(h.host.closes, 1u);
    }
  }
}

TEST(EngineSession, OfflineRequestsAreSentInOrderOnConnect) {
  Harness h(basic_options());
  h.engine->publish(make_publish("t", "before-connect", 1), 1);
  h.engine->subscribe(make_subscribe("s", 1), 2);
  h.engine->publish(make_publish("t", "qos0"), 3);
  EXPECT_EQ(h.engine->queued(), 3u);
  h.connect_ok();
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "before-connect");
  EXPECT_EQ(h.expect<Subscribe>().topics[0].filter, "s");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "qos0");
  EXPECT_EQ(h.engine->queued(), 0u);
  EXPECT_EQ(h.events.result(3), ErrorCode::ok);
  // Offline again: queued until the reconnection.
  h.drop_and_reopen();
  h.engine->publish(make_publish("t", "while-away"), 4);
  h.expect_nothing();
  h.open_and_connack();
  // Unacknowledged requests go again in their order, then what was queued meanwhile.
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "before-connect");
  EXPECT_EQ(h.expect<Subscribe>().topics[0].filter, "s");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "while-away");
  h.expect_nothing();
}

TEST(EngineSession, OfflineQueueOverflowByCount) {
  ClientOptions o = basic_options();
  o.queue_max_messages = 2;
  Harness h(o);
  EXPECT_EQ(h.engine->publish(make_publish("t", "1"), 1), ErrorCode::ok);
  EXPECT_EQ(h.engine->publish(make_publish("t", "2"), 2), ErrorCode::ok);
  EXPECT_EQ(h.engine->publish(make_publish("t", "3"), 3), ErrorCode::queue_full);
  EXPECT_EQ(h.events.result(3), ErrorCode::queue_full);
  EXPECT_EQ(h.events.count(3), 1u);
  EXPECT_EQ(h.engine->queued(), 2u);
  h.connect_ok();
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "1");
  EXPECT_EQ(h.expect<Publish>().payload.as_string(), "2");
  h.expect_nothing();
}

TEST(EngineSession, OfflineQueueOverflowByBytes) {
  ClientOptions o = basic_options();
  o.queue_max_bytes = 100;
  Harness h(o);
  std::string forty(40, 'x');
  EXPECT_EQ(h.engine->publish(make_publish("t", forty), 1), ErrorCode::ok);  // 45 bytes encoded
  EXPECT_EQ(h.engine->publish(make_publish("t", forty), 2), ErrorCode::ok);  // 90
  EXPECT_EQ(h.engine->publish(make_publish("t", forty), 3), ErrorCode::queue_full);
  EXPECT_EQ(h.engine->publish(make_publish("t", "small"), 4), ErrorCode::ok);  // 100: fits exactly
  EXPECT_EQ(h.engine->publish(make_publish("t", ""), 5), ErrorCode::queue_full);
  EXPECT_EQ(h.engine->queued(), 3u);
}

TEST(EngineSession, CloseFailsEveryPendingRequestOnceAndCloseIsLast) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->publish(make_publish("t", "inflight", 1), 1);
  h.engine->subscribe(make_subscribe("s", 1), 2);
  h.drop_and_reopen();
  h.engine->publish(make_publish("t", "queued", 2), 3);
  h.engine->unsubscribe({"s", {}}, 4);
  ASSERT_EQ(h.engine->close(), ErrorCode::ok);
  for (Token t : {1u, 2u, 3u, 4u}) {
    EXPECT_EQ(h.events.count(t), 1u) << t;
    EXPECT_EQ(h.events.result(t), ErrorCode::closed) << t;
  }
  EXPECT_EQ(h.events.log.back(), "close");
  EXPECT_EQ(h.engine->state(), State::closed);
  h.engine->on_closed(ErrorCode::connection_lost);  // late reports change nothing
  h.engine->on_wake();
  h.advance(100000);
  EXPECT_EQ(h.events.after_close, 0u);
}

TEST(EngineSession, CloseWhileConnectedSendsDisconnect) {
  Harness h(basic_options());
  h.connect_ok();
  h.engine->close();
  EXPECT_EQ(h.expect<Disconnect>().reason_code, 0);
  EXPECT_EQ(h.host.closes, 1u);
  EXPECT_EQ(h.host.wake, kNever);
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"connect", "close"}));
}

TEST(EngineSession, RequestsFromCompletionsDuringCloseFailToo) {
  Harness h(basic_options());
  h.engine->publish(make_publish("t", "x", 1), 1);
  h.events.complete_hook = [&](Token t, const Error&) {
    if (t == 1) {
      EXPECT_EQ(h.engine->publish(make_publish("t", "y", 1), 2), ErrorCode::closed);
    }
    if (t == 2) {
      EXPECT_EQ(h.engine->close(), ErrorCode::closed);
    }
  };
  h.engine->close();
  EXPECT_EQ(h.events.count(1), 1u);
  EXPECT_EQ(h.events.count(2), 1u);
  EXPECT_EQ(h.events.log.back(), "close");
}

TEST(EngineSession, DestructorCloses) {
  ScriptedHost host;
  RecordingEvents events;
  {
    Engine engine(host, events, basic_options());
    engine.connect(1);
    engine.publish(make_publish("t", "x", 1), 2);
  }
  EXPECT_EQ(events.result(1), ErrorCode::closed);
  EXPECT_EQ(events.result(2), ErrorCode::closed);
  EXPECT_EQ(events.log.back(), "close");
  EXPECT_EQ(host.closes, 1u);
}

TEST(EngineSession, EnginesAreIndependent) {
  Harness a(basic_options());
  Harness b(basic_options());
  a.connect_ok();
  b.engine->connect(1);
  a.engine->publish(make_publish("t", "x", 1), 5);
  EXPECT_EQ(a.expect<Publish>().packet_id, 1);
  b.open_and_connack();
  b.engine->publish(make_publish("t", "x", 1), 5);
  EXPECT_EQ(b.expect<Publish>().packet_id, 1);
  a.engine->close();
  EXPECT_EQ(b.engine->state(), State::connected);
  EXPECT_EQ(b.events.count(5), 0u);
}

}  // namespace
}  // namespace mqtt::test
