#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "broker.h"
#include "harness.h"
#include "mqtt.h"

extern "C" int c_api_scenario(int port);
extern "C" int c_api_v5_scenario(int port);
extern "C" int c_api_v5_subscribe_scenario(int port);

namespace mqtt::test {
namespace {

TEST(CApi, ScenarioFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_scenario.c)";
}

TEST(CApi, Mqtt5PropertiesFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_v5_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_v5.c)";
}

TEST(CApi, Mqtt5SubscriptionOptionsFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_v5_subscribe_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_v5_subscribe.c)";
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


// On the background loop the connection may complete before mqtt_create_client returns to this
// thread: the callbacks must still get the client (not NULL) and may use it at once, the usual
// "subscribe when connected" pattern.
struct Early {
  std::atomic<int> connected{0}, failed{0}, null_clients{0}, subscribe_rc_bad{0}, subscribed{0};
};

TEST(CApi, BackgroundClientIsUsableInItsFirstCallbacks) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  constexpr int kClients = 40;
  Early early;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.user = &early;
  options.success = [](mqtt_client_t* client, void* user) {
    auto* e = static_cast<Early*>(user);
    if (!client) {
      ++e->null_clients;
      return;
    }
    mqtt_subscribe_options_t sub{};
    sub.topic = "c/early";
    sub.user = user;
    sub.success = [](mqtt_client_t*, void* u) { ++static_cast<Early*>(u)->subscribed; };
    if (mqtt_subscribe(client, &sub) != 0) ++e->subscribe_rc_bad;
    ++e->connected;
  };
  options.fail = [](mqtt_client_t* client, const mqtt_error_t*, void* user) {
    auto* e = static_cast<Early*>(user);
    if (!client) ++e->null_clients;
    ++e->failed;
  };
  std::vector<mqtt_client_t*> clients;
  for (int i = 0; i < kClients; ++i) {
    // Half connect to the broker, half to a port where nothing listens (refused at once).
    options.port = i % 2 ? broker.port() : free_port();
    options.reconnect = 0;
    clients.push_back(mqtt_create_client(&options));
    ASSERT_NE(clients.back(), nullptr);
  }
  EXPECT_TRUE(wait_for([&] {
    return early.connected + early.failed == kClients &&
           early.subscribed + early.subscribe_rc_bad >= early.connected;
  })) << early.connected << " connected, " << early.failed << " failed, " << early.null_clients
      << " callbacks without their client, " << early.subscribed << " subscribed";
  EXPECT_EQ(early.null_clients, 0);
  EXPECT_EQ(early.subscribe_rc_bad, 0);
  EXPECT_EQ(early.subscribed, early.connected);
  EXPECT_EQ(early.connected, kClients / 2);
  EXPECT_EQ(early.failed, kClients / 2);
  for (mqtt_client_t* c : clients) mqtt_destroy(c);
}

// options.loop NULL is the background loop: mqtt_loop_run(NULL) and mqtt_loop_run_once(NULL, ms)
// wait for its callbacks, as on the device port where NULL is the default loop the program
// drives (they returned at once: run(NULL) let main() go on before anything happened, and a
// run_once(NULL, ms) loop spun).
struct NullLoop {
  std::atomic<int> connected{0}, subscribed{0}, published{0}, messages{0};
};

TEST(CApi, NullLoopWaitsForTheBackgroundClients) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  NullLoop state;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker.port();
  options.user = &state;
  options.success = [](mqtt_client_t*, void* user) {
    ++static_cast<NullLoop*>(user)->connected;
    mqtt_loop_stop(NULL);
  };
  mqtt_client_t* client = mqtt_create_client(&options);
  ASSERT_NE(client, nullptr);
  mqtt_loop_run(NULL);  // until success stops it
  EXPECT_EQ(state.connected, 1);
  ASSERT_TRUE(wait_for([&] { return state.connected == 1; }));

  ASSERT_EQ(mqtt_on(client, MQTT_EVENT_MESSAGE,
                    [](mqtt_client_t*, const mqtt_event_t*, void* user) {
                      ++static_cast<NullLoop*>(user)->messages;
                    },
                    &state),
            0);
  mqtt_subscribe_options_t sub{};
  sub.topic = "c/null-loop";
  sub.qos = 1;
  sub.user = &state;
  sub.success = [](mqtt_client_t*, void* user) { ++static_cast<NullLoop*>(user)->subscribed; };
  ASSERT_EQ(mqtt_subscribe(client, &sub), 0);
  mqtt_publish_options_t pub{};
  pub.topic = "c/null-loop";
  pub.message = "x";
  pub.message_len = 1;
  pub.qos = 1;
  pub.user = &state;
  pub.success = [](mqtt_client_t*, void* user) { ++static_cast<NullLoop*>(user)->published; };
  ASSERT_EQ(mqtt_publish(client, &pub), 0);
  // Each round returns after a callback (three are due) or the timeout: a few rounds, where
  // returning at once would take thousands.
  int rounds = 0;
  while (state.messages == 0 && rounds < 1000000) {
    mqtt_loop_run_once(NULL, 10000);
    ++rounds;
  }
  EXPECT_EQ(state.messages, 1);
  EXPECT_LE(rounds, 3);
  mqtt_destroy(client);
}

}  // namespace
}  // namespace mqtt::test
