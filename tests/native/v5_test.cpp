// MQTT 5 against Mosquitto: user properties, message expiry, topic aliases, session expiry,
// server DISCONNECT on session takeover, shared subscriptions.
#include <unistd.h>

#include "broker.h"
#include "harness.h"

namespace mqtt::test {
namespace {

class V5 : public SharedBroker {
 protected:
  Options v5(const std::string& id = "") {
    Options o = base_options(loop_, broker_->port(), id);
    o.protocol_version = 5;
    return o;
  }
  std::string topic(const char* base) {
    return std::string("v5/") + base + "/" + std::to_string(getpid());
  }

  Loop loop_;
};

TEST_F(V5, UserPropertiesContentTypeAndExpiryArrive) {
  auto c = make_client(v5());
  ASSERT_TRUE(loop_.run_until([&] { return c->connected; }, 5000)) << c->failure.message;
  std::string t = topic("props");
  ASSERT_TRUE(subscribe_and_wait(loop_, *c, t, 1));
  PublishOptions p(t, "with properties", 1);
  p.user_properties = {{"sensor", "kitchen"}, {"unit", "C"}};
  p.properties.message_expiry_interval = 60u;
  p.properties.content_type = std::string_view("text/plain");
  ASSERT_TRUE(publish_and_wait(loop_, *c, p));
  ASSERT_TRUE(loop_.run_until([&] { return !c->messages.empty(); }, 5000));
  const Received& m = c->messages[0];
  std::vector<std::pair<std::string, std::string>> expected = {{"sensor", "kitchen"},
                                                               {"unit", "C"}};
  EXPECT_EQ(m.user_properties, expected);
  EXPECT_TRUE(m.has_expiry);
  EXPECT_LE(m.expiry, 60u);
  EXPECT_GE(m.expiry, 58u);
  EXPECT_EQ(m.content_type, "text/plain");
}

TEST_F(V5, ExpiredMessageIsNotDeliveredToReturningSession) {
  std::string t = topic("expiry");
  std::string id = "expiry" + std::to_string(getpid());
  Options so = v5(id);
  so.clean = false;
  so.session_expiry_interval = 60;
  {
    auto away = make_client(so);
    ASSERT_TRUE(loop_.run_until([&] { return away->connected; }, 5000));
    ASSERT_TRUE(subscribe_and_wait(loop_, *away, t, 1));
    away->client->close();
  }
  auto pub = make_client(v5());
  ASSERT_TRUE(loop_.run_until([&] { return pub->connected; }, 5000));
  PublishOptions short_lived(t, "expires", 1);
  short_lived.properties.message_expiry_interval = 1u;
  ASSERT_TRUE(publish_and_wait(loop_, *pub, short_lived));
  PublishOptions long_lived(t, "stays", 1);
  long_lived.properties.message_expiry_interval = 100u;
  ASSERT_TRUE(publish_and_wait(loop_, *pub, long_lived));
  // Waiting on time is the point here: the first message must outlive its expiry.
  loop_.run_until([] { return false; }, 2100);
  auto back = make_client(so);
  ASSERT_TRUE(loop_.run_until([&] { return !back->messages.empty(); }, 5000));
  loop_.run_until([] { return false; }, 200);
  ASSERT_EQ(back->messages.size(), 1u);
  EXPECT_EQ(back->messages[0].payload, bytes("stays"));
  back->client->close();
  Options cleanup = v5(id);
  auto c = make_client(cleanup);  // clean start: drops the stored session
  ASSERT_TRUE(loop_.run_until([&] { return c->connected; }, 5000));
}

TEST_F(V5, RepeatedTopicWithAliasesArrivesIntact) {
  Options o = v5();
  o.topic_alias_maximum = 10;  // the broker may use aliases towards us
  auto c = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return c->connected; }, 5000));
  std::string t = topic("alias/a-rather-long-topic-name-that-is-worth-aliasing");
  ASSERT_TRUE(subscribe_and_wait(loop_, *c, t, 1));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(c->client->publish({t, std::to_string(i), i % 2}), 0);
  ASSERT_TRUE(loop_.run_until([&] { return c->messages.size() == 20; }, 5000));
  for (auto& m : c->messages) EXPECT_EQ(m.topic, t);
  EXPECT_TRUE(c->errors.empty());
}

