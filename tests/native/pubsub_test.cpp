// Publish and subscribe through a real Mosquitto: every QoS, binary payloads, retained
// messages, the will, persistent sessions and interop with mosquitto_pub / mosquitto_sub.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "broker.h"
#include "harness.h"

namespace mqtt::test {
namespace {

class PubSub : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() { broker_ = new Broker(); }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(broker_->running()) << "mosquitto did not start"; }

  static Broker* broker_;
  Loop loop_;
};
Broker* PubSub::broker_ = nullptr;

std::string unique(const char* base) {
  static int n = 0;
  return std::string(base) + "/" + std::to_string(getpid()) + "/" + std::to_string(++n);
}

TEST_P(PubSub, BinaryPayloadsRoundTripAtEachQos) {
  const int qos = GetParam();
  auto sub = make_client(base_options(loop_, broker_->port()));
  auto pub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return sub->connected && pub->connected; }, 5000));
  std::string topic = unique("binary");
  ASSERT_TRUE(subscribe_and_wait(loop_, *sub, topic, qos));

  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
  std::vector<uint8_t> empty;
  std::vector<uint8_t> big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>((i * 7919u) >> 3);
  const std::vector<std::vector<uint8_t>*> payloads = {&all, &empty, &big};

  int succeeded = 0;
  for (auto* payload : payloads) {
    PublishOptions p(topic, *payload, qos, [&] { ++succeeded; });
    ASSERT_EQ(pub->client->publish(p), 0);
  }
  ASSERT_TRUE(loop_.run_until([&] { return sub->messages.size() == 3 && succeeded == 3; }, 10000))
      << "got " << sub->messages.size() << " messages, " << succeeded << " successes";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sub->messages[i].topic, topic);
    EXPECT_EQ(sub->messages[i].qos, qos);
    EXPECT_TRUE(sub->messages[i].payload == *payloads[i])
        << "payload " << i << " differs (size " << sub->messages[i].payload.size() << ")";
  }
  EXPECT_TRUE(sub->errors.empty());
  EXPECT_TRUE(pub->errors.empty());
}

INSTANTIATE_TEST_SUITE_P(Qos, PubSub, ::testing::Values(0, 1, 2),
                         [](const auto& info) { return "qos" + std::to_string(info.param); });

class Broker1 : public PubSub {};

TEST_F(Broker1, ManyMessagesArriveInOrderAtQos1) {
  auto sub = make_client(base_options(loop_, broker_->port()));
  auto pub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return sub->connected && pub->connected; }, 5000));
  std::string topic = unique("order");
  ASSERT_TRUE(subscribe_and_wait(loop_, *sub, topic, 1));
  const int n = 500;
  for (int i = 0; i < n; ++i) ASSERT_EQ(pub->client->publish({topic, std::to_string(i), 1}), 0);
  ASSERT_TRUE(loop_.run_until([&] { return sub->messages.size() == n; }, 10000))
      << sub->messages.size();
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(sub->messages[static_cast<size_t>(i)].payload, bytes(std::to_string(i)));
}

TEST_F(Broker1, RetainedMessageReachesLaterSubscriberAndCanBeCleared) {
  auto pub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return pub->connected; }, 5000));
  std::string topic = unique("retained");
  PublishOptions p(topic, "kept", 1);
  p.retain = true;
  ASSERT_TRUE(publish_and_wait(loop_, *pub, p));

  auto sub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return sub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *sub, topic, 1));
  ASSERT_TRUE(loop_.run_until([&] { return sub->messages.size() == 1; }, 5000));
  EXPECT_EQ(sub->messages[0].payload, bytes("kept"));
  EXPECT_TRUE(sub->messages[0].retain);

  // An empty retained message clears it: a new subscriber gets nothing.
  PublishOptions clear(topic, "", 1);
  clear.retain = true;
  ASSERT_TRUE(publish_and_wait(loop_, *pub, clear));
  auto late = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return late->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *late, topic, 1));
  // A marker published after the subscription shows the broker delivered everything before it.
  ASSERT_TRUE(publish_and_wait(loop_, *pub, {topic, "marker", 1}));
  ASSERT_TRUE(loop_.run_until([&] { return !late->messages.empty(); }, 5000));
  EXPECT_EQ(late->messages[0].payload, bytes("marker"));
  EXPECT_FALSE(late->messages[0].retain);
}

