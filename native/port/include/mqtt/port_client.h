// A client for small devices: the core's Engine on the port's sockets, one connection, driven
// by calling poll() from the application's task. No threads, no exceptions, no RTTI; memory is
// the Engine's (bounded by ClientOptions) plus one receive chunk and the unsent bytes.
//
//   struct App : mqtt::Events { void on_message(const mqtt::Message& m) override { ... } } app;
//   mqtt::ClientOptions options;  options.host = "192.168.1.10";
//   mqtt::port::PortClient client(app, options);
//   client.engine().connect(1);
//   for (;;) client.poll(100);   // waits at most 100 ms for the socket or a timer
#pragma once

#include <cstdint>
#include <vector>

#include "mqtt/engine.h"

#ifndef MQTT_PORT_RX_CHUNK
#define MQTT_PORT_RX_CHUNK 512  // bytes read from the socket at a time
#endif

namespace mqtt::port {

class PortClient final : private Host {
 public:
  PortClient(Events& events, ClientOptions options);
  ~PortClient();
  PortClient(const PortClient&) = delete;
  PortClient& operator=(const PortClient&) = delete;

  // The application makes its requests here (connect, subscribe, publish, close). With another
  // task calling poll(), hold mqtt_port_lock() around them.
  Engine& engine() { return engine_; }

  // Opens a connection the Engine asked for, waits up to max_wait_ms for the socket or the
  // Engine's timer, and handles whatever is ready. Takes mqtt_port_lock() while it works.
  void poll(uint32_t max_wait_ms);

  // Connection attempts so far.
  uint32_t attempts() const { return attempts_; }

 private:
  enum class Phase : uint8_t { idle, opening, connecting, open };

  void open(const Endpoint& endpoint) override;
  void send(const uint8_t* data, size_t size) override;
  void close() override;
  uint64_t now_ms() override;
  void wake_at(uint64_t deadline_ms) override;
  uint32_t random() override;

  void start_connect();
  void finish_connect();
  void read_available();
  void flush();
  void flush_quietly();  // no failure report: used while closing
  void fail(ErrorCode code);
  void close_socket();

  Endpoint endpoint_;
  Phase phase_ = Phase::idle;
  int fd_ = -1;
  uint64_t wake_ = kNever;
  uint32_t attempts_ = 0;
  std::vector<uint8_t> out_;
  uint8_t rx_[MQTT_PORT_RX_CHUNK];
  Engine engine_;  // last: destroyed first, while the socket state it may close is still alive
};

}  // namespace mqtt::port
