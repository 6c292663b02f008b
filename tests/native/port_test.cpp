// The device port on Linux: PortClient (lwIP-compatible sockets, select, the POSIX board) talking
// to Mosquitto, polled the way a firmware task polls it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "broker.h"
#include "mqtt/port_client.h"
#include "mqtt_port.h"

// Heap accounting for this test program: the port's memory needs, measured rather than guessed.
// (ThreadSanitizer's runtime owns operator new: no accounting there.)
#if defined(__SANITIZE_THREAD__)
#define MQTT_COUNT_HEAP 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MQTT_COUNT_HEAP 0
#endif
#endif
#ifndef MQTT_COUNT_HEAP
#define MQTT_COUNT_HEAP 1
#endif
namespace {
std::atomic<size_t> g_heap_now{0}, g_heap_peak{0};
struct Header {
  size_t size;
  size_t pad;  // keeps the block 16-byte aligned
};
}  // namespace

#if MQTT_COUNT_HEAP
void* operator new(size_t size) {
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + size));
  if (!h) throw std::bad_alloc();
  h->size = size;
  size_t now = g_heap_now += size;
  size_t peak = g_heap_peak.load();
  while (now > peak && !g_heap_peak.compare_exchange_weak(peak, now)) {
  }
  return h + 1;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  Header* h = static_cast<Header*>(p) - 1;
  g_heap_now -= h->size;
  std::free(h);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }
#endif

namespace mqtt::test {
namespace {

struct DeviceApp : Events {
  bool connected = false, closed = false;
  std::vector<std::string> received;
  std::vector<Token> completed_ok;
  void on_connect() override { connected = true; }
  void on_close() override { closed = true; }
  void on_message(const Message& m) override { received.emplace_back(m.payload.as_string()); }
  void on_complete(Token token, const Error& result) override {
    if (result.ok()) completed_ok.push_back(token);
  }
};

template <class Pred>
bool poll_until(port::PortClient& client, Pred pred, int timeout_ms) {
  uint64_t deadline = mqtt_port_now_ms() + static_cast<uint64_t>(timeout_ms);
  while (!pred()) {
    if (mqtt_port_now_ms() >= deadline) return false;
    client.poll(20);
  }
  return true;
}

TEST(Port, ClientThroughThePortTalksToMosquitto) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  DeviceApp app;
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = broker.port();
  options.keepalive_interval = 1;  // exercises the timer path while we wait
  // The limits of the Porting guide's example device.
  options.queue_max_messages = 8;
  options.queue_max_bytes = 4096;
  options.max_inflight = 4;
  options.receive_maximum = 4;
  options.max_packet_size = 2048;
  size_t heap_before = g_heap_now;
  g_heap_peak = heap_before;
  port::PortClient client(app, options);
  ASSERT_EQ(client.engine().connect(1), ErrorCode::ok);
  ASSERT_TRUE(poll_until(
      client, [&] { return app.connected; }, 5000));

  SubscribeRequest s;
  s.topic = "port/test";
  s.qos = 1;
  ASSERT_EQ(client.engine().subscribe(s, 2), ErrorCode::ok);
  ASSERT_TRUE(poll_until(
      client, [&] { return app.completed_ok.size() == 2; }, 5000));
  for (int qos = 0; qos <= 2; ++qos) {
    PublishRequest p;
    p.topic = "port/test";
    std::string text = "from the device at qos " + std::to_string(qos);
    p.payload = Bytes::of(text);
    p.qos = qos;
    ASSERT_EQ(client.engine().publish(p, static_cast<Token>(10 + qos)), ErrorCode::ok);
  }
  ASSERT_TRUE(poll_until(
      client, [&] { return app.received.size() == 3 && app.completed_ok.size() == 5; }, 5000));
  EXPECT_EQ(app.received[2], "from the device at qos 2");
  // Idle through more than two keep-alive periods: PINGREQ/PINGRESP keep it up.
  uint64_t until = mqtt_port_now_ms() + 2500;
  poll_until(
      client, [&] { return mqtt_port_now_ms() >= until; }, 3000);
  EXPECT_EQ(client.engine().state(), State::connected);
  EXPECT_EQ(client.attempts(), 1u);
  EXPECT_EQ(client.engine().close(), ErrorCode::ok);
  EXPECT_TRUE(app.closed);
  size_t peak = g_heap_peak - heap_before;
  std::printf("port client: sizeof(PortClient) = %zu bytes, peak heap = %zu bytes\n",
              sizeof(port::PortClient), peak);
  ::testing::Test::RecordProperty("port_heap_peak_bytes", static_cast<int>(peak));
  ::testing::Test::RecordProperty("port_client_bytes", static_cast<int>(sizeof(port::PortClient)));
}

}  // namespace
}  // namespace mqtt::test
