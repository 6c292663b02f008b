// Engine: heap bytes held by one idle connected client (the per-client memory of a host that
// runs thousands of them). operator new is replaced for this test binary to count live bytes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

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

// A host that allocates nothing, so every byte counted is the engine's.
class SilentHost : public Host {
 public:
  void open(const Endpoint&) override {}
  void send(const uint8_t*, size_t) override {}
  void close() override {}
  uint64_t now_ms() override { return 0; }
  void wake_at(uint64_t) override {}
  uint32_t random() override { return seed_ = seed_ * 1664525u + 1013904223u; }

 private:
  uint32_t seed_ = 1;
};

class NoEvents : public Events {};

// Bytes held by an engine connected with `options`, after the CONNACK.
long idle_engine_bytes(ClientOptions options, bool v5) {
  SilentHost host;
  NoEvents events;
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

}  // namespace
}  // namespace mqtt::test
