// libFuzzer target: an Engine connected through the scripted host (3.1.1 or 5.0, chosen by the
// first byte), then driven by the input: broker bytes, requests, clock steps, drops, close.
// Asserts what must hold whatever the broker sends: every token completes exactly once, nothing
// but a call's own `closed` answer follows on_close, the queue and the window stay within the
// options, a wake-up is held while connecting or waiting, and nothing crashes (ASan/UBSan watch
// memory and arithmetic).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "mqtt/engine.h"
#include "support/scripted_host.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

class CountingEvents : public mqtt::Events {
 public:
  std::map<mqtt::Token, int> completions;
  bool closed = false;
  mqtt::Engine* engine = nullptr;
  mqtt::Token* next_token = nullptr;

  void on_connect() override { check(!closed); }
  void on_disconnect(const mqtt::Error&) override { check(!closed); }
  void on_reconnect() override { check(!closed); }
  void on_error(const mqtt::Error&) override { check(!closed); }
  void on_message(const mqtt::Message& m) override {
    check(!closed);
    // Touch every byte: the views must be valid during the call.
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < m.payload.size; ++i) sink ^= m.payload.data[i];
    for (char c : m.topic) sink ^= static_cast<uint8_t>(c);
    (void)sink;
    // Re-entrant calls, chosen by the broker's payload: publish back, or close mid-packet-stream.
    if (m.payload.size > 0 && m.payload.data[0] == 'P') {
      mqtt::PublishRequest r;
      r.topic = "echo";
      r.payload = m.payload;
      r.qos = m.payload.size % 3;
      engine->publish(r, (*next_token)++);
    } else if (m.payload.size > 0 && m.payload.data[0] == 'C') {
      engine->close();
    }
  }
  void on_close() override {
    check(!closed);
    closed = true;
  }
  void on_complete(mqtt::Token token, const mqtt::Error& result) override {
    check(!closed || result.code == mqtt::ErrorCode::closed);  // a call after close: its own fail
    check(++completions[token] == 1);
  }
};

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string_view bytes(size_t n) {
    if (n > size_ - pos_) n = size_ - pos_;
    std::string_view out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  uint8_t flags = in.byte();
  bool v5 = MQTT_CONFIG_V5 && (flags & 1);
  mqtt::ClientOptions o;
  o.host = "fuzz.test";
  o.client_id = "fuzz";
  o.protocol_version = v5 ? 5 : 4;
  o.clean = flags & 2;
  o.keepalive_interval = flags & 4 ? 10 : 0;
  o.max_inflight = 1 + (flags >> 4);
  o.receive_maximum = 1 + (flags >> 5);
  o.topic_alias_maximum = flags & 8 ? 4 : 0;
  o.queue_max_messages = 16;
  o.queue_max_bytes = 4096;
  o.max_packet_size = 2048;
  o.reconnect_min_ms = 10;
  o.reconnect_max_ms = 100;

  mqtt::test::ScriptedHost host;
  CountingEvents events;
  mqtt::Token next_token = 1;
  {
    mqtt::Engine engine(host, events, o);
    events.engine = &engine;
    events.next_token = &next_token;
    check(engine.connect(next_token++) == mqtt::ErrorCode::ok);
    auto connack = [&] {
      engine.on_open();
      static const uint8_t kConnack311[] = {0x20, 0x02, 0x00, 0x00};
      static const uint8_t kConnack5[] = {0x20, 0x03, 0x00, 0x00, 0x00};
      if (v5) engine.on_bytes(kConnack5, sizeof kConnack5);
      else engine.on_bytes(kConnack311, sizeof kConnack311);
    };
    connack();
    size_t opens = host.opens.size();
    while (!in.empty() && engine.state() != mqtt::State::closed) {
      uint8_t op = in.byte();
      switch (op % 8) {
        case 0:
        case 1: {  // broker bytes
          std::string_view b = in.bytes(in.byte());
          engine.on_bytes(reinterpret_cast<const uint8_t*>(b.data()), b.size());
          break;
        }
        case 2: {  // publish: topic from the input, qos from the op (3 = invalid)
          std::string_view topic = in.bytes(in.byte() % 8);
          std::string_view payload = in.bytes(in.byte() % 32);
          mqtt::PublishRequest r;
          r.topic = topic;
          r.payload = mqtt::Bytes::of(payload);
          r.qos = (op >> 3) & 3;
          r.retain = op & 0x20;
          engine.publish(r, next_token++);
          break;
        }
        case 3: {
          mqtt::SubscribeRequest r;
          r.topic = in.bytes(in.byte() % 8);
          r.qos = (op >> 3) & 3;
          engine.subscribe(r, next_token++);
          break;
        }
        case 4: {
          mqtt::UnsubscribeRequest r;
          r.topic = in.bytes(in.byte() % 8);
          engine.unsubscribe(r, next_token++);
          break;
        }
        case 5: {  // clock
          host.now += static_cast<uint64_t>(in.byte()) * 100;
          if (host.wake != mqtt::kNever && host.wake <= host.now) {
            host.wake = mqtt::kNever;
            engine.on_wake();
          }
          break;
        }
        case 6:  // the transport drops (if the engine still has one), or a new one comes up
          if (host.opens.size() != opens) {
            opens = host.opens.size();
            if (engine.state() == mqtt::State::connecting) connack();
          } else if (engine.state() == mqtt::State::connected && (op & 0x40)) {
            engine.on_closed(mqtt::ErrorCode::connection_lost);
          }
          break;
        default:
          if (op == 0xFF) engine.close();
          break;
      }
      // Bounded by the options, and never waiting without a wake-up (it would hang).
      check(engine.inflight() <= o.max_inflight && engine.queued() <= o.queue_max_messages);
      mqtt::State s = engine.state();
      check(host.wake != mqtt::kNever || (s != mqtt::State::waiting && s != mqtt::State::connecting));
    }
    engine.close();
    check(engine.queued() == 0 && engine.inflight() == 0);
  }
  check(events.closed);
  for (mqtt::Token t = 1; t < next_token; ++t) {
    auto it = events.completions.find(t);
    // Every request was made while the engine was open (the loop stops at close): exactly once.
    check(it != events.completions.end() && it->second == 1);
  }
  return 0;
}
