// Engine: options, CONNECT contents, connect timeout, CONNACK refusals, failover, back-off.
#include <gtest/gtest.h>

#include <cctype>

#include "session/backoff.h"
#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

TEST(EngineConnect, SendsConnectWithTheOptionsAndCompletesOnConnack) {
  ClientOptions o = basic_options();
  o.keepalive_interval = 30;
  o.username = std::string("user");
  o.password = std::string("secret");
  Harness h(o);
  ASSERT_EQ(h.engine->connect(7), ErrorCode::ok);
  ASSERT_EQ(h.host.opens.size(), 1u);
  EXPECT_EQ(h.host.opens[0].host, "broker.test");
  EXPECT_EQ(h.host.opens[0].effective_port(), 1883);
  EXPECT_EQ(h.engine->state(), State::connecting);
  h.expect_nothing();  // CONNECT waits for the transport
  h.engine->on_open();
  Connect c = h.expect<Connect>();
  EXPECT_EQ(c.client_id, "tester");
  EXPECT_EQ(c.keep_alive, 30);
  EXPECT_TRUE(c.clean_start);
  ASSERT_TRUE(c.username);
  EXPECT_EQ(*c.username, "user");
  ASSERT_TRUE(c.password);
  EXPECT_EQ(c.password.value.as_string(), "secret");
  EXPECT_EQ(h.events.count(7), 0u);
  h.connack();
  EXPECT_EQ(h.engine->state(), State::connected);
  EXPECT_EQ(h.events.log, (std::vector<std::string>{"connect", "complete:7:ok"}));
}

