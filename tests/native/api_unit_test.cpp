// What needs no broker: the loop, error constants, option and argument checks.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "harness.h"
#include "api/c_shared.h"
#include "mqtt.h"
#include "transport/stream.h"

extern "C" int c_api_bad_events(mqtt_client_t* client);

namespace mqtt::test {
namespace {

// A client whose broker is absent (nothing listens on port 1): requests are queued or refused,
// never sent.
std::shared_ptr<Client> offline_client(Loop& loop, bool reconnect = true) {
  Options o;
  o.host = "127.0.0.1";
  o.port = 1;
  o.loop = &loop;
  o.reconnect = reconnect;
  return createClient(o);
}

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
  auto client = offline_client(loop);
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
  const char* none = nullptr;  // a missing message, not a crash in strlen
  EXPECT_FALSE(Payload(none).present);
  EXPECT_TRUE(Payload("").present);
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
  auto client = offline_client(loop, false);
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

// A listener whose parameters the event does not supply would never be called: on() refuses it
// (returns 0) instead of accepting it silently.
TEST(Events, ListenerWhoseParametersTheEventLacksIsRefused) {
  Loop loop;
  auto client = offline_client(loop, false);
  ASSERT_NE(client, nullptr);
  ErrorListener on_error = [](const ErrorInfo&) {};
  MessageListener on_message = [](const std::string&, const std::vector<uint8_t>&) {};
  MessageInfoListener on_info = [](const std::string&, const std::vector<uint8_t>&,
                                   const Message&) {};
  for (const char* event : {"connect", "reconnect", "close", "message"}) {
    EXPECT_EQ(client->on(event, on_error), 0u) << event;
    EXPECT_EQ(client->once(event, on_error), 0u) << event;
  }
  for (const char* event : {"connect", "reconnect", "close", "disconnect", "error"}) {
    EXPECT_EQ(client->on(event, on_message), 0u) << event;
    EXPECT_EQ(client->on(event, on_info), 0u) << event;
  }
  for (const char* event : {"connect", "disconnect", "reconnect", "message", "error", "close"})
    EXPECT_NE(client->on(event, Listener([] {})), 0u) << event;
  EXPECT_NE(client->on("disconnect", on_error), 0u);
  EXPECT_NE(client->on("error", on_error), 0u);
  EXPECT_NE(client->on("message", on_message), 0u);
  EXPECT_NE(client->on("message", on_info), 0u);
}

// The C options carry the contract's names and defaults: MQTT_OPTIONS_INIT plus a host is what
// createClient({host}) is, and every field lands on the option of the same meaning.
TEST(CApi, OptionsInitHasTheContractDefaultsAndEveryFieldConverts) {
  mqtt_options_t in = MQTT_OPTIONS_INIT;
  in.host = "broker";
  ClientOptions defaults, got;
  defaults.host = "broker";
  c_api::convert(in, got);
  EXPECT_EQ(got.host, defaults.host);
  EXPECT_EQ(got.port, defaults.port);  // 0: the scheme's (1883)
  EXPECT_EQ(got.client_id, "");        // generated
  EXPECT_FALSE(got.username.present);
  EXPECT_FALSE(got.password.present);
  EXPECT_EQ(got.keepalive_interval, 60);
  EXPECT_EQ(got.protocol_version, 4);
  EXPECT_TRUE(got.clean);
  EXPECT_EQ(got.protocol, Scheme::mqtt);
  EXPECT_TRUE(got.tls.verify);
  EXPECT_FALSE(got.will.present);
  EXPECT_TRUE(got.reconnect);
  EXPECT_EQ(got.connect_timeout_ms, defaults.connect_timeout_ms);
  EXPECT_EQ(got.reconnect_min_ms, defaults.reconnect_min_ms);
  EXPECT_EQ(got.reconnect_max_ms, defaults.reconnect_max_ms);
  EXPECT_EQ(got.queue_max_messages, defaults.queue_max_messages);
  EXPECT_EQ(got.queue_max_bytes, defaults.queue_max_bytes);
  EXPECT_EQ(got.max_inflight, defaults.max_inflight);
  EXPECT_EQ(got.max_packet_size, defaults.max_packet_size);
  EXPECT_EQ(got.tls.servername, "");
  EXPECT_EQ(got.tls.ca, "");
  EXPECT_EQ(validate_options(got), ErrorCode::ok);

  static const uint8_t will_bytes[3] = {0, 0xff, 7};
  in.port = 8884;
  in.client_id = "id-1";
  in.username = "user";
  in.password = "";  // an empty password is still a password
  in.keepalive_interval = 0;
  in.protocol_version = 5;
  in.clean = 0;
  in.session_expiry_interval = 600;
  in.url = "mqtts://other:1234";
  in.tls = 1;
  in.ca_file = "ca.pem";
  in.cert_file = "client.pem";
  in.key_file = "client.key";
  in.insecure = 1;
  in.will_topic = "will/t";
  in.will_message = will_bytes;
  in.will_message_len = sizeof will_bytes;
  in.will_qos = 2;
  in.will_retain = 1;
  in.reconnect = 0;
  in.connect_timeout_ms = 1500;
  in.reconnect_min_ms = 100;
  in.reconnect_max_ms = 800;
  in.queue_max_messages = 8;
  in.queue_max_bytes = 4096;
  in.max_inflight = 4;
  in.max_packet_size = 2048;
  in.servername = "broker.example";
  in.ca = "-----BEGIN CERTIFICATE-----";
  got = ClientOptions();
  c_api::convert(in, got);
  EXPECT_EQ(got.port, 8884);
  EXPECT_EQ(got.client_id, "id-1");
  ASSERT_TRUE(got.username.present);
  EXPECT_EQ(got.username.value, "user");
  ASSERT_TRUE(got.password.present);
  EXPECT_EQ(got.password.value, "");
  EXPECT_EQ(got.keepalive_interval, 0);
  EXPECT_EQ(got.protocol_version, 5);
  EXPECT_FALSE(got.clean);
  EXPECT_EQ(got.session_expiry_interval, 600u);
  EXPECT_EQ(got.url, "mqtts://other:1234");
  EXPECT_EQ(got.protocol, Scheme::mqtts);
  EXPECT_EQ(got.tls.ca_file, "ca.pem");
  EXPECT_EQ(got.tls.cert_file, "client.pem");
  EXPECT_EQ(got.tls.key_file, "client.key");
  EXPECT_FALSE(got.tls.verify);
  ASSERT_TRUE(got.will.present);
  EXPECT_EQ(got.will.value.topic, "will/t");
  EXPECT_EQ(got.will.value.payload, std::vector<uint8_t>(will_bytes, will_bytes + 3));
  EXPECT_EQ(got.will.value.qos, 2);
  EXPECT_TRUE(got.will.value.retain);
  EXPECT_FALSE(got.reconnect);
  EXPECT_EQ(got.connect_timeout_ms, 1500u);
  EXPECT_EQ(got.reconnect_min_ms, 100u);
  EXPECT_EQ(got.reconnect_max_ms, 800u);
  EXPECT_EQ(got.queue_max_messages, 8u);
  EXPECT_EQ(got.queue_max_bytes, 4096u);
  EXPECT_EQ(got.max_inflight, 4u);
  EXPECT_EQ(got.max_packet_size, 2048u);
  EXPECT_EQ(got.tls.servername, "broker.example");
  EXPECT_EQ(got.tls.ca, "-----BEGIN CERTIFICATE-----");
}

// A device-sized offline queue set from C: the request beyond it fails with queue_full.
TEST(CApi, OfflineQueueLimitFromC) {
  mqtt_loop_t* loop = mqtt_loop_create();
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = 1;  // nothing there: requests wait in the offline queue
  options.loop = loop;
  options.queue_max_messages = 2;
  mqtt_client_t* c = mqtt_create_client(&options);
  ASSERT_NE(c, nullptr);
  int queue_full = 0;
  mqtt_publish_options_t pub{};
  pub.topic = "queued";
  pub.message = "x";
  pub.message_len = 1;
  pub.qos = 1;
  pub.user = &queue_full;
  pub.fail = [](mqtt_client_t*, const mqtt_error_t* e, void* user) {
    if (e->code == MQTT_ERR_QUEUE_FULL) ++*static_cast<int*>(user);
  };
  EXPECT_EQ(mqtt_publish(c, &pub), 0);
  EXPECT_EQ(mqtt_publish(c, &pub), 0);
  EXPECT_EQ(mqtt_publish(c, &pub), MQTT_ERR_QUEUE_FULL);
  EXPECT_EQ(queue_full, 1);
  mqtt_destroy(c);
  mqtt_loop_destroy(loop);
}

// NULL pointers and invalid values: a code, the request's fail callback where there is one,
// never a crash.
TEST(CApi, NullAndInvalidArgumentsAreRefusedWithACode) {
  EXPECT_EQ(mqtt_create_client(nullptr), nullptr);
  mqtt_loop_t* loop = mqtt_loop_create();
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  // Invalid options: NULL, and fail (with no client) says which.
  struct Invalid {
    int calls = 0, code = 0;
  } invalid;
  options.loop = loop;
  options.user = &invalid;
  options.fail = [](mqtt_client_t* client, const mqtt_error_t* e, void* user) {
    auto* i = static_cast<Invalid*>(user);
    i->calls += client == nullptr;
    i->code = e->code;
  };
  auto refused = [&](void (*change)(mqtt_options_t&), int code) {
    mqtt_options_t o = options;
    o.host = "127.0.0.1";
    change(o);
    invalid = Invalid();
    EXPECT_EQ(mqtt_create_client(&o), nullptr) << code;
    EXPECT_EQ(invalid.calls, 1) << code;
    EXPECT_EQ(invalid.code, code);
  };
  refused([](mqtt_options_t& o) { o.host = nullptr; }, MQTT_ERR_MISSING_HOST);
  refused([](mqtt_options_t& o) { o.port = -1; }, MQTT_ERR_INVALID_PORT);
  refused([](mqtt_options_t& o) { o.port = 65536; }, MQTT_ERR_INVALID_PORT);
  refused([](mqtt_options_t& o) { o.keepalive_interval = -2; }, MQTT_ERR_INVALID_KEEPALIVE);
  refused([](mqtt_options_t& o) { o.keepalive_interval = 65536; }, MQTT_ERR_INVALID_KEEPALIVE);
  refused([](mqtt_options_t& o) { o.protocol_version = 3; }, MQTT_ERR_INVALID_PROTOCOL_VERSION);
  refused([](mqtt_options_t& o) { o.url = "http://x"; }, MQTT_ERR_INVALID_URL);
  refused([](mqtt_options_t& o) { o.will_topic = "a/+"; }, MQTT_ERR_INVALID_TOPIC);
  refused(
      [](mqtt_options_t& o) {
        o.will_topic = "w";
        o.will_qos = 3;
      },
      MQTT_ERR_INVALID_QOS);
  options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = 1;
  options.reconnect = 0;
  options.loop = loop;
  mqtt_client_t* c = mqtt_create_client(&options);
  ASSERT_NE(c, nullptr);
  auto cb = [](mqtt_client_t*, const mqtt_event_t*, void*) {};
  EXPECT_EQ(mqtt_on(nullptr, MQTT_EVENT_CLOSE, cb, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mqtt_on(c, MQTT_EVENT_CLOSE, nullptr, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  // From C, where any int is a value of the enum (read as the C++ enum it was undefined).
  EXPECT_EQ(c_api_bad_events(c), 0);
  EXPECT_EQ(mqtt_off(nullptr, MQTT_EVENT_CLOSE, cb, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mqtt_subscribe(c, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mqtt_unsubscribe(c, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mqtt_publish(c, nullptr), MQTT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mqtt_close(nullptr), MQTT_ERR_INVALID_ARGUMENT);
  mqtt_destroy(nullptr);
  EXPECT_STREQ(mqtt_client_id(nullptr), "");

  struct Fails {
    int calls = 0, code = 0, error_events = 0, error_event_code = 0;
    std::string message;
  } fails;
  mqtt_fail_cb record = [](mqtt_client_t*, const mqtt_error_t* e, void* user) {
    auto* f = static_cast<Fails*>(user);
    ++f->calls;
    f->code = e->code;
    f->message = e->message;
  };
  // A bad argument is also an `error` event (API.md), whichever layer refuses it; none after
  // close.
  ASSERT_EQ(mqtt_on(c, MQTT_EVENT_ERROR,
                    [](mqtt_client_t*, const mqtt_event_t* e, void* user) {
                      auto* f = static_cast<Fails*>(user);
                      ++f->error_events;
                      f->error_event_code = e->error->code;
                    },
                    &fails),
            MQTT_ERR_OK);
  auto expect_fail = [&](int rc, int code) {
    EXPECT_EQ(rc, code);
    EXPECT_EQ(fails.calls, 1);
    EXPECT_EQ(fails.code, code);
    EXPECT_FALSE(fails.message.empty());
    EXPECT_EQ(fails.error_events, code == MQTT_ERR_CLOSED ? 0 : 1) << "code " << code;
    if (code != MQTT_ERR_CLOSED) {
      EXPECT_EQ(fails.error_event_code, code);
    }
    fails = Fails();
  };
  mqtt_subscribe_options_t sub{};
  sub.fail = record;
  sub.user = &fails;
  expect_fail(mqtt_subscribe(c, &sub), MQTT_ERR_MISSING_TOPIC);
  sub.topic = "";  // empty is missing, as in JavaScript
  expect_fail(mqtt_subscribe(c, &sub), MQTT_ERR_MISSING_TOPIC);
  sub.topic = "a/#/b";
  expect_fail(mqtt_subscribe(c, &sub), MQTT_ERR_INVALID_TOPIC_FILTER);
  sub.topic = "a";
  sub.qos = 3;
  expect_fail(mqtt_subscribe(c, &sub), MQTT_ERR_INVALID_QOS);
  sub.qos = -1;
  expect_fail(mqtt_subscribe(c, &sub), MQTT_ERR_INVALID_QOS);
  mqtt_unsubscribe_options_t unsub{};
  unsub.fail = record;
  unsub.user = &fails;
  expect_fail(mqtt_unsubscribe(c, &unsub), MQTT_ERR_MISSING_TOPIC);
  unsub.topic = "a/#/b";
  expect_fail(mqtt_unsubscribe(c, &unsub), MQTT_ERR_INVALID_TOPIC_FILTER);
  mqtt_publish_options_t pub{};
  pub.fail = record;
  pub.user = &fails;
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_MISSING_TOPIC);
  pub.topic = "a";
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_MISSING_MESSAGE);
  pub.message = "";
  pub.qos = 3;
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_INVALID_QOS);
  pub.qos = 0;
  pub.topic = "a/#";
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_INVALID_TOPIC);
  pub.topic = "\xc3\x28";
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_INVALID_UTF8);
  std::string long_topic(65536, 'a');
  pub.topic = long_topic.c_str();
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_TOPIC_TOO_LONG);

  EXPECT_EQ(mqtt_close(c), MQTT_ERR_OK);
  EXPECT_EQ(mqtt_close(c), MQTT_ERR_CLOSED);
  pub.topic = "a";
  expect_fail(mqtt_publish(c, &pub), MQTT_ERR_CLOSED);
  mqtt_destroy(c);
  mqtt_loop_destroy(loop);
}

// The C listener registry follows the C++ and JavaScript rule: a delivery calls the listeners
// present when it began, even those removed meanwhile; those added meanwhile from the next
// event on; a `once` listener once, even when a listener runs a nested delivery of that event.
struct Registry {
  c_api::Listeners listeners;
  std::vector<std::string> calls;
  std::function<void(const std::string&)> during;  // what a listener does when called
};

template <char Name>
void record_call(mqtt_client_t*, const mqtt_event_t*, void* user) {
  auto* r = static_cast<Registry*>(user);
  r->calls.push_back(std::string(1, Name));
  if (r->during) r->during(std::string(1, Name));
}

TEST(CApi, ListenersPresentWhenAnEventBeganAreCalledEvenIfRemovedMeanwhile) {
  Registry r;
  mqtt_event_t message{};
  message.type = MQTT_EVENT_MESSAGE;
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'a'>, &r, false), MQTT_ERR_OK);
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'b'>, &r, false), MQTT_ERR_OK);
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'c'>, &r, true), MQTT_ERR_OK);
  r.during = [&](const std::string& name) {
    if (name != "a") return;
    r.listeners.remove(MQTT_EVENT_MESSAGE, record_call<'b'>, &r);
    r.listeners.remove(MQTT_EVENT_MESSAGE, record_call<'c'>, &r);
    r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'d'>, &r, false);
  };
  r.listeners.emit(nullptr, message);
  EXPECT_EQ(r.calls, (std::vector<std::string>{"a", "b", "c"}));
  r.calls.clear();
  r.during = nullptr;
  r.listeners.emit(nullptr, message);
  EXPECT_EQ(r.calls, (std::vector<std::string>{"a", "d"}));
}

