// Firmware-shaped program for the size build: PortClient (the Engine on lwIP sockets) connecting,
// subscribing, publishing and polling, as a device task would. Linked to be measured, never run.
#include "mqtt/port_client.h"

namespace {

class Device final : public mqtt::Events {
 public:
  void on_connect() override { ++connects; }
  void on_message(const mqtt::Message& message) override { bytes += message.payload.size; }
  void on_error(const mqtt::Error& error) override { (void)error, ++errors; }
  void on_complete(mqtt::Token token, const mqtt::Error& result) override {
    if (result.ok()) done |= 1u << token;
  }
  volatile unsigned connects = 0, errors = 0, done = 0;
  volatile size_t bytes = 0;
};

}  // namespace

int main() {
  static Device device;
  mqtt::ClientOptions options;
  options.host = "192.0.2.1";
  options.protocol_version = MQTT_CONFIG_V5 ? 5 : 4;
  options.keepalive_interval = 30;
  // A device sizes its own limits (see native/README.md, "Porting guide").
  options.queue_max_messages = 8;
  options.queue_max_bytes = 4096;
  options.max_inflight = 4;
  options.receive_maximum = 4;
  options.max_packet_size = 2048;

  static mqtt::port::PortClient client(device, options);
  client.engine().connect(0);
  mqtt::SubscribeRequest subscribe;
  subscribe.topic = "device/cmd/#";
  subscribe.qos = 1;
  client.engine().subscribe(subscribe, 1);
  static const uint8_t reading[] = {'2', '1', '.', '5'};
  mqtt::PublishRequest publish;
  publish.topic = "device/temp";
  publish.payload = mqtt::Bytes(reading, sizeof reading);
  publish.qos = 1;
  for (unsigned i = 0; i < 1000; ++i) {
    client.poll(100);
    if (i % 100 == 0) client.engine().publish(publish, 2);
  }
  client.engine().close();
  return static_cast<int>(device.done);
}