TEST(EngineConnect, GeneratesAClientIdWhenEmpty) {
  ClientOptions o = basic_options();
  o.client_id.clear();
  Harness h(o);
  h.engine->connect(1);
  std::string id(h.engine->client_id());
  ASSERT_EQ(id.size(), 23u);
  for (char ch : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << id;
  h.engine->on_open();
  EXPECT_EQ(h.expect<Connect>().client_id, id);
  Harness other(o);  // another random sequence, another id
  other.host.rng = 12345;
  other.engine->connect(1);
  EXPECT_NE(other.engine->client_id(), id);
}

// A build without URL parsing refuses every url (MQTT_CONFIG_URL=0).
constexpr ErrorCode kBadUrl = MQTT_CONFIG_URL ? ErrorCode::invalid_url : ErrorCode::not_supported;

struct BadOption {
  const char* name;
  void (*apply)(ClientOptions&);
  ErrorCode expected;
};

class EngineConnectInvalid : public ::testing::TestWithParam<BadOption> {};

TEST_P(EngineConnectInvalid, FailsSynchronouslyWithOneCompletion) {
  ClientOptions o = basic_options();
  GetParam().apply(o);
  EXPECT_EQ(validate_options(o), GetParam().expected);
  Harness h(o);
  bool returned = false;
  h.events.complete_hook = [&](Token, const Error&) { EXPECT_FALSE(returned) << "completed after returning"; };
  ErrorCode rc = h.engine->connect(3);
  returned = true;
  EXPECT_EQ(rc, GetParam().expected);
  EXPECT_EQ(h.events.count(3), 1u);
  EXPECT_EQ(h.events.result(3), GetParam().expected);
  EXPECT_TRUE(h.host.opens.empty());
}

INSTANTIATE_TEST_SUITE_P(
    EngineOptions, EngineConnectInvalid,
    ::testing::Values(
        BadOption{"missing_host", [](ClientOptions& o) { o.host.clear(); }, ErrorCode::missing_host},
        BadOption{"port_high", [](ClientOptions& o) { o.port = 65536; }, ErrorCode::invalid_port},
        BadOption{"port_negative", [](ClientOptions& o) { o.port = -1; }, ErrorCode::invalid_port},
        BadOption{"keepalive", [](ClientOptions& o) { o.keepalive_interval = 65536; }, ErrorCode::invalid_keepalive},
        BadOption{"keepalive_negative", [](ClientOptions& o) { o.keepalive_interval = -1; },
                  ErrorCode::invalid_keepalive},
        BadOption{"version", [](ClientOptions& o) { o.protocol_version = 3; }, ErrorCode::invalid_protocol_version},
        BadOption{"url", [](ClientOptions& o) { o.url = "http://broker"; }, kBadUrl},
        BadOption{"server_url", [](ClientOptions& o) { o.servers = {"broker:1883"}; }, kBadUrl},
        BadOption{"client_id_utf8", [](ClientOptions& o) { o.client_id = "bad\xff"; }, ErrorCode::invalid_client_id},
        BadOption{"will_topic",
                  [](ClientOptions& o) {
                    WillOptions w;
                    w.topic = "a/#";
                    o.will = w;
                  },
                  ErrorCode::invalid_topic},
        BadOption{"will_qos",
                  [](ClientOptions& o) {
                    WillOptions w;
                    w.topic = "a";
                    w.qos = 3;
                    o.will = w;
                  },
                  ErrorCode::invalid_qos}),
    [](const ::testing::TestParamInfo<BadOption>& info) { return std::string(info.param.name); });

TEST(EngineConnect, UrlAndDefaultPorts) {
  if (!MQTT_CONFIG_URL) GTEST_SKIP() << "built without URL parsing (MQTT_CONFIG_URL=0)";
  Endpoint e;
  ASSERT_TRUE(parse_url("wss://example.org/ws", e));
  EXPECT_EQ(e.scheme, Scheme::wss);
  EXPECT_EQ(e.effective_port(), 443);
  EXPECT_EQ(e.path, "/ws");
  ASSERT_TRUE(parse_url("mqtt://[::1]:1884", e));
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 1884);
  ASSERT_TRUE(parse_url("mqtts://h", e));
  EXPECT_EQ(e.effective_port(), 8883);
  ASSERT_TRUE(parse_url("ws://h:8080", e));
  EXPECT_EQ(e.path, "/mqtt");
  EXPECT_FALSE(parse_url("mqtt://:1883", e));
  EXPECT_FALSE(parse_url("mqtt://h:0", e));
  EXPECT_FALSE(parse_url("mqtt://h:65536", e));
  EXPECT_FALSE(parse_url("mqtt://h:x", e));
  EXPECT_FALSE(parse_url("mqtt://[::1", e));
  EXPECT_FALSE(parse_url("h:1883", e));
}

TEST(EngineConnect, WithoutUrlParsingUrlOptionsAreNotSupported) {
  if (MQTT_CONFIG_URL) GTEST_SKIP() << "built with URL parsing";
  Endpoint e;
  EXPECT_FALSE(parse_url("mqtt://broker.test:1883", e));
  ClientOptions o = basic_options();
  o.url = "mqtt://broker.test:1883";
  EXPECT_EQ(validate_options(o), ErrorCode::not_supported);
  o = basic_options();
  o.servers = {"mqtt://second.test"};
  Harness h(o);
  EXPECT_EQ(h.engine->connect(1), ErrorCode::not_supported);
  EXPECT_EQ(h.events.result(1), ErrorCode::not_supported);
}

TEST(EngineConnect, SecondConnectIsBusyAndCallsAfterCloseReturnClosed) {
  Harness h(basic_options());
  h.connect_ok();
  EXPECT_EQ(h.engine->connect(2), ErrorCode::busy);
  EXPECT_EQ(h.events.result(2), ErrorCode::busy);
  EXPECT_EQ(h.engine->close(), ErrorCode::ok);
  EXPECT_EQ(h.engine->close(), ErrorCode::closed);
  EXPECT_EQ(h.engine->connect(3), ErrorCode::closed);
  EXPECT_EQ(h.engine->publish(make_publish("t", "x"), 4), ErrorCode::closed);
  // No event follows close; each later call still gets its own `fail`, exactly once.
  EXPECT_EQ(h.events.result(3), ErrorCode::closed);
  EXPECT_EQ(h.events.result(4), ErrorCode::closed);
  EXPECT_EQ(h.events.count(4), 1u);
  EXPECT_EQ(h.events.after_close, 0u);
}