TEST(CApi, OnceListenerRunsOnceAcrossNestedDeliveries) {
  Registry r;
  mqtt_event_t message{};
  message.type = MQTT_EVENT_MESSAGE;
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'a'>, &r, false), MQTT_ERR_OK);
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'o'>, &r, true), MQTT_ERR_OK);
  ASSERT_EQ(r.listeners.add(MQTT_EVENT_MESSAGE, record_call<'b'>, &r, false), MQTT_ERR_OK);
  bool first = true;
  r.during = [&](const std::string& name) {
    if (name != "a") return;
    // The outer `a` runs the loop, which delivers the next message inside this delivery; there,
    // `a` removes `b`, which that inner delivery (begun with it) still calls, as the outer one.
    if (first) {
      first = false;
      r.listeners.emit(nullptr, message);
    } else {
      r.listeners.remove(MQTT_EVENT_MESSAGE, record_call<'b'>, &r);
    }
  };
  r.listeners.emit(nullptr, message);
  // `o` left the registry when the outer delivery began (as in the C++ API): that delivery calls
  // it, the inner one does not; and no later one.
  EXPECT_EQ(r.calls, (std::vector<std::string>{"a", "a", "b", "o", "b"}));
  r.calls.clear();
  r.listeners.emit(nullptr, message);
  EXPECT_EQ(r.calls, (std::vector<std::string>{"a"}));
}

