// Engine: heap bytes held by one idle connected client (the per-client memory of a host that
// runs thousands of them). operator new is replaced for this test binary to count live bytes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "mqtt/engine.h"

namespace {

std::atomic<long> live_bytes{0};
constexpr size_t kHeader = alignof(std::max_align_t);  // keeps the caller's block aligned

void* counted_alloc(size_t size) {
  void* block = std::malloc(size + kHeader);
  if (!block) throw std::bad_alloc();
  *static_cast<size_t*>(block) = size;
  live_bytes += static_cast<long>(size);
  return static_cast<char*>(block) + kHeader;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  void* block = static_cast<char*>(p) - kHeader;
  live_bytes -= static_cast<long>(*static_cast<size_t*>(block));
  std::free(block);
}

}  // namespace

void* operator new(size_t size) { return counted_alloc(size); }
void* operator new[](size_t size) { return counted_alloc(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  void* block = std::malloc(size + kHeader);
  if (!block) return nullptr;
  *static_cast<size_t*>(block) = size;
  live_bytes += static_cast<long>(size);
  return static_cast<char*>(block) + kHeader;
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace mqtt::test {
namespace {

// A host that allocates nothing, so every byte counted is the engine's. Its clock is manual; it
// keeps the first byte of the last packet sent.
class SilentHost : public Host {
 public:
  void open(const Endpoint&) override {}
  void send(const uint8_t* data, size_t size) override { last_sent = size ? data[0] : 0; }
  void close() override {}
  uint64_t now_ms() override { return now; }
  void wake_at(uint64_t) override {}
  uint32_t random() override { return seed_ = seed_ * 1664525u + 1013904223u; }

  uint64_t now = 0;
  uint8_t last_sent = 0;

 private:
  uint32_t seed_ = 1;
};

class NoEvents : public Events {};

// Bytes held by an engine connected with `options`, after the CONNACK, after a QoS 0 publish of
// `published` bytes if not 0, and after a PINGREQ if `pinged` (a keep-alive of silence on the
// manual clock).
long idle_engine_bytes(ClientOptions options, bool v5, bool pinged = false, size_t published = 0) {
  SilentHost host;
  NoEvents events;
  const uint64_t keepalive_ms = uint64_t(options.keepalive_interval) * 1000;
  const std::vector<uint8_t> payload(published, 0x5A);
  long before = live_bytes;
  {
    Engine engine(host, events, std::move(options));
    EXPECT_EQ(engine.connect(1), ErrorCode::ok);
    engine.on_open();
    const uint8_t connack_v311[] = {0x20, 0x02, 0x00, 0x00};
    const uint8_t connack_v5[] = {0x20, 0x03, 0x00, 0x00, 0x00};
    if (v5) engine.on_bytes(connack_v5, sizeof connack_v5);
    else engine.on_bytes(connack_v311, sizeof connack_v311);
    EXPECT_EQ(engine.state(), State::connected);
    if (published != 0) {
      PublishRequest r;
      r.topic = "t";
      r.payload = Bytes(payload.data(), payload.size());
      EXPECT_EQ(engine.publish(r, 2), ErrorCode::ok);
      EXPECT_EQ(host.last_sent, 0x30);  // PUBLISH, QoS 0
    }
    if (pinged) {
      host.now = keepalive_ms;
      engine.on_wake();
      EXPECT_EQ(host.last_sent, 0xC0);  // PINGREQ
    }
    long held = live_bytes - before;
    engine.close();
    return held;
  }
}

ClientOptions typical_options(int version) {
  ClientOptions o;
  o.host = "127.0.0.1";
  o.port = 1883;
  o.protocol_version = version;
  return o;  // generated client id, default limits
}

// The bound is what the engine holds today plus a little slack for another standard library:
// it fails when an idle client grows again (options kept whole, tables reserved up front).
constexpr long kIdleBudget = 700;

TEST(EngineMemory, AnIdleConnectedClientHoldsLittleHeap) {
  long v311 = idle_engine_bytes(typical_options(4), false);
  std::printf("idle connected engine, 3.1.1: %ld heap bytes\n", v311);
  EXPECT_LE(v311, kIdleBudget);
#if MQTT_CONFIG_V5
  long v5 = idle_engine_bytes(typical_options(5), true);
  std::printf("idle connected engine, 5.0: %ld heap bytes\n", v5);
  EXPECT_LE(v5, kIdleBudget);
#endif
}

// Every idle client pings once a keep-alive: the PINGREQ must not leave a buffer behind.
TEST(EngineMemory, APingLeavesNoBufferBehind) {
  EXPECT_LE(idle_engine_bytes(typical_options(4), false, true), idle_engine_bytes(typical_options(4), false));
#if MQTT_CONFIG_V5
  EXPECT_LE(idle_engine_bytes(typical_options(5), true, true), idle_engine_bytes(typical_options(5), true));
#endif
}

// Nor does a QoS 0 publish: a client quiet for a keep-alive keeps no buffer of it.
TEST(EngineMemory, AQuietClientKeepsNoBufferOfItsLastPublish) {
  const long idle = idle_engine_bytes(typical_options(4), false);
  EXPECT_GT(idle_engine_bytes(typical_options(4), false, false, 16384), idle + 16384);
  EXPECT_LE(idle_engine_bytes(typical_options(4), false, true, 16384), idle);
}

TEST(EngineMemory, ClosingReleasesEverything) {
  SilentHost host;
  NoEvents events;
  long before = live_bytes;
  {
    ClientOptions o = typical_options(4);
    o.username = std::string("a-user-name-longer-than-any-small-string");
    o.servers = {"mqtt://backup.example:1884", "mqtt://other.example:1885"};
    Engine engine(host, events, std::move(o));
    engine.connect(1);
  }
  EXPECT_EQ(live_bytes - before, 0);
}

// Bytes an engine still holds after close(), having first been used (if `busy`): subscriptions
// granted, incoming QoS 2 held until PUBREL, a publish in flight, requests queued, a partial
// packet buffered, a QoS 0 publish encoded. A closed engine may be kept by its host until the
// application lets go of it: it must hold no more than one that never did anything.
long closed_engine_bytes(bool v5, bool busy) {
  SilentHost host;
  NoEvents events;
  long before = live_bytes;
  ClientOptions o = typical_options(v5 ? 5 : 4);
  o.max_inflight = 1;
  o.topic_alias_maximum = 4;
  Engine engine(host, events, std::move(o));
  EXPECT_EQ(engine.connect(1), ErrorCode::ok);
  engine.on_open();
  const uint8_t connack_v311[] = {0x20, 0x02, 0x00, 0x00};
  const uint8_t connack_v5[] = {0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x04};  // topic alias maximum 4
  if (v5) engine.on_bytes(connack_v5, sizeof connack_v5);
  else engine.on_bytes(connack_v311, sizeof connack_v311);
  EXPECT_EQ(engine.state(), State::connected);
  if (busy) {
    const std::string filters[] = {"sensors/+/temperature/with/a/long/filter", "b/#", "c/d/e/f/g/h"};
    Token token = 2;
    for (uint16_t id = 1; id <= 3; ++id) {
      SubscribeRequest s;
      s.topic = filters[id - 1];
      EXPECT_EQ(engine.subscribe(s, token++), ErrorCode::ok);
      const uint8_t suback_v311[] = {0x90, 0x03, 0x00, static_cast<uint8_t>(id), 0x00};
      const uint8_t suback_v5[] = {0x90, 0x04, 0x00, static_cast<uint8_t>(id), 0x00, 0x00};
      if (v5) engine.on_bytes(suback_v5, sizeof suback_v5);
      else engine.on_bytes(suback_v311, sizeof suback_v311);
    }
    for (uint8_t id = 1; id <= 20; ++id) {  // QoS 2 messages the broker never releases
      const uint8_t v311[] = {0x34, 0x05, 0x00, 0x01, 't', 0x00, id};
      const uint8_t v5msg[] = {0x34, 0x06, 0x00, 0x01, 't', 0x00, id, 0x00};
      if (v5) engine.on_bytes(v5msg, sizeof v5msg);
      else engine.on_bytes(v311, sizeof v311);
    }
    const std::vector<uint8_t> payload(3000, 0x5A);
    PublishRequest r;
    r.topic = "out/topic";
    r.payload = Bytes(payload.data(), payload.size());
    EXPECT_EQ(engine.publish(r, token++), ErrorCode::ok);  // QoS 0
    r.qos = 1;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(engine.publish(r, token++), ErrorCode::ok);  // one in flight
    const uint8_t partial[] = {0x30, 0xE8, 0x07, 0x00};  // the start of a 1000-byte PUBLISH
    engine.on_bytes(partial, sizeof partial);
  }
  engine.close();
  return live_bytes - before;
}

TEST(EngineMemory, AClosedEngineHoldsNoMoreThanAnUnusedOne) {
  for (bool v5 : {false, MQTT_CONFIG_V5 != 0}) {
    long unused = closed_engine_bytes(v5, false);
    long used = closed_engine_bytes(v5, true);
    std::printf("closed engine (%s): %ld heap bytes unused, %ld after use\n", v5 ? "5.0" : "3.1.1", unused, used);
    EXPECT_LE(used, unused) << (v5 ? "5.0" : "3.1.1");
  }
}

// The engine keeps the options packed; options() and tls() give them back as they were given.
TEST(EngineMemory, OptionsComeBackAsGiven) {
  ClientOptions o;
  o.host = "broker.example";
  o.port = 8883;
  o.protocol = Scheme::mqtts;
  o.path = "";
  o.url = "mqtts://first.example:8884";
  o.servers = {"mqtt://second.example", "", "ws://third.example/ws"};
  o.client_id = "device-42";
  o.username = std::string("");  // present and empty is not absent
  o.password = std::string("secret");
  o.keepalive_interval = 70000;  // invalid: kept as given all the same
  o.protocol_version = 5;
  o.clean = false;
  o.session_expiry_interval = 3600;
  WillOptions will;
  will.topic = "status/device-42";
  will.payload = {0, 1, 2, 0};
  will.qos = 1;
  will.retain = true;
  will.delay_interval = 5;
  o.will = will;
  o.connect_timeout_ms = 1234;
  o.reconnect = false;
  o.reconnect_min_ms = 11;
  o.reconnect_max_ms = 22;
  o.reconnect_jitter_percent = 33;
  o.refused_retry_ms = 44;
  o.queue_max_messages = 55;
  o.queue_max_bytes = 66;
  o.max_inflight = 77;
  o.receive_maximum = 88;
  o.max_packet_size = 99;
  o.topic_alias_maximum = 111;
  o.user_properties = {{"k", "v"}, {"", ""}, {"key", "value"}};
  o.authentication_method = "SCRAM";
  o.authentication_data = {9, 8, 7};
  o.tls.ca_file = "ca.pem";
  o.tls.ca = "-----BEGIN CERTIFICATE-----";
  o.tls.cert_file = "cert.pem";
  o.tls.key_file = "key.pem";
  o.tls.verify = false;
  o.tls.servername = "name.example";

  SilentHost host;
  NoEvents events;
  Engine engine(host, events, o);
  const TlsOptions& tls = engine.tls();
  EXPECT_EQ(tls.ca_file, o.tls.ca_file);
  EXPECT_EQ(tls.ca, o.tls.ca);
  EXPECT_EQ(tls.cert_file, o.tls.cert_file);
  EXPECT_EQ(tls.key_file, o.tls.key_file);
  EXPECT_EQ(tls.verify, o.tls.verify);
  EXPECT_EQ(tls.servername, o.tls.servername);
  const ClientOptions& back = engine.options();
  EXPECT_EQ(back.host, o.host);
  EXPECT_EQ(back.port, o.port);
  EXPECT_EQ(back.protocol, o.protocol);
  EXPECT_EQ(back.path, o.path);
  EXPECT_EQ(back.url, o.url);
  EXPECT_EQ(back.servers, o.servers);
  EXPECT_EQ(back.client_id, o.client_id);
  EXPECT_TRUE(back.username.present);
  EXPECT_EQ(back.username.value, "");
  EXPECT_TRUE(back.password.present);
  EXPECT_EQ(back.password.value, "secret");
  EXPECT_EQ(back.keepalive_interval, o.keepalive_interval);
  EXPECT_EQ(back.protocol_version, o.protocol_version);
  EXPECT_EQ(back.clean, o.clean);
  EXPECT_EQ(back.session_expiry_interval, o.session_expiry_interval);
  ASSERT_TRUE(back.will.present);
  EXPECT_EQ(back.will.value.topic, will.topic);
  EXPECT_EQ(back.will.value.payload, will.payload);
  EXPECT_EQ(back.will.value.qos, will.qos);
  EXPECT_EQ(back.will.value.retain, will.retain);
  EXPECT_EQ(back.will.value.delay_interval, will.delay_interval);
  EXPECT_EQ(back.connect_timeout_ms, o.connect_timeout_ms);
  EXPECT_EQ(back.reconnect, o.reconnect);
  EXPECT_EQ(back.reconnect_min_ms, o.reconnect_min_ms);
  EXPECT_EQ(back.reconnect_max_ms, o.reconnect_max_ms);
  EXPECT_EQ(back.reconnect_jitter_percent, o.reconnect_jitter_percent);
  EXPECT_EQ(back.refused_retry_ms, o.refused_retry_ms);
  EXPECT_EQ(back.queue_max_messages, o.queue_max_messages);
  EXPECT_EQ(back.queue_max_bytes, o.queue_max_bytes);
  EXPECT_EQ(back.max_inflight, o.max_inflight);
  EXPECT_EQ(back.receive_maximum, o.receive_maximum);
  EXPECT_EQ(back.max_packet_size, o.max_packet_size);
  EXPECT_EQ(back.topic_alias_maximum, o.topic_alias_maximum);
  ASSERT_EQ(back.user_properties.size(), o.user_properties.size());
  for (size_t i = 0; i < o.user_properties.size(); ++i) {
    EXPECT_EQ(back.user_properties[i].key, o.user_properties[i].key);
    EXPECT_EQ(back.user_properties[i].value, o.user_properties[i].value);
  }
  EXPECT_EQ(back.authentication_method, o.authentication_method);
  EXPECT_EQ(back.authentication_data, o.authentication_data);
  EXPECT_EQ(back.tls.ca_file, o.tls.ca_file);
  EXPECT_EQ(back.tls.verify, o.tls.verify);
  EXPECT_EQ(back.tls.servername, o.tls.servername);
}

TEST(EngineMemory, DefaultTlsSettingsCostNothing) {
  SilentHost host;
  NoEvents events;
  Engine engine(host, events, typical_options(4));
  long before = live_bytes;
  const TlsOptions& tls = engine.tls();
  EXPECT_EQ(live_bytes - before, 0);
  EXPECT_TRUE(tls.verify);
  EXPECT_TRUE(tls.ca_file.empty() && tls.ca.empty() && tls.servername.empty());
}

}  // namespace
}  // namespace mqtt::test