TEST(EngineConnect, ConnectTimeoutFailsTheTokenThenRetries) {
  ClientOptions o = basic_options();
  o.connect_timeout_ms = 5000;
  o.reconnect_min_ms = 1000;
  Harness h(o);
  h.engine->connect(1);
  EXPECT_EQ(h.host.wake, 5000u);
  h.advance(4999);
  EXPECT_EQ(h.events.count(1), 0u);
  h.advance(1);
  EXPECT_EQ(h.host.closes, 1u);
  EXPECT_EQ(h.events.result(1), ErrorCode::connect_timeout);
  EXPECT_EQ(h.engine->state(), State::waiting);
  h.advance(999);
  EXPECT_EQ(h.host.opens.size(), 1u);
  h.advance(1);
  EXPECT_EQ(h.host.opens.size(), 2u);
  // Transport up but no CONNACK: the same timeout applies.
  h.engine->on_open();
  h.advance(5000);
  EXPECT_EQ(h.host.closes, 2u);
  EXPECT_EQ(h.events.count(1), 1u);  // the token completed once only
  EXPECT_TRUE(h.events.events().empty());
}

struct RefusalCase {
  int version;
  uint8_t code;
  ErrorCode expected;
  bool permanent;
  bool credentials;
};

class EngineConnectRefusal : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(EngineConnectRefusal, FailsTheTokenAndRetriesAsTheCodeSays) {
  const RefusalCase& rc = GetParam();
  if (rc.version == 5) MQTT_TEST_REQUIRES_V5();
  ClientOptions o = basic_options(rc.version);
  o.reconnect_min_ms = 1000;
  o.refused_retry_ms = 60000;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(false, rc.code);
  EXPECT_EQ(h.host.closes, 1u);
  ASSERT_EQ(h.events.count(1), 1u);
  EXPECT_EQ(h.events.completions[1][0].code, rc.expected);
  EXPECT_EQ(h.events.completions[1][0].reason_code, rc.code);
  ASSERT_FALSE(h.events.errors.empty());
  EXPECT_EQ(h.events.errors[0].code, rc.expected);
  if (rc.permanent) {
    EXPECT_EQ(h.engine->state(), State::closed);
    EXPECT_EQ(h.events.events().back(), "close");
    h.advance(3600000);
    EXPECT_EQ(h.host.opens.size(), 1u);
    return;
  }
  uint64_t retry = rc.credentials ? 60000 : 1000;
  h.advance(retry - 1);
  EXPECT_EQ(h.host.opens.size(), 1u) << "retried too early";
  h.advance(1);
  EXPECT_EQ(h.host.opens.size(), 2u);
  // Refused again: still never faster than the refused-retry delay.
  h.engine->on_open();
  h.next_sent = h.host.sent.size();
  h.connack(false, rc.code);
  h.advance(rc.credentials ? 59999 : 1999);
  EXPECT_EQ(h.host.opens.size(), 2u);
  EXPECT_EQ(h.events.count(1), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    EngineCodes, EngineConnectRefusal,
    ::testing::Values(RefusalCase{4, 1, ErrorCode::connection_refused, true, false},
                      RefusalCase{4, 2, ErrorCode::connection_refused, true, false},
                      RefusalCase{4, 3, ErrorCode::connection_refused, false, false},
                      RefusalCase{4, 4, ErrorCode::not_authorized, false, true},
                      RefusalCase{4, 5, ErrorCode::not_authorized, false, true},
                      RefusalCase{5, 0x84, ErrorCode::connection_refused, true, false},
                      RefusalCase{5, 0x85, ErrorCode::connection_refused, true, false},
                      RefusalCase{5, 0x86, ErrorCode::not_authorized, false, true},
                      RefusalCase{5, 0x87, ErrorCode::not_authorized, false, true},
                      RefusalCase{5, 0x8A, ErrorCode::not_authorized, false, true},
                      RefusalCase{5, 0x8C, ErrorCode::not_authorized, false, true},
                      RefusalCase{5, 0x88, ErrorCode::connection_refused, false, false},
                      RefusalCase{5, 0x89, ErrorCode::connection_refused, false, false}),
    [](const ::testing::TestParamInfo<RefusalCase>& info) {
      return "v" + std::to_string(info.param.version) + "_code" + std::to_string(info.param.code);
    });

TEST(EngineConnect, FailsOverToTheSecondServer) {
  if (!MQTT_CONFIG_URL) GTEST_SKIP() << "built without URL parsing (MQTT_CONFIG_URL=0)";
  ClientOptions o = basic_options();
  o.servers = {"mqtt://second.test:1884"};
  Harness h(o);
  h.engine->connect(1);
  ASSERT_EQ(h.host.opens.size(), 1u);
  h.engine->on_closed(ErrorCode::connect_failed);
  ASSERT_EQ(h.host.opens.size(), 2u) << "the next server is tried at once";
  EXPECT_EQ(h.host.opens[1].host, "second.test");
  EXPECT_EQ(h.host.opens[1].port, 1884);
  EXPECT_EQ(h.events.count(1), 0u) << "not a failure while a server is left to try";
  h.open_and_connack();
  EXPECT_EQ(h.events.log, (std::vector<std::string>{"connect", "complete:1:ok"}));
  // Lost later: reconnection starts with the server that worked.
  h.drop_and_reopen();
  EXPECT_EQ(h.host.opens.back().host, "second.test");
}

TEST(EngineConnect, AllServersFailingCompletesTheTokenOnceThenBacksOff) {
  if (!MQTT_CONFIG_URL) GTEST_SKIP() << "built without URL parsing (MQTT_CONFIG_URL=0)";
  ClientOptions o = basic_options();
  o.servers = {"mqtt://second.test"};
  o.reconnect_min_ms = 500;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_closed(ErrorCode::connect_failed);
  h.engine->on_closed(ErrorCode::dns_failed);
  EXPECT_EQ(h.events.result(1), ErrorCode::dns_failed);
  EXPECT_EQ(h.host.opens.size(), 2u);
  h.advance(500);
  ASSERT_EQ(h.host.opens.size(), 3u);
  EXPECT_EQ(h.host.opens[2].host, "broker.test");
  EXPECT_EQ(h.events.count(1), 1u);
}

TEST(EngineConnect, NoReconnectGivesUpAfterTheFirstFailure) {
  ClientOptions o = basic_options();
  o.reconnect = false;
  Harness h(o);
  h.engine->publish(make_publish("t", "x", 1), 5);
  h.engine->connect(1);
  h.engine->on_closed(ErrorCode::connect_failed);
  EXPECT_EQ(h.events.result(1), ErrorCode::connect_failed);
  EXPECT_EQ(h.events.result(5), ErrorCode::closed);
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"close"}));
  EXPECT_EQ(h.engine->state(), State::closed);
}