TEST_F(Broker1, WillIsPublishedWhenTheClientDiesWithoutDisconnect) {
  std::string topic = unique("will");
  auto watcher = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return watcher->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *watcher, topic, 1));

  // The client with the will is the `mqtt` tool in another process, killed with SIGKILL. It is
  // connected (and its will registered) once it prints a retained message of its own topic.
  std::string ready = unique("ready");
  PublishOptions flag(ready, "ready", 1);
  flag.retain = true;
  ASSERT_TRUE(publish_and_wait(loop_, *watcher, flag));
  Process victim({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", std::to_string(broker_->port()), "-t",
                  ready, "--will-topic", topic, "--will-payload", "gone", "--will-qos", "1"});
  ASSERT_TRUE(
      loop_.run_until([&] { return victim.out().find("ready") != std::string::npos; }, 5000));
  flag.message = "";
  ASSERT_TRUE(publish_and_wait(loop_, *watcher, flag));
  victim.kill(SIGKILL);
  ASSERT_GE(victim.wait(5000), 0);
  ASSERT_TRUE(loop_.run_until([&] { return !watcher->messages.empty(); }, 5000))
      << "no will arrived";
  EXPECT_EQ(watcher->messages[0].payload, bytes("gone"));

  // A clean close sends DISCONNECT: no will.
  std::string topic2 = unique("will");
  ASSERT_TRUE(subscribe_and_wait(loop_, *watcher, topic2, 1));
  Options o = base_options(loop_, broker_->port());
  WillOptions will;
  will.topic = topic2;
  will.payload = bytes("should not appear");
  o.will = will;
  auto polite = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return polite->connected; }, 5000));
  EXPECT_EQ(polite->client->close(), 0);
  ASSERT_TRUE(publish_and_wait(loop_, *watcher, {topic2, "marker", 1}));
  ASSERT_TRUE(loop_.run_until([&] { return watcher->messages.size() >= 2; }, 5000));
  EXPECT_EQ(watcher->messages[1].payload, bytes("marker"));
}

TEST_F(Broker1, PersistentSessionReceivesWhatWasPublishedWhileAway) {
  std::string topic = unique("session");
  std::string id = "persist" + std::to_string(getpid());
  {
    Options o = base_options(loop_, broker_->port(), id);
    o.clean = false;
    auto away = make_client(o);
    ASSERT_TRUE(loop_.run_until([&] { return away->connected; }, 5000));
    ASSERT_TRUE(subscribe_and_wait(loop_, *away, topic, 1));
    EXPECT_EQ(away->client->close(), 0);
  }
  auto pub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return pub->connected; }, 5000));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(publish_and_wait(loop_, *pub, {topic, "m" + std::to_string(i), 1}));

  Options o = base_options(loop_, broker_->port(), id);
  o.clean = false;
  auto back = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return back->messages.size() == 5; }, 5000))
      << back->messages.size();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(back->messages[static_cast<size_t>(i)].payload, bytes("m" + std::to_string(i)));
  // Clean up the stored session.
  back->client->close();
  Options cleanup = base_options(loop_, broker_->port(), id);
  auto c = make_client(cleanup);
  ASSERT_TRUE(loop_.run_until([&] { return c->connected; }, 5000));
}

TEST_F(Broker1, InteropWithMosquittoSub) {
  std::string topic = unique("interop");
  Process sub({tool("mosquitto_sub"), "-h", "127.0.0.1", "-p", std::to_string(broker_->port()),
               "-t", topic, "-C", "2", "-v", "-q", "1"});
  auto pub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return pub->connected; }, 5000));
  // mosquitto_sub subscribes on its own time: publish retained first so it cannot miss it.
  PublishOptions first(topic, "one", 1);
  first.retain = true;
  ASSERT_TRUE(publish_and_wait(loop_, *pub, first));
  ASSERT_TRUE(loop_.run_until([&] { return sub.out().find("one") != std::string::npos; }, 5000));
  ASSERT_TRUE(publish_and_wait(loop_, *pub, {topic, "two", 1}));
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), topic + " one\n" + topic + " two\n");
  PublishOptions clear(topic, "", 1);
  clear.retain = true;
  publish_and_wait(loop_, *pub, clear);
}

TEST_F(Broker1, InteropWithMosquittoPub) {
  std::string topic = unique("interop");
  auto sub = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return sub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *sub, topic, 2));
  Process pub({tool("mosquitto_pub"), "-h", "127.0.0.1", "-p", std::to_string(broker_->port()),
               "-t", topic, "-m", "from mosquitto_pub", "-q", "2"});
  ASSERT_TRUE(loop_.run_until([&] { return !sub->messages.empty(); }, 5000));
  EXPECT_EQ(sub->messages[0].payload, bytes("from mosquitto_pub"));
  EXPECT_EQ(sub->messages[0].qos, 2);
  EXPECT_EQ(pub.wait(5000), 0);
}

