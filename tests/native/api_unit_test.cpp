// What needs no broker: the loop, error constants, option and argument checks.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "harness.h"
#include "mqtt.h"
#include "transport/stream.h"

namespace mqtt::test {
namespace {

struct RecordingTimer final : Loop::Timer {
  RecordingTimer(std::vector<int>& order, int n) : order(order), n(n) {}
  void on_timer() override { order.push_back(n); }
  std::vector<int>& order;
  int n;
};

TEST(Loop, TimersRunInDeadlineOrderAndStop) {
  Loop loop;
  std::vector<int> order;
  uint64_t now = loop.now_ms();
  RecordingTimer t1(order, 1), t2(order, 2), t3(order, 3), t4(order, 4);
  loop.start_timer(&t3, now + 30);
  loop.start_timer(&t1, now + 10);
  loop.start_timer(&t2, now + 20);
  loop.stop_timer(&t2);
  loop.start_timer(&t4, now + 5);
  loop.start_timer(&t4, now + 30);  // moved: due with t3, armed after it
  EXPECT_FALSE(t2.armed());
  EXPECT_TRUE(t4.armed());
  ASSERT_TRUE(loop.run_until([&] { return order.size() == 3; }, 1000));
  EXPECT_EQ(order, (std::vector<int>{1, 3, 4}));
  EXPECT_FALSE(t1.armed());
  EXPECT_FALSE(t4.armed());
  EXPECT_GE(loop.now_ms(), now + 30);
}

// Many timers armed, moved and stopped in a scrambled order, all already due: one round runs
// exactly the armed ones, by deadline, ties in arming order (the heap keeps its indexes right).
TEST(Loop, TimerHeapKeepsOrderThroughMovesAndStops) {
  Loop loop;
  std::vector<int> order;
  uint64_t now = loop.now_ms();
  std::vector<std::unique_ptr<RecordingTimer>> timers;
  for (int i = 0; i < 200; ++i) timers.push_back(std::make_unique<RecordingTimer>(order, i));
  // Deadlines in the past, 1..50 ms ago, many equal.
  auto deadline = [&](int i) { return now - 1 - static_cast<uint64_t>((i * 37) % 50); };
  for (int i = 0; i < 200; ++i) loop.start_timer(timers[i].get(), deadline(i) + 1000);
  for (int i = 199; i >= 0; --i) loop.start_timer(timers[i].get(), deadline(i));  // re-armed
  for (int i = 0; i < 200; i += 3) loop.stop_timer(timers[i].get());
  std::vector<int> expected;
  for (int i = 199; i >= 0; --i)
    if (i % 3 != 0) expected.push_back(i);
  std::stable_sort(expected.begin(), expected.end(),
                   [&](int a, int b) { return deadline(a) < deadline(b); });
  loop.run_once(0);
  EXPECT_EQ(order, expected);
  for (auto& t : timers) EXPECT_FALSE(t->armed());
}

TEST(Loop, PostFromAnotherThreadWakesTheLoop) {
  Loop loop;
  loop.run_once(0);  // this thread owns the loop
  std::atomic<bool> ran{false};
  std::thread t([&] { loop.post([&] { ran = true; }); });
  uint64_t start = loop.now_ms();
  loop.run_once(5000);
  t.join();
  loop.run_until([&] { return ran.load(); }, 1000);
  EXPECT_TRUE(ran);
  EXPECT_LT(loop.now_ms() - start, 1000u);
}

// A source whose descriptor is closed and replaced by a new one with the same number (as a TCP
// connect moving to the next address does) keeps getting events: the epoll set must learn of it.
struct PipeSource : Loop::Source {
  int fds[2] = {-1, -1};
  int reads = 0;
  bool want = true;
  PipeSource() { open_pipe(); }
  ~PipeSource() { close_pipe(); }
  void open_pipe() {
    if (pipe(fds) != 0) fds[0] = fds[1] = -1;
  }
  void close_pipe() {
    for (int& fd : fds)
      if (fd >= 0) close(fd), fd = -1;
  }
  int poll_fd() const override { return want ? fds[0] : -1; }
  short poll_events() const override { return POLLIN; }
  void on_poll(short) override {
    char buffer[16];
    if (read(fds[0], buffer, sizeof buffer) > 0) ++reads;
  }
};

TEST(Loop, SourcesFollowDescriptorChangesAndInterest) {
  Loop loop;
  PipeSource s;
  loop.add_source(&s);
  ASSERT_EQ(write(s.fds[1], "a", 1), 1);
  ASSERT_TRUE(loop.run_until([&] { return s.reads == 1; }, 1000));

  int old_number = s.fds[0];
  s.close_pipe();
  s.open_pipe();  // the lowest free numbers again: usually the same
  loop.update_source(&s);
  EXPECT_EQ(s.fds[0], old_number) << "(the test is weaker when the number differs)";
  ASSERT_EQ(write(s.fds[1], "b", 1), 1);
  ASSERT_TRUE(loop.run_until([&] { return s.reads == 2; }, 1000));

  s.want = false;  // not interested: no events though data waits
  loop.update_source(&s);
  ASSERT_EQ(write(s.fds[1], "c", 1), 1);
  loop.run_until([] { return false; }, 50);
  EXPECT_EQ(s.reads, 2);
  s.want = true;
  loop.update_source(&s);
  ASSERT_TRUE(loop.run_until([&] { return s.reads == 3; }, 1000));
  loop.remove_source(&s);
  EXPECT_EQ(loop.sources(), 0u);
}

// After on_poll() the loop re-registers only what changed, unless the source says its descriptor
// is new: a pipe reopened under the same number from inside on_poll() still delivers.
TEST(Loop, SourceReopenedInsideOnPollIsRegisteredAnew) {
  struct Reopening final : PipeSource {
    Loop* loop = nullptr;
    void on_poll(short revents) override {
      PipeSource::on_poll(revents);
      close_pipe();
      open_pipe();
      loop->update_source(this);  // the same number may now name another pipe
    }
  };
  Loop loop;
  Reopening s;
  s.loop = &loop;
  loop.add_source(&s);
  int number = s.fds[0];
  ASSERT_EQ(write(s.fds[1], "a", 1), 1);
  ASSERT_TRUE(loop.run_until([&] { return s.reads == 1; }, 1000));
  EXPECT_EQ(s.fds[0], number) << "(the test is weaker when the number differs)";
  ASSERT_EQ(write(s.fds[1], "b", 1), 1);
  ASSERT_TRUE(loop.run_until([&] { return s.reads == 2; }, 1000));
  loop.remove_source(&s);
}

// Host names are resolved on worker threads; an answer that comes back after its client and
// its loop are gone is dropped (the loop's Poster), not delivered into freed memory.
TEST(Resolver, AnswersOutlivingTheirLoopAreDropped) {
  for (int i = 0; i < 4; ++i) {
    Loop loop;
    Options o;
    o.host = "no-such-host.invalid";
    o.loop = &loop;
    auto client = createClient(o);
    ASSERT_NE(client, nullptr);
  }  // client, then loop, destroyed while the lookups run
  // Wait for lookups of the same name (queued after those) to finish on the same workers.
  std::atomic<int> answered{0};
  for (int i = 0; i < 4; ++i)
    native::resolve_async("no-such-host.invalid", 1883,
                          [&](native::Addresses, native::StreamError e) {
                            EXPECT_EQ(e.code, ErrorCode::dns_failed);
                            ++answered;
                          });
  Loop waiter;
  EXPECT_TRUE(waiter.run_until([&] { return answered == 4; }, 20000));
}

TEST(Resolver, NumericHostsNeedNoLookup) {
  EXPECT_TRUE(native::is_numeric_host("127.0.0.1"));
  EXPECT_TRUE(native::is_numeric_host("[::1]"));
  EXPECT_TRUE(native::is_numeric_host("::1"));
  EXPECT_FALSE(native::is_numeric_host("localhost"));
  native::Addresses a;
  native::StreamError e;
  ASSERT_TRUE(native::resolve("[::1]", 1883, a, e)) << e.detail;
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].family, AF_INET6);
}

