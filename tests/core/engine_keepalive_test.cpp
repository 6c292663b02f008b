// Engine: keep-alive (PINGREQ after silence, PINGRESP deadline), lazy timer arming.
#include <gtest/gtest.h>

#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

ClientOptions keepalive_options(long seconds) {
  ClientOptions o = basic_options();
  o.keepalive_interval = seconds;
  o.reconnect_min_ms = 1000;
  return o;
}

TEST(EngineKeepAlive, PingsAfterAKeepAliveOfSilence) {
  Harness h(keepalive_options(10));
  h.connect_ok();
  h.advance(9999);
  h.expect_nothing();
  h.advance(1);
  h.expect<Ping>();
  h.deliver(Ping{PacketType::pingresp});
  h.advance(9999);
  h.expect_nothing();
  h.advance(1);
  EXPECT_EQ(h.expect<Ping>().type, PacketType::pingreq);
  EXPECT_EQ(h.engine->state(), State::connected);
}

TEST(EngineKeepAlive, SendingPostponesThePing) {
  Harness h(keepalive_options(10));
  h.connect_ok();
  h.advance(6000);
  h.engine->publish(make_publish("t", "x"), 1);
  h.expect<Publish>();
  h.deliver(Ping{PacketType::pingresp});  // something received too (or the broker-silence rule pings)
  h.advance(9999);
  h.expect_nothing();
  h.advance(1);
  h.expect<Ping>();
}

TEST(EngineKeepAlive, BrokerSilenceWhileWePublishStillPings) {
  // A frozen broker must be noticed even when the client keeps sending.
  Harness h(keepalive_options(10));
  h.connect_ok();
  for (int i = 0; i < 10; ++i) {
    h.advance(1000);
    h.engine->publish(make_publish("t", "x"), 1);
  }
  size_t pings = 0;
  while (h.pending()) pings += std::holds_alternative<Ping>(h.next());
  EXPECT_EQ(pings, 1u);
}

TEST(EngineKeepAlive, NoPingrespWithinHalfAKeepAliveIsAPingTimeout) {
  Harness h(keepalive_options(10));
  h.connect_ok();
  h.advance(10000);
  h.expect<Ping>();
  h.advance(4999);
  EXPECT_EQ(h.engine->state(), State::connected);
  h.advance(1);
  // Detected 1.5 × keep-alive after the broker's last packet.
  EXPECT_EQ(h.host.now, 15000u);
  EXPECT_EQ(h.engine->state(), State::waiting);
  EXPECT_EQ(h.host.closes, 1u);
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"connect", "disconnect:ping_timeout"}));
  h.advance(1000);
  EXPECT_EQ(h.host.opens.size(), 2u);
}

TEST(EngineKeepAlive, AnyPacketAnswersThePing) {
  Harness h(keepalive_options(10));
  h.connect_ok();
  h.advance(10000);
  h.expect<Ping>();
  h.publish("t", "alive");
  h.advance(6000);
  EXPECT_EQ(h.engine->state(), State::connected);
}

TEST(EngineKeepAlive, ServerKeepAliveOverridesOurs) {
  MQTT_TEST_REQUIRES_V5();
  ClientOptions o = keepalive_options(60);
  o.protocol_version = 5;
  Harness h(o);
  Properties p;
  p.server_keep_alive = 5;
  h.connect_ok(false, p);
  h.advance(5000);
  h.expect<Ping>();
}

TEST(EngineKeepAlive, ZeroTurnsKeepAliveOff) {
  Harness h(keepalive_options(0));
  h.connect_ok();
  h.advance(24 * 3600 * 1000ull);
  h.expect_nothing();
  EXPECT_EQ(h.engine->state(), State::connected);
}

TEST(EngineKeepAlive, TimerIsArmedLazily) {
  Harness h(keepalive_options(10));
  h.connect_ok();
  size_t calls = h.host.wake_calls;
  // Sending moves the ping deadline later: no new wake-up request for that.
  for (int i = 0; i < 5; ++i) {
    h.host.now += 100;
    h.engine->publish(make_publish("t", "x"), 1);
  }
  EXPECT_EQ(h.host.wake_calls, calls);
  // The wake-up recomputes the deadlines and asks again.
  h.advance(10000);
  EXPECT_GT(h.host.wake_calls, calls);
}

}  // namespace
}  // namespace mqtt::test
