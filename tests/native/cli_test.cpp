// The `mqtt` tool run as a user runs it: pub, sub, flags, exit codes.
#include <unistd.h>

#include <fstream>

#include "broker.h"
#include "harness.h"

namespace mqtt::test {
namespace {

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { broker_ = new Broker(); }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(broker_->running()); }
  std::string port() { return std::to_string(broker_->port()); }
  std::string topic(const char* base) {
    return std::string("cli/") + base + "/" + std::to_string(getpid());
  }
  // Waits until a `mqtt sub` has subscribed: it prints a retained marker of its own. Clearing
  // the marker then delivers an empty message to it too (as Mosquitto forwards it).
  void wait_subscribed(Process& sub, const std::string& t) {
    ASSERT_EQ(
        run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-m", "ready", "-r"})
            .status,
        0);
    Loop loop;
    ASSERT_TRUE(loop.run_until([&] { return sub.out().find("ready") != std::string::npos; }, 5000))
        << sub.out();
    ASSERT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-n", "-r"}).status,
              0);
  }
  static Broker* broker_;
};
Broker* Cli::broker_ = nullptr;

TEST_F(Cli, HelpAndUsageErrors) {
  RunResult help = run({mqtt_cli(), "pub", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
  RunResult sub_help = run({mqtt_cli(), "sub", "--help"});
  EXPECT_EQ(sub_help.status, 0);
  EXPECT_NE(sub_help.out.find("-C N"), std::string::npos);
  EXPECT_EQ(run({mqtt_cli()}).status, 1);
  EXPECT_EQ(run({mqtt_cli(), "frobnicate"}).status, 1);
  RunResult no_topic = run({mqtt_cli(), "pub", "-m", "x"});
  EXPECT_EQ(no_topic.status, 1);
  EXPECT_NE(no_topic.err.find("topic"), std::string::npos);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-t", "a", "-m", "x", "-q", "3"}).status, 1);
  RunResult wildcard = run({mqtt_cli(), "pub", "-t", "a/+", "-m", "x", "-p", port()});
  EXPECT_EQ(wildcard.status, 1);  // checked before connecting, as mosquitto_pub does
  EXPECT_NE(wildcard.err.find("MQTT-3.3.2-2"), std::string::npos) << wildcard.err;
  EXPECT_EQ(run({mqtt_cli(), "sub", "-t", "a/#/b", "-p", port()}).status, 1);
}

TEST_F(Cli, PubAndSubWithCountAndVerbose) {
  std::string t = topic("basic");
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-t", t + "/other",
               "-v", "-C", "4", "-q", "1"});
  wait_subscribed(sub, t);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "hello", "-q", "1"})
          .status,
      0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-L", "mqtt://127.0.0.1:" + port() + "/" + t + "/other", "-m",
                 "via url", "-V", "5", "-q", "2"})
                .status,
            0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), t + " ready\n" + t + " \n" + t + " hello\n" + t + "/other via url\n");
}

TEST_F(Cli, PubFromFileStdinLinesAndNull) {
  std::string t = topic("sources");
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-C", "8", "-N"});
  wait_subscribed(sub, t);
  std::string dir = make_temp_dir("mqtt-cli");
  std::string file = dir + "/payload.bin";
  std::string binary("\x00\x01\xff[file]", 8);
  std::ofstream(file, std::ios::binary)
      .write(binary.data(), static_cast<std::streamsize>(binary.size()));
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-f", file}).status,
            0);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-s"}, "[stdin]").status,
      0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-l"}, "[l1]\n[l2]\n")
                .status,
            0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-n"}).status, 0);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-m", "[end]"}).status, 0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), "ready" + binary + "[stdin][l1][l2][end]");
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

// QoS 0 succeeds once handed to the connection: the tool must still let all of it leave
// before it exits.
TEST_F(Cli, LargeQos0FileArrivesWhole) {
  std::string t = topic("large");
  Loop loop;
  auto sub = make_client(base_options(loop, broker_->port()));
  ASSERT_TRUE(loop.run_until([&] { return sub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop, *sub, t, 0));
  std::string dir = make_temp_dir("mqtt-cli");
  std::string file = dir + "/big.bin";
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31u >> 7);
  std::ofstream(file, std::ios::binary).write(big.data(), static_cast<std::streamsize>(big.size()));
  Process pub({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-f", file, "-q", "0"});
  ASSERT_TRUE(loop.run_until([&] { return !sub->messages.empty(); }, 10000));
  EXPECT_EQ(pub.wait(5000), 0);
  EXPECT_TRUE(sub->messages[0].payload == std::vector<uint8_t>(big.begin(), big.end()))
      << sub->messages[0].payload.size() << " bytes arrived";
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

TEST_F(Cli, ExitCodesForUnreachableAndTimeout) {
  RunResult down = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", std::to_string(free_port()),
                        "-t", "x", "-m", "y"});
  EXPECT_EQ(down.status, 2);
  EXPECT_NE(down.err.find("could not connect"), std::string::npos) << down.err;
  RunResult timeout =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", topic("quiet"), "-W", "1"});
  EXPECT_EQ(timeout.status, 27);
  RunResult subscribed =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", topic("quiet"), "-E"});
  EXPECT_EQ(subscribed.status, 0);
}

TEST_F(Cli, InteropBothWaysWithMosquittoTools) {
  std::string t = topic("interop");
  // mosquitto_pub -> mqtt sub
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-C", "3"});
  wait_subscribed(sub, t);
  EXPECT_EQ(run({tool("mosquitto_pub"), "-h", "127.0.0.1", "-p", port(), "-t", t, "-m",
                 "from mosquitto", "-q", "1"})
                .status,
            0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), "ready\n\nfrom mosquitto\n");
  // mqtt pub -> mosquitto_sub (retained, so start order does not matter)
  std::string t2 = topic("interop2");
  EXPECT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t2, "-m", "from mqtt",
                 "-r", "-q", "2"})
                .status,
            0);
  RunResult got =
      run({tool("mosquitto_sub"), "-h", "127.0.0.1", "-p", port(), "-t", t2, "-C", "1", "-W", "5"});
  EXPECT_EQ(got.status, 0);
  EXPECT_EQ(got.out, "from mqtt\n");
  run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t2, "-n", "-r"});
}

TEST_F(Cli, RefusedCredentialsExitWithCode3) {
  std::string dir = make_temp_dir("mqtt-cli-auth");
  std::string file = dir + "/passwd";
  { std::ofstream(file).flush(); }
  ASSERT_EQ(run({tool("mosquitto_passwd"), "-b", file, "bob", "pw"}).status, 0);
  BrokerConfig config;
  config.password_file = file;
  Broker secured(config);
  ASSERT_TRUE(secured.running());
  std::string p = std::to_string(secured.port());
  RunResult refused = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-u", "bob", "-P", "bad",
                           "-t", "x", "-m", "y"});
  EXPECT_EQ(refused.status, 3);
  EXPECT_NE(refused.err.find("not authorized"), std::string::npos) << refused.err;
  EXPECT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-u", "bob", "-P", "pw", "-t", "x",
                 "-m", "y"})
                .status,
            0);
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace mqtt::test
