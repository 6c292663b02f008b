// The C scenario of c_api_test.cpp, linked against the device port's implementation of mqtt.h
// (PortClient, select(), the POSIX board) instead of the native runtime: firmware in C gets
// the same functions with the same behaviour on the board.
#include <gtest/gtest.h>

#include "broker.h"

extern "C" int c_api_scenario(int port);

namespace mqtt::test {
namespace {

TEST(PortCApi, ScenarioFromC) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  EXPECT_EQ(c_api_scenario(broker.port()), 0)
      << "the step numbered above failed (see c_api_scenario.c)";
}

}  // namespace
}  // namespace mqtt::test