TEST_F(Broker1, ManyClientsShareOneLoop) {
  std::string topic = unique("fanout");
  std::vector<std::unique_ptr<Recorder>> subs;
  for (int i = 0; i < 100; ++i) subs.push_back(make_client(base_options(loop_, broker_->port())));
  ASSERT_TRUE(loop_.run_until(
      [&] {
        for (auto& s : subs)
          if (!s->connected) return false;
        return true;
      },
      5000));
  for (auto& s : subs) ASSERT_TRUE(subscribe_and_wait(loop_, *s, topic, 1));
  ASSERT_TRUE(publish_and_wait(loop_, *subs[0], {topic, "to all", 1}));
  ASSERT_TRUE(loop_.run_until(
      [&] {
        for (auto& s : subs)
          if (s->messages.empty()) return false;
        return true;
      },
      5000));
}

TEST(Addresses, Ipv6LiteralAndLocalhostFallback) {
  BrokerConfig config;
  config.ipv6 = true;
  Broker broker(config);
  ASSERT_TRUE(broker.running());
  if (!broker.ipv6_port()) GTEST_SKIP() << "no IPv6 loopback here";
  Loop loop;
  Options v6 = base_options(loop, broker.ipv6_port());
  v6.host = "::1";
  auto a = make_client(v6);
  Options url = base_options(loop, 0);
  url.host.clear();
  url.url = "mqtt://[::1]:" + std::to_string(broker.ipv6_port());
  auto b = make_client(url);
  // "localhost" resolves to ::1 and 127.0.0.1; the IPv4-only listener is reached either way.
  Options name = base_options(loop, broker.port());
  name.host = "localhost";
  auto c = make_client(name);
  ASSERT_TRUE(loop.run_until(
      [&] {
        return (a->connected || a->failed) && (b->connected || b->failed) &&
               (c->connected || c->failed);
      },
      5000));
  EXPECT_TRUE(a->connected) << a->failure.message;
  EXPECT_TRUE(b->connected) << b->failure.message;
  EXPECT_TRUE(c->connected) << c->failure.message;
}

// The example programs, run as a user would.
TEST_F(Broker1, ExamplesRun) {
  RunResult cpp = run({EXAMPLE_CPP_PATH, "127.0.0.1", std::to_string(broker_->port())});
  EXPECT_EQ(cpp.status, 0) << cpp.err;
  EXPECT_EQ(cpp.out, "example/greeting: hello from C++\n");
  RunResult c = run({EXAMPLE_C_PATH, "127.0.0.1", std::to_string(broker_->port())});
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("example/c: hello from C\n"), std::string::npos) << c.out;
}

TEST_F(Broker1, BackgroundLoopServesCallsFromAnotherThread) {
  // No options.loop: the client runs on Loop::background(); this thread only calls methods.
  std::mutex m;
  std::condition_variable cv;
  bool connected = false;
  std::vector<std::string> got;
  Options o;
  o.host = "127.0.0.1";
  o.port = broker_->port();
  o.success = [&] {
    std::lock_guard<std::mutex> lock(m);
    connected = true;
    cv.notify_all();
  };
  auto client = createClient(o);
  ASSERT_NE(client, nullptr);
  client->on("message", [&](const std::string&, const std::vector<uint8_t>& message) {
    std::lock_guard<std::mutex> lock(m);
    got.emplace_back(message.begin(), message.end());
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return connected; }));
  lock.unlock();
  std::string topic = unique("background");
  std::atomic<bool> subscribed{false};
  ASSERT_EQ(client->subscribe({topic, 1,
                               [&] {
                                 std::lock_guard<std::mutex> guard(m);
                                 subscribed = true;
                                 cv.notify_all();
                               }}),
            0);
  lock.lock();
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return subscribed.load(); }));
  lock.unlock();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client->publish({topic, "bg" + std::to_string(i), 1}), 0);
  lock.lock();
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return got.size() == 3; }));
  lock.unlock();
  EXPECT_EQ(got[2], "bg2");
  EXPECT_EQ(client->close(), 0);
  EXPECT_NE(client->close(), 0);  // later calls return non-zero
  client.reset();                 // destroyed on the loop thread, from this one
}

}  // namespace
}  // namespace mqtt::test