TEST(Errors, CConstantsMatchTheCoreTable) {
#define CHECK_ONE(name, c_constant)                                  \
  EXPECT_EQ(static_cast<int>(ErrorCode::name), c_constant);          \
  EXPECT_STREQ(mqtt_error_message(c_constant),                       \
               std::string(error_message(ErrorCode::name)).c_str()); \
  EXPECT_STREQ(mqtt_error_name(c_constant), #name);
  MQTT_ERR_TABLE(CHECK_ONE)
#undef CHECK_ONE
  EXPECT_STREQ(mqtt_error_message(9999), "unknown error");
}

TEST(CreateClient, InvalidOptionsReturnNullAndCallFail) {
  Loop loop;
  struct Case {
    Options options;
    ErrorCode expected;
  };
  std::vector<Case> cases(4);
  cases[0].expected = ErrorCode::missing_host;
  cases[1].options.host = "h";
  cases[1].options.port = 70000;
  cases[1].expected = ErrorCode::invalid_port;
  cases[2].options.host = "h";
  cases[2].options.protocol_version = 6;
  cases[2].expected = ErrorCode::invalid_protocol_version;
  cases[3].options.host = "h";
  cases[3].options.keepalive_interval = 70000;
  cases[3].expected = ErrorCode::invalid_keepalive;
  for (auto& c : cases) {
    ErrorInfo got;
    int calls = 0;
    c.options.loop = &loop;
    c.options.fail = [&](const ErrorInfo& e) {
      got = e;
      ++calls;
    };
    EXPECT_EQ(createClient(c.options), nullptr);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(got.code, c.expected) << got.message;
    EXPECT_FALSE(got.message.empty());
  }
}

TEST(Requests, BadArgumentsReturnNonZeroAndCallFailWithoutABroker) {
  Loop loop;
  Options o;
  o.host = "127.0.0.1";
  o.port = 1;  // nothing there: requests are queued or refused, never sent
  o.loop = &loop;
  auto client = createClient(o);
  ASSERT_NE(client, nullptr);
  struct Case {
    std::string topic;
    int qos;
    bool message;
    ErrorCode expected;
  };
  const std::vector<Case> cases = {
      {"a/+", 0, true, ErrorCode::invalid_topic},
      {"a/#", 0, true, ErrorCode::invalid_topic},
      {"", 0, true, ErrorCode::invalid_topic},
      {"a", 3, true, ErrorCode::invalid_qos},
      {"a", 0, false, ErrorCode::missing_message},
      {std::string("bad\xff", 4), 0, true, ErrorCode::invalid_utf8},
  };
  for (auto& c : cases) {
    ErrorInfo got;
    PublishOptions p;
    p.topic = c.topic;
    if (c.message) p.message = "x";
    p.qos = c.qos;
    p.fail = [&](const ErrorInfo& e) { got = e; };
    int rc = client->publish(p);
    EXPECT_NE(rc, 0) << c.topic;
    EXPECT_EQ(rc, static_cast<int>(got.code)) << c.topic << ": " << got.message;
    if (c.expected != ErrorCode::invalid_topic) {
      EXPECT_EQ(got.code, c.expected) << got.message;
    }
  }
  ErrorInfo got;
  EXPECT_NE(client->subscribe({"a/#/b", 0, nullptr, [&](const ErrorInfo& e) { got = e; }}), 0);
  EXPECT_EQ(got.code, ErrorCode::invalid_topic_filter) << got.message;
  EXPECT_NE(client->subscribe({"a", 3, nullptr, [&](const ErrorInfo& e) { got = e; }}), 0);
  EXPECT_EQ(got.code, ErrorCode::invalid_qos);
  EXPECT_EQ(client->close(), 0);
  EXPECT_NE(client->close(), 0);
  EXPECT_NE(client->publish({"a", "b"}), 0);
}

// A message made from a temporary keeps its own bytes (found by AddressSanitizer: a view of a
// temporary std::string dangled by the time publish() read it).
TEST(Payload, TemporariesAreKeptAndCopiesStayValid) {
  PublishOptions p("t", std::to_string(1234567890123456789ull), 1);
  PublishOptions copy = p;
  p = PublishOptions();
  EXPECT_TRUE(copy.message.present);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(copy.message.data), copy.message.size),
            "1234567890123456789");
  Payload bytes(std::vector<uint8_t>{0, 255, 7});
  Payload assigned;
  assigned = bytes;
  ASSERT_EQ(assigned.size, 3u);
  EXPECT_EQ(assigned.data[1], 255);
  EXPECT_NE(assigned.data, bytes.data);  // its own copy
  std::string text = "view";
  Payload view(text);
  EXPECT_EQ(view.data, reinterpret_cast<const uint8_t*>(text.data()));  // lvalues are not copied
  EXPECT_FALSE(Payload().present);
}

