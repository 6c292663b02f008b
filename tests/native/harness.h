// Test clients on a Loop run by the test's own thread: every event is recorded, and the test
// waits on states with loop.run_until(...), never on time.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "broker.h"
#include "mqtt/client.h"

namespace mqtt::test {

struct Received {
  std::string topic;
  std::vector<uint8_t> payload;
  int qos = 0;
  bool retain = false;
  bool dup = false;
  std::vector<std::pair<std::string, std::string>> user_properties;
  bool has_expiry = false;
  uint32_t expiry = 0;
  std::string content_type;
};

struct Recorder {
  std::shared_ptr<Client> client;
  std::vector<std::string> events;  // "connect", "disconnect", ... in order
  std::vector<Received> messages;
  std::vector<ErrorInfo> errors;
  std::vector<ErrorInfo> disconnects;
  bool connected = false;  // success called
  bool failed = false;     // fail called
  ErrorInfo failure;
  int count(const std::string& event) const {
    int n = 0;
    for (auto& e : events) n += e == event;
    return n;
  }
};

// A fixture whose tests share one Mosquitto, started for the suite (ctest runs each test in a
// process of its own, so each gets a fresh one there).
class SharedBroker : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { broker_ = new Broker(); }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(broker_ && broker_->running()) << "mosquitto did not start"; }
  static inline Broker* broker_ = nullptr;
};

inline Options base_options(Loop& loop, uint16_t port, const std::string& id = "") {
  Options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.client_id = id;
  o.loop = &loop;
  o.reconnect_min_ms = 100;
  o.reconnect_max_ms = 500;
  return o;
}

inline std::unique_ptr<Recorder> make_client(Options options) {
  auto r = std::make_unique<Recorder>();
  Recorder* raw = r.get();
  options.success = [raw] { raw->connected = true; };
  options.fail = [raw](const ErrorInfo& e) {
    raw->failed = true;
    raw->failure = e;
  };
  r->client = createClient(options);
  if (!r->client) return r;
  for (const char* name : {"connect", "reconnect", "close"}) {
    std::string event = name;
    r->client->on(name, [raw, event] { raw->events.push_back(event); });
  }
  r->client->on("disconnect", [raw](const ErrorInfo& e) {
    raw->events.push_back("disconnect");
    raw->disconnects.push_back(e);
  });
  r->client->on("error", [raw](const ErrorInfo& e) {
    raw->events.push_back("error");
    raw->errors.push_back(e);
  });
  r->client->on("message", [raw](const std::string& topic, const std::vector<uint8_t>& payload,
                                 const Message& info) {
    Received m;
    m.topic = topic;
    m.payload = payload;
    m.qos = info.qos;
    m.retain = info.retain;
    m.dup = info.dup;
    if (info.properties) {
      for (auto& p : info.properties->user_properties)
        m.user_properties.emplace_back(p.key, p.value);
      m.has_expiry = info.properties->message_expiry_interval.present;
      m.expiry = info.properties->message_expiry_interval.value;
      if (info.properties->content_type)
        m.content_type = std::string(*info.properties->content_type);
    }
    raw->messages.push_back(std::move(m));
  });
  return r;
}

// Subscribes and waits for the SUBACK.
inline bool subscribe_and_wait(Loop& loop, Recorder& r, const std::string& topic, int qos,
                               int timeout_ms = 5000) {
  bool done = false, ok = false;
  SubscribeOptions s(
      topic, qos, [&] { done = ok = true; }, [&](const ErrorInfo&) { done = true; });
  if (r.client->subscribe(s) != 0) return false;
  return loop.run_until([&] { return done; }, timeout_ms) && ok;
}

// Publishes and waits for success.
inline bool publish_and_wait(Loop& loop, Recorder& r, PublishOptions p, int timeout_ms = 5000) {
  bool done = false, ok = false;
  p.success = [&] { done = ok = true; };
  p.fail = [&](const ErrorInfo&) { done = true; };
  if (r.client->publish(p) != 0) return false;
  return loop.run_until([&] { return done; }, timeout_ms) && ok;
}

inline std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace mqtt::test
