// A scripted broker around one Engine: the test says which packet it expects next from the
// client ("expect a CONNECT") and what the broker answers ("send this CONNACK"), and moves the
// manual clock. Packets the client sent are decoded with the codec; their views point into the
// host's record, which lives as long as the harness.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mqtt/codec.h"
#include "mqtt/engine.h"
#include "support/recording_events.h"
#include "support/scripted_host.h"

// Tests of 5.0 behaviour skip themselves in a 3.1.1-only build (MQTT_CONFIG_V5=0).
#define MQTT_TEST_REQUIRES_V5() \
  if (!MQTT_CONFIG_V5) GTEST_SKIP() << "MQTT 5.0 is compiled out"

namespace mqtt::test {

inline ClientOptions basic_options(int protocol_version = 4) {
  ClientOptions o;
  o.host = "broker.test";
  o.client_id = "tester";
  o.protocol_version = protocol_version;
  o.keepalive_interval = 0;
  o.reconnect_jitter_percent = 0;
  return o;
}

class Harness {
 public:
  ScriptedHost host;
  RecordingEvents events;
  std::unique_ptr<Engine> engine;
  Version version;
  size_t next_sent = 0;  // first packet in host.sent not yet expected

  explicit Harness(ClientOptions options)
      : version(options.protocol_version == 5 ? Version::v5 : Version::v311) {
    engine = std::make_unique<Engine>(host, events, std::move(options));
  }

  // Moves the clock forward, waking the engine at every deadline it asked for on the way.
  void advance(uint64_t ms) {
    uint64_t end = host.now + ms;
    for (int guard = 0; host.wake != kNever && host.wake <= end; ++guard) {
      ASSERT_LT(guard, 100000) << "engine keeps asking to be woken";
      if (host.wake > host.now) host.now = host.wake;
      host.wake = kNever;
      engine->on_wake();
    }
    host.now = end;
  }

  // Broker to client.
  void deliver(const Packet& packet) {
    std::vector<uint8_t> bytes;
    ASSERT_EQ(encode(packet, version, bytes), ErrorCode::ok);
    engine->on_bytes(bytes.data(), bytes.size());
  }
  void deliver_bytes(const std::vector<uint8_t>& bytes) { engine->on_bytes(bytes.data(), bytes.size()); }
  void connack(bool session_present = false, uint8_t reason = 0, Properties props = {}) {
    Connack c;
    c.session_present = session_present;
    c.reason_code = reason;
#if MQTT_CONFIG_V5
    c.properties = std::move(props);
#else
    (void)props;
#endif
    deliver(c);
  }
  void ack(PacketType type, uint16_t id, uint8_t reason = 0) {
    Ack a;
    a.type = type;
    a.packet_id = id;
    a.reason_code = reason;
    deliver(a);
  }
  void suback(uint16_t id, uint8_t code) {
    Suback s;
    s.type = PacketType::suback;
    s.packet_id = id;
    s.reason_codes = Bytes(&code, 1);
    deliver(s);
  }
  void unsuback(uint16_t id, uint8_t code = 0) {
    Suback s;
    s.type = PacketType::unsuback;
    s.packet_id = id;
    if (version == Version::v5) s.reason_codes = Bytes(&code, 1);
    deliver(s);
  }
  void publish(std::string_view topic, std::string_view payload, uint8_t qos = 0, uint16_t id = 0,
               bool dup = false) {
    Publish p;
    p.topic = topic;
    p.payload = Bytes::of(payload);
    p.qos = qos;
    p.packet_id = id;
    p.dup = dup;
    deliver(p);
  }

  // Client to broker.
  size_t pending() const { return host.sent.size() - next_sent; }
  Packet next() {
    Packet out;
    if (next_sent >= host.sent.size()) {
      ADD_FAILURE() << "expected a packet from the client, none was sent";
      return out;
    }
    const std::vector<uint8_t>& b = host.sent[next_sent++].bytes;
    size_t header = 1;
    while (b[header] & 0x80) ++header;
    ++header;
    ErrorCode rc = decode(b[0], Bytes(b.data() + header, b.size() - header), version, out);
    EXPECT_EQ(rc, ErrorCode::ok) << "client sent a packet the codec refuses: " << error_name(rc);
    return out;
  }
  template <class T>
  T expect() {
    Packet p = next();
    const T* t = std::get_if<T>(&p);
    if (t == nullptr) {
      ADD_FAILURE() << "client sent packet type " << static_cast<int>(p.index()) << ", another was expected";
      return T{};
    }
    return *t;
  }
  Ack expect_ack(PacketType type) {
    Ack a = expect<Ack>();
    EXPECT_EQ(a.type, type);
    return a;
  }
  void expect_nothing() { EXPECT_EQ(pending(), 0u) << "client sent an unexpected packet"; }
  // Raw bytes of the next packet (to check DUP and packet identifiers bit for bit).
  const std::vector<uint8_t>& next_bytes() { return host.sent[next_sent++].bytes; }

  // connect() (if not called yet), transport up, CONNECT, CONNACK.
  void connect_ok(bool session_present = false, Properties props = {}) {
    if (engine->state() == State::idle) {
      ASSERT_EQ(engine->connect(1000), ErrorCode::ok);
    }
    open_and_connack(session_present, std::move(props));
  }
  void open_and_connack(bool session_present = false, Properties props = {}) {
    engine->on_open();
    expect<Connect>();
    connack(session_present, 0, std::move(props));
    ASSERT_EQ(engine->state(), State::connected);
  }
  // The broker's side drops: the host reports it, then the clock runs to the reconnect attempt.
  void drop_and_reopen(ErrorCode reason = ErrorCode::connection_lost) {
    size_t opens = host.opens.size();
    engine->on_closed(reason);
    for (int i = 0; i < 64 && host.opens.size() == opens; ++i) advance(1000);
    ASSERT_EQ(host.opens.size(), opens + 1) << "engine did not reconnect";
    next_sent = host.sent.size();
  }
};

inline PublishRequest make_publish(std::string_view topic, std::string_view payload, int qos = 0) {
  PublishRequest r;
  r.topic = topic;
  r.payload = Bytes::of(payload);
  r.qos = qos;
  return r;
}

inline SubscribeRequest make_subscribe(std::string_view filter, int qos = 0) {
  SubscribeRequest r;
  r.topic = filter;
  r.qos = qos;
  return r;
}

}  // namespace mqtt::test