TEST_F(V5, SessionExpiryKeepsThenDropsTheSession) {
  std::string t = topic("session");
  std::string id = "sessexp" + std::to_string(getpid());
  Options so = v5(id);
  so.clean = false;
  so.session_expiry_interval = 1;
  auto pub = make_client(v5());
  ASSERT_TRUE(loop_.run_until([&] { return pub->connected; }, 5000));
  {
    auto away = make_client(so);
    ASSERT_TRUE(loop_.run_until([&] { return away->connected; }, 5000));
    ASSERT_TRUE(subscribe_and_wait(loop_, *away, t, 1));
    away->client->close();
  }
  // Back within the interval: the message published meanwhile is there.
  ASSERT_TRUE(publish_and_wait(loop_, *pub, {t, "kept", 1}));
  {
    auto back = make_client(so);
    ASSERT_TRUE(loop_.run_until([&] { return !back->messages.empty(); }, 5000));
    EXPECT_EQ(back->messages[0].payload, bytes("kept"));
    back->client->close();
  }
  // Away longer than the interval: the session (and its subscription) is gone.
  loop_.run_until([] { return false; }, 2100);
  ASSERT_TRUE(publish_and_wait(loop_, *pub, {t, "lost", 1}));
  auto late = make_client(so);
  ASSERT_TRUE(loop_.run_until([&] { return late->connected; }, 5000));
  loop_.run_until([] { return false; }, 300);
  EXPECT_TRUE(late->messages.empty());
}

// Mosquitto 2.0.11 ends the first connection without sending DISCONNECT 0x8E (session taken
// over): it only closes the socket. So the first client sees connection_lost here; a real server
// DISCONNECT with its reason is AdministrativeDisconnectReachesTheAppWithReason0x98.
TEST_F(V5, SessionTakeoverEndsTheFirstConnection) {
  std::string id = "takeover" + std::to_string(getpid());
  Options o = v5(id);
  o.reconnect = false;  // else the two would take the id from each other forever
  auto first = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return first->connected; }, 5000));
  auto second = make_client(o);
  ASSERT_TRUE(
      loop_.run_until([&] { return second->connected && first->count("disconnect") > 0; }, 5000));
  const ErrorInfo& reason = first->disconnects[0];
  if (reason.code == ErrorCode::server_disconnect) {
    EXPECT_EQ(reason.reason_code, 0x8E) << reason.message;  // brokers that do send it
  } else {
    EXPECT_EQ(reason.code, ErrorCode::connection_lost) << reason.message;
  }
  EXPECT_EQ(first->count("reconnect"), 0);
}

// Mosquitto's dynamic-security plugin disconnects a client that an administrator disables with
// DISCONNECT 0x98 (administrative action): the disconnect event carries that reason.
TEST(V5Admin, AdministrativeDisconnectReachesTheAppWithReason0x98) {
  std::string plugin = MOSQUITTO_DYNSEC_PLUGIN;
  if (plugin.empty() || plugin.find("NOTFOUND") != std::string::npos)
    GTEST_SKIP() << "no dynamic-security plugin";
  std::string dir = make_temp_dir("mqtt-dynsec");
  std::string config = dir + "/dynsec.json";
  ASSERT_EQ(run({tool("mosquitto_ctrl"), "dynsec", "init", config, "admin", "adminpw"}).status, 0);
  BrokerConfig c;
  c.extra = {"plugin " + plugin, "plugin_opt_config_file " + config};
  Broker broker(c);
  ASSERT_TRUE(broker.running());
  const std::vector<std::string> ctrl = {tool("mosquitto_ctrl"),
                                         "-h",
                                         "127.0.0.1",
                                         "-p",
                                         std::to_string(broker.port()),
                                         "-u",
                                         "admin",
                                         "-P",
                                         "adminpw",
                                         "dynsec"};
  auto admin = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = ctrl;
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
  };
  admin({"createClient", "device", "-p", "devpw"});

  Loop loop;
  Options o = base_options(loop, broker.port(), "device-1");
  o.protocol_version = 5;
  o.username = std::string("device");
  o.password = std::string("devpw");
  o.reconnect = false;
  auto client = make_client(o);
  ASSERT_TRUE(loop.run_until([&] { return client->connected || client->failed; }, 5000));
  ASSERT_TRUE(client->connected) << client->failure.message;
  admin({"disableClient", "device"});
  ASSERT_TRUE(loop.run_until([&] { return client->count("disconnect") > 0; }, 5000));
  const ErrorInfo& reason = client->disconnects[0];
  EXPECT_EQ(reason.code, ErrorCode::server_disconnect) << reason.message;
  EXPECT_EQ(reason.reason_code, 0x98) << reason.message;
  EXPECT_NE(reason.message.find("0x98"), std::string::npos) << reason.message;
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

TEST_F(V5, SharedSubscriptionBalancesTwoClients) {
  std::string t = topic("shared");
  auto a = make_client(v5());
  auto b = make_client(v5());
  auto pub = make_client(v5());
  ASSERT_TRUE(
      loop_.run_until([&] { return a->connected && b->connected && pub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *a, "$share/group/" + t, 1));
  ASSERT_TRUE(subscribe_and_wait(loop_, *b, "$share/group/" + t, 1));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(pub->client->publish({t, std::to_string(i), 1}), 0);
  ASSERT_TRUE(loop_.run_until([&] { return a->messages.size() + b->messages.size() == 20; }, 5000));
  loop_.run_until([] { return false; }, 100);
  EXPECT_EQ(a->messages.size() + b->messages.size(), 20u);
  EXPECT_GT(a->messages.size(), 0u);
  EXPECT_GT(b->messages.size(), 0u);
}

}  // namespace
}  // namespace mqtt::test