TEST(EngineConnect, RefusedCredentialsOnEveryServerWaitTheRefusedRetryDelay) {
  if (!MQTT_CONFIG_URL) GTEST_SKIP() << "built without URL parsing (MQTT_CONFIG_URL=0)";
  ClientOptions o = basic_options();
  o.servers = {"mqtt://second.test"};
  o.reconnect_min_ms = 100;
  o.refused_retry_ms = 30000;
  Harness h(o);
  h.engine->connect(1);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(false, 5);
  ASSERT_EQ(h.host.opens.size(), 2u) << "another server may accept these credentials";
  EXPECT_EQ(h.events.count(1), 0u);
  h.engine->on_open();
  h.expect<Connect>();
  h.connack(false, 4);
  EXPECT_EQ(h.events.result(1), ErrorCode::not_authorized);
  h.advance(29999);
  EXPECT_EQ(h.host.opens.size(), 2u);
  h.advance(1);
  EXPECT_EQ(h.host.opens.size(), 3u);
}

TEST(EngineConnect, NoReconnectAfterAnEstablishedConnectionIsLost) {
  ClientOptions o = basic_options();
  o.reconnect = false;
  Harness h(o);
  h.connect_ok();
  h.engine->publish(make_publish("t", "x", 1), 2);
  h.engine->on_closed(ErrorCode::connection_lost);
  EXPECT_EQ(h.events.events(), (std::vector<std::string>{"connect", "disconnect:connection_lost", "close"}));
  EXPECT_EQ(h.events.result(2), ErrorCode::closed);
  h.advance(3600000);
  EXPECT_EQ(h.host.opens.size(), 1u);
}

