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

}  // namespace
}  // namespace mqtt::test
