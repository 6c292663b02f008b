// The device port on Linux: PortClient (lwIP-compatible sockets, select, the POSIX board) talking
// to Mosquitto, polled the way a firmware task polls it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker.h"
#include "mqtt/port_client.h"
#include "mqtt_port.h"

namespace mqtt::test {
namespace {

struct DeviceApp : Events {
  bool connected = false, closed = false;
  std::vector<std::string> received;
  std::vector<Token> completed_ok;
  void on_connect() override { connected = true; }
  void on_close() override { closed = true; }
  void on_message(const Message& m) override { received.emplace_back(m.payload.as_string()); }
  void on_complete(Token token, const Error& result) override {
    if (result.ok()) completed_ok.push_back(token);
  }
};

template <class Pred>
bool poll_until(port::PortClient& client, Pred pred, int timeout_ms) {
  uint64_t deadline = mqtt_port_now_ms() + static_cast<uint64_t>(timeout_ms);
  while (!pred()) {
    if (mqtt_port_now_ms() >= deadline) return false;
    client.poll(20);
  }
  return true;
}

TEST(Port, ClientThroughThePortTalksToMosquitto) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  DeviceApp app;
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = broker.port();
  options.keepalive_interval = 1;  // exercises the timer path while we wait
  port::PortClient client(app, options);
  ASSERT_EQ(client.engine().connect(1), ErrorCode::ok);
  ASSERT_TRUE(poll_until(client, [&] { return app.connected; }, 5000));

  SubscribeRequest s;
  s.topic = "port/test";
  s.qos = 1;
  ASSERT_EQ(client.engine().subscribe(s, 2), ErrorCode::ok);
  ASSERT_TRUE(poll_until(client, [&] { return app.completed_ok.size() == 2; }, 5000));
  for (int qos = 0; qos <= 2; ++qos) {
    PublishRequest p;
    p.topic = "port/test";
    std::string text = "from the device at qos " + std::to_string(qos);
    p.payload = Bytes::of(text);
    p.qos = qos;
    ASSERT_EQ(client.engine().publish(p, static_cast<Token>(10 + qos)), ErrorCode::ok);
  }
  ASSERT_TRUE(poll_until(client, [&] { return app.received.size() == 3 && app.completed_ok.size() == 5; }, 5000));
  EXPECT_EQ(app.received[2], "from the device at qos 2");
  // Idle through more than two keep-alive periods: PINGREQ/PINGRESP keep it up.
  uint64_t until = mqtt_port_now_ms() + 2500;
  poll_until(client, [&] { return mqtt_port_now_ms() >= until; }, 3000);
  EXPECT_EQ(client.engine().state(), State::connected);
  EXPECT_EQ(client.attempts(), 1u);
  EXPECT_EQ(client.engine().close(), ErrorCode::ok);
  EXPECT_TRUE(app.closed);
}

}  // namespace
}  // namespace mqtt::test