TEST(EngineConnect, BackoffDoublesToTheCapWithJitterInBounds) {
  ClientOptions o = basic_options();
  o.reconnect_min_ms = 1000;
  o.reconnect_max_ms = 8000;
  o.reconnect_jitter_percent = 20;
  Harness h(o);
  h.engine->connect(1);
  const uint64_t base[] = {1000, 2000, 4000, 8000, 8000, 8000};
  for (uint64_t b : base) {
    uint64_t failed_at = h.host.now;
    size_t opens = h.host.opens.size();
    h.engine->on_closed(ErrorCode::connect_failed);
    ASSERT_NE(h.host.wake, kNever);
    uint64_t delay = h.host.wake - failed_at;
    EXPECT_GE(delay, b - b / 5) << "base " << b;
    EXPECT_LE(delay, std::min<uint64_t>(b + b / 5, 8000)) << "base " << b;
    h.advance(delay);
    ASSERT_EQ(h.host.opens.size(), opens + 1);
  }
  // A successful CONNACK starts the sequence again.
  h.open_and_connack();
  uint64_t lost_at = h.host.now;
  h.engine->on_closed(ErrorCode::connection_lost);
  EXPECT_LE(h.host.wake - lost_at, 1200u);
}

TEST(EngineSessionUnits, BackoffSequenceExactWithoutJitter) {
  session::Backoff b;
  b.configure(100, 1000, 0);
  const uint32_t expected[] = {100, 200, 400, 800, 1000, 1000};
  for (uint32_t e : expected) EXPECT_EQ(b.next(12345), e);
  b.reset();
  EXPECT_EQ(b.next(0), 100u);
  b.configure(1000, 30000, 50);
  b.reset();
  EXPECT_EQ(b.next(0), 500u);     // lowest jitter
  b.reset();
  EXPECT_EQ(b.next(1000), 1500u);  // 1000 % 1001 = 1000: highest
}

// Backoff::next() computes in 32 bits (no 64-bit division on a microcontroller): the same delays
// as the plain 64-bit formula, also for delays near the top of the 32-bit range.
TEST(EngineSessionUnits, BackoffMatchesTheWideFormulaAtTheLimits) {
  struct Case {
    uint32_t min, max, jitter;
  };
  const Case cases[] = {{1000, 30000, 20},       {1, 1, 100},         {3000000000u, 4294967295u, 100},
                        {2147483647u, 4294967295u, 37}, {99, 4294967295u, 100}, {4294967295u, 4294967295u, 1}};
  const uint32_t randoms[] = {0, 1, 12345, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
  for (const Case& c : cases) {
    for (uint32_t random : randoms) {
      session::Backoff b;
      b.configure(c.min, c.max, c.jitter);
      uint64_t base = c.min;
      for (uint32_t attempt = 0; attempt < 40; ++attempt) {
        uint64_t span = base * c.jitter / 100;
        uint64_t delay = span ? base - span + random % (2 * span + 1) : base;
        if (delay > c.max) delay = c.max;
        ASSERT_EQ(b.next(random), delay) << c.min << " " << c.max << " " << c.jitter << " " << random;
        base = base * 2 > c.max ? c.max : base * 2;
      }
    }
  }
}

}  // namespace
}  // namespace mqtt::test