// What C reads of an MQTT 5 message's properties and of an error: NUL-terminated strings that
// outlive the core's views (valid during the callback), NULL where the broker sent nothing.
TEST(CApi, PropertiesAndReasonStringAsCReadsThem) {
  const char wire[] = "text/plainreplykeyvaluek2v2why";  // one buffer, no NULs: views into it
  std::string_view all(wire);
  const uint8_t correlation[] = {0, 1, 0};
  Properties in;
  in.payload_format_indicator = uint8_t{1};
  in.message_expiry_interval = 30u;
  in.content_type = all.substr(0, 10);
  in.response_topic = all.substr(10, 5);
  in.correlation_data = Bytes(correlation, sizeof correlation);
  in.user_properties = {{all.substr(15, 3), all.substr(18, 5)}, {all.substr(23, 2), all.substr(25, 2)}};
  c_api::CProperties c(in);
  const mqtt_properties_t* p = c.get();
  EXPECT_TRUE(p->has_payload_format_indicator);
  EXPECT_EQ(p->payload_format_indicator, 1);
  EXPECT_TRUE(p->has_message_expiry_interval);
  EXPECT_EQ(p->message_expiry_interval, 30u);
  EXPECT_STREQ(p->content_type, "text/plain");
  EXPECT_STREQ(p->response_topic, "reply");
  ASSERT_EQ(p->correlation_data_len, 3u);
  EXPECT_EQ(memcmp(p->correlation_data, correlation, 3), 0);
  ASSERT_EQ(p->user_properties_len, 2u);
  EXPECT_STREQ(p->user_properties[0].key, "key");
  EXPECT_STREQ(p->user_properties[0].value, "value");
  EXPECT_STREQ(p->user_properties[1].key, "k2");
  EXPECT_STREQ(p->user_properties[1].value, "v2");

  c_api::CProperties none{Properties()};
  EXPECT_FALSE(none.get()->has_payload_format_indicator);
  EXPECT_FALSE(none.get()->has_message_expiry_interval);
  EXPECT_EQ(none.get()->content_type, nullptr);
  EXPECT_EQ(none.get()->response_topic, nullptr);
  EXPECT_EQ(none.get()->correlation_data, nullptr);
  EXPECT_EQ(none.get()->user_properties, nullptr);
  EXPECT_EQ(none.get()->user_properties_len, 0u);

  c_api::CError with(MQTT_ERR_PUBLISH_REFUSED, "refused", 0x87, all.substr(27, 3));
  EXPECT_STREQ(with.error.reason_string, "why");
  EXPECT_EQ(with.error.reason_code, 0x87);
  c_api::CError without(MQTT_ERR_PUBLISH_REFUSED, "refused", 0x87, {});
  EXPECT_EQ(without.error.reason_string, nullptr);
}