// The application may let go of the client inside one of its own callbacks: the Engine is on the
// stack then, so the client dies once the callback has returned (AddressSanitizer checks nothing
// is touched after), and its listeners die with it.
TEST(CreateClient, DroppedInsideItsOwnCallbackDiesAfterIt) {
  Loop loop;
  Options o;
  o.host = "127.0.0.1";
  o.port = 1;  // refused: the connect fail callback comes from the Engine, on the loop
  o.loop = &loop;
  std::shared_ptr<Client> client;
  int fails = 0;
  o.fail = [&](const ErrorInfo&) {
    ++fails;
    client.reset();
  };
  client = createClient(o);
  ASSERT_NE(client, nullptr);
  auto sentinel = std::make_shared<int>(0);
  std::weak_ptr<int> alive = sentinel;
  client->on("close", Listener([sentinel] {}));
  sentinel.reset();
  EXPECT_TRUE(loop.run_until([&] { return alive.expired(); }, 5000));
  EXPECT_EQ(fails, 1);
  EXPECT_EQ(client, nullptr);
}

TEST(Events, OnceOffAndUnknownNames) {
  Loop loop;
  Options o;
  o.host = "127.0.0.1";
  o.port = 1;
  o.loop = &loop;
  o.reconnect = false;
  auto client = createClient(o);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->on("no-such-event", Listener([] {})), 0u);
  int closes = 0, removed = 0;
  client->once("close", Listener([&] { ++closes; }));
  auto id = client->on("close", Listener([&] { ++removed; }));
  EXPECT_NE(id, 0u);
  client->off("close", id);
  client->close();
  loop.run_until([] { return false; }, 50);
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(removed, 0);
}

}  // namespace
}  // namespace mqtt::test
