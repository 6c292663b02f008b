// The C scenarios of c_api_test.cpp, linked against the device port's implementation of mqtt.h
// (PortClient, select(), the POSIX board) instead of the native runtime: firmware in C gets
// the same functions with the same behaviour on the board.
#include <gtest/gtest.h>

#include "broker.h"
#include "mqtt.h"

extern "C" int c_api_scenario(int port);
extern "C" int c_api_v5_scenario(int port);
extern "C" int c_api_v5_subscribe_scenario(int port);
extern "C" int c_api_bad_events(mqtt_client_t* client);

namespace mqtt::test {
namespace {

TEST(PortCApi, ScenarioFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_scenario.c)";
}

TEST(PortCApi, Mqtt5PropertiesFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_v5_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_v5.c)";
}

TEST(PortCApi, Mqtt5SubscriptionOptionsFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_v5_subscribe_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_v5_subscribe.c)";
}

TEST(PortCApi, EventNumbersOutsideTheEnumerationAreRefused) {
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = 1;
  options.reconnect = 0;
  mqtt_client_t* client = mqtt_create_client(&options);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(c_api_bad_events(client), 0);
  mqtt_destroy(client);
}

}  // namespace
}  // namespace mqtt::test