// A refused request: non-zero, its fail once, and one `error` event with the same code (the
// contract's "error: ... a bad argument"); the generated client id follows the contract.
TEST(Requests, RefusedRequestIsAlsoOneErrorEvent) {
  Loop loop;
  auto client = offline_client(loop);
  ASSERT_NE(client, nullptr);
  const std::string id = client->client_id();
  EXPECT_EQ(id.size(), 23u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            std::string::npos)
      << id;
  std::vector<ErrorCode> events, fails;
  client->on("error", [&](const ErrorInfo& e) { events.push_back(e.code); });
  EXPECT_EQ(client->publish({"a/+", "x", 0, nullptr,
                             [&](const ErrorInfo& e) { fails.push_back(e.code); }}),
            static_cast<int>(ErrorCode::invalid_topic));
  EXPECT_EQ(fails, std::vector<ErrorCode>{ErrorCode::invalid_topic});
  EXPECT_EQ(events, std::vector<ErrorCode>{ErrorCode::invalid_topic});
  // Refused by this layer (the Engine never sees it): answered the same way.
  PublishOptions no_message;
  no_message.topic = "a";
  no_message.fail = [&](const ErrorInfo& e) { fails.push_back(e.code); };
  EXPECT_EQ(client->publish(no_message), static_cast<int>(ErrorCode::missing_message));
  EXPECT_EQ(fails, (std::vector<ErrorCode>{ErrorCode::invalid_topic, ErrorCode::missing_message}));
  EXPECT_EQ(events, (std::vector<ErrorCode>{ErrorCode::invalid_topic, ErrorCode::missing_message}));
}

}  // namespace
}  // namespace mqtt::test
