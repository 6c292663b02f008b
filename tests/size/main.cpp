// A minimal "board" program for the size build: a Host with no real I/O and an Events sink,
// driving the Engine through connect, subscribe, publish (QoS 1), an incoming message, a timer
// wake-up and close, so the linker keeps the code a real client uses. It is linked, never run.
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#include "mqtt/engine.h"

namespace {

class BoardHost final : public mqtt::Host {
 public:
  void open(const mqtt::Endpoint& endpoint) override { port = endpoint.effective_port(); }
  void send(const uint8_t* data, size_t size) override {
    sent += size;
    if (size) last = data[size - 1];
  }
  void close() override { port = 0; }
  uint64_t now_ms() override { return now; }
  void wake_at(uint64_t deadline_ms) override { deadline = deadline_ms; }
  uint32_t random() override { return seed = seed * 1664525u + 1013904223u; }

  volatile uint64_t now = 0;
  volatile uint64_t deadline = mqtt::kNever;
  volatile size_t sent = 0;
  volatile uint8_t last = 0;
  volatile uint16_t port = 0;
  uint32_t seed = 1;
};

class AppEvents final : public mqtt::Events {
 public:
  void on_connect() override { ++connects; }
  void on_message(const mqtt::Message& message) override { bytes += message.payload.size; }
  // A device logs what went wrong: this keeps error_message() (and its table, unless
  // MQTT_CONFIG_ERROR_MESSAGES=0) in the program as a real client would.
  void on_error(const mqtt::Error& error) override {
    ++errors;
    message_bytes += mqtt::error_message(error.code).size();
  }
  void on_complete(mqtt::Token token, const mqtt::Error& result) override {
    if (result.ok()) done |= 1u << token;
  }

  volatile unsigned connects = 0, errors = 0, done = 0;
  volatile size_t bytes = 0, message_bytes = 0;
};

// What the broker would send: CONNACK, SUBACK, PUBACK and one QoS 0 PUBLISH.
#if MQTT_CONFIG_V5
const uint8_t kConnack[] = {0x20, 0x03, 0x00, 0x00, 0x00};
const uint8_t kSuback[] = {0x90, 0x04, 0x00, 0x01, 0x00, 0x01};
const uint8_t kPuback[] = {0x40, 0x02, 0x00, 0x02};
const uint8_t kPublish[] = {0x30, 0x09, 0x00, 0x03, 's', '/', '1', 0x00, '4', '2', '!'};
#else
const uint8_t kConnack[] = {0x20, 0x02, 0x00, 0x00};
const uint8_t kSuback[] = {0x90, 0x03, 0x00, 0x01, 0x01};
const uint8_t kPuback[] = {0x40, 0x02, 0x00, 0x02};
const uint8_t kPublish[] = {0x30, 0x08, 0x00, 0x03, 's', '/', '1', '4', '2', '!'};
#endif

}  // namespace

int main() {
  static BoardHost host;
  static AppEvents events;
  mqtt::ClientOptions options;
  options.host = "192.0.2.1";
  options.protocol_version = MQTT_CONFIG_V5 ? 5 : 4;

  mqtt::Engine engine(host, events, std::move(options));  // a board hands its options over
  engine.connect(0);
  engine.on_open();
  engine.on_bytes(kConnack, sizeof kConnack);

  mqtt::SubscribeRequest subscribe;
  subscribe.topic = "s/+";
  subscribe.qos = 1;
  engine.subscribe(subscribe, 1);
  engine.on_bytes(kSuback, sizeof kSuback);

  static const uint8_t reading[] = {'2', '1', '.', '5'};
  mqtt::PublishRequest publish;
  publish.topic = "s/1";
  publish.payload = mqtt::Bytes(reading, sizeof reading);
  publish.qos = 1;
  engine.publish(publish, 2);
  engine.on_bytes(kPuback, sizeof kPuback);
  engine.on_bytes(kPublish, sizeof kPublish);

  host.now = host.deadline;
  engine.on_wake();

  mqtt::UnsubscribeRequest unsubscribe;
  unsubscribe.topic = "s/+";
  engine.unsubscribe(unsubscribe, 3);
  engine.close();
  return static_cast<int>(events.done);
}
