#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "broker.h"
#include "harness.h"
#include "mqtt.h"

extern "C" int c_api_scenario(int port);

namespace mqtt::test {
namespace {

TEST(CApi, ScenarioFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_scenario.c)";
}

// With no loop given the client runs on the background loop's thread, and the functions are
// called from this one: listeners added and removed here reach the deliveries there.
struct Counts {
  std::atomic<int> connected{0}, subscribed{0}, messages{0}, other{0};
};

bool wait_for(const std::function<bool()>& done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}

TEST(CApi, BackgroundLoopListenersChangedFromAnotherThread) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  Counts counts;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker.port();
  options.user = &counts;
  options.success = [](mqtt_client_t*, void* user) { ++static_cast<Counts*>(user)->connected; };
  mqtt_client_t* client = mqtt_create_client(&options);
  ASSERT_NE(client, nullptr);
  auto on_message = [](mqtt_client_t*, const mqtt_event_t*, void* user) {
    ++static_cast<Counts*>(user)->messages;
  };
  auto on_other = [](mqtt_client_t*, const mqtt_event_t*, void* user) {
    ++static_cast<Counts*>(user)->other;
  };
  ASSERT_EQ(mqtt_on(client, MQTT_EVENT_MESSAGE, on_message, &counts), 0);
  ASSERT_EQ(mqtt_on(client, MQTT_EVENT_MESSAGE, on_other, &counts), 0);
  ASSERT_EQ(mqtt_off(client, MQTT_EVENT_MESSAGE, on_other, &counts), 0);
  ASSERT_TRUE(wait_for([&] { return counts.connected == 1; }));

  mqtt_subscribe_options_t sub{};
  sub.topic = "c/background";
  sub.qos = 1;
  sub.user = &counts;
  sub.success = [](mqtt_client_t*, void* user) { ++static_cast<Counts*>(user)->subscribed; };
  ASSERT_EQ(mqtt_subscribe(client, &sub), 0);
  ASSERT_TRUE(wait_for([&] { return counts.subscribed == 1; }));
  mqtt_publish_options_t pub{};
  pub.topic = "c/background";
  pub.message = "x";
  pub.message_len = 1;
  pub.qos = 1;
  ASSERT_EQ(mqtt_publish(client, &pub), 0);
  ASSERT_TRUE(wait_for([&] { return counts.messages == 1; }));
  EXPECT_EQ(counts.other, 0);
  mqtt_destroy(client);
}

}  // namespace
}  // namespace mqtt::test
