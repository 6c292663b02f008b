// The core alone (Google Benchmark): encode and decode of each packet type, and mqtt::Engine per
// message received and published, with heap allocations per operation counted by a replaced
// global operator new (reported as the counter "allocs").
//
//   build/bench-cpp/core_bench [--benchmark_filter=Engine]
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "mqtt/codec.h"
#include "mqtt/engine.h"

// -- allocation counting -------------------------------------------------------------------------
static std::atomic<uint64_t> g_allocs{0};
void* operator new(size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace {

// Reports heap allocations per item ("allocs"): per iteration, divided by `items_per_iteration`.
struct AllocScope {
  benchmark::State& state;
  double items;
  uint64_t start;
  explicit AllocScope(benchmark::State& s, double items_per_iteration = 1)
      : state(s), items(items_per_iteration), start(g_allocs.load()) {}
  ~AllocScope() {
    double n = double(state.iterations()) * items;
    state.counters["allocs"] = n > 0 ? double(g_allocs.load() - start) / n : 0.0;
  }
};

const uint8_t kPayload64[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

mqtt::Packet make(int kind, mqtt::Version v) {
  using namespace mqtt;
  switch (kind) {
    case 0: {
      Connect c;
      c.version = v;
      c.client_id = "bench-client-0001";
      c.keep_alive = 60;
      c.username = std::string_view("user");
      c.password = Bytes::of("secret");
      return c;
    }
    case 1: {
      Connack c;
      return c;
    }
    case 2: {
      Publish p;
      p.topic = "sensors/room1/temperature";
      p.payload = Bytes(kPayload64, sizeof kPayload64);
      return p;
    }
    case 3: {
      Publish p;
      p.qos = 1;
      p.packet_id = 42;
      p.topic = "sensors/room1/temperature";
      p.payload = Bytes(kPayload64, sizeof kPayload64);
      return p;
    }
    case 4: {
      Ack a;
      a.type = PacketType::puback;
      a.packet_id = 42;
      return a;
    }
    case 5: {
      Subscribe s;
      s.packet_id = 7;
      s.topics.push_back({"sensors/+/temperature", 1});
      return s;
    }
    case 6: {
      static const uint8_t granted[] = {1};
      Suback s;
      s.packet_id = 7;
      s.reason_codes = Bytes(granted, 1);
      return s;
    }
    case 7: {
      Unsubscribe u;
      u.packet_id = 8;
      u.filters.push_back("sensors/+/temperature");
      return u;
    }
    case 8:
      return Ping{PacketType::pingreq};
    default:
      return Disconnect{};
  }
}

const char* const kNames[] = {"CONNECT", "CONNACK", "PUBLISH_qos0_64B", "PUBLISH_qos1_64B", "PUBACK",
                              "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "PINGREQ", "DISCONNECT"};
constexpr int kKinds = 10;

void BM_Encode(benchmark::State& state) {
  auto v = state.range(1) == 5 ? mqtt::Version::v5 : mqtt::Version::v311;
  mqtt::Packet p = make(int(state.range(0)), v);
  std::vector<uint8_t> out;
  out.reserve(512);
  {
    AllocScope scope(state);
    for (auto _ : state) {
      out.clear();
      auto rc = mqtt::encode(p, v, out);
      benchmark::DoNotOptimize(rc);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetLabel(kNames[state.range(0)]);
  state.SetBytesProcessed(int64_t(state.iterations() * out.size()));
}

void BM_Decode(benchmark::State& state) {
  auto v = state.range(1) == 5 ? mqtt::Version::v5 : mqtt::Version::v311;
  std::vector<uint8_t> wire;
  if (mqtt::encode(make(int(state.range(0)), v), v, wire) != mqtt::ErrorCode::ok) {
    state.SkipWithError("encode failed");
    return;
  }
  size_t i = 1;
  while (wire[i] & 0x80) ++i;
  ++i;
  mqtt::Bytes body(wire.data() + i, wire.size() - i);
  {
    AllocScope scope(state);
    for (auto _ : state) {
      mqtt::Packet out;
      auto rc = mqtt::decode(wire[0], body, v, out);
      benchmark::DoNotOptimize(rc);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetLabel(kNames[state.range(0)]);
  state.SetBytesProcessed(int64_t(state.iterations() * wire.size()));
}

void codec_args(benchmark::internal::Benchmark* b) {
  for (int v : {4, 5})
    for (int k = 0; k < kKinds; ++k) b->Args({k, v});
  b->ArgNames({"packet", "version"});
}
BENCHMARK(BM_Encode)->Apply(codec_args);
BENCHMARK(BM_Decode)->Apply(codec_args);

// Incremental decoder over a stream of back-to-back 64-byte QoS 0 PUBLISH packets.
struct CountingSink final : mqtt::PacketSink {
  uint64_t n = 0;
  bool on_packet(const mqtt::Packet&) override {
    ++n;
    return true;
  }
};

std::vector<uint8_t> publish_stream(size_t packets, mqtt::Version v, uint8_t qos = 0) {
  std::vector<uint8_t> out;
  mqtt::Publish p;
  p.topic = "bench/blast";
  p.qos = qos;
  p.payload = mqtt::Bytes(kPayload64, sizeof kPayload64);
  for (size_t i = 0; i < packets; ++i) {
    if (qos) p.packet_id = uint16_t(1 + i % 60000);
    (void)mqtt::encode(p, v, out);
  }
  return out;
}

void BM_DecoderStream(benchmark::State& state) {
  auto v = state.range(0) == 5 ? mqtt::Version::v5 : mqtt::Version::v311;
  constexpr size_t kPackets = 1000;
  auto stream = publish_stream(kPackets, v);
  mqtt::Decoder decoder(v);
  CountingSink sink;
  size_t chunk = size_t(state.range(1));
  {
    AllocScope scope(state, kPackets);
    for (auto _ : state) {
      for (size_t off = 0; off < stream.size(); off += chunk)
        (void)decoder.feed(stream.data() + off, std::min(chunk, stream.size() - off), sink);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations() * kPackets));
  state.SetLabel("per 1000 PUBLISH; allocs per packet");
}
BENCHMARK(BM_DecoderStream)->Args({4, 65536})->Args({4, 1460})->Args({5, 65536})->ArgNames({"version", "chunk"});

// -- Engine per message -------------------------------------------------------------------------
class NullHost final : public mqtt::Host {
 public:
  void open(const mqtt::Endpoint&) override { opened = true; }
  void send(const uint8_t*, size_t size) override { sent += size; }
  void close() override {}
  uint64_t now_ms() override { return now; }
  void wake_at(uint64_t) override {}
  uint32_t random() override { return 4; }
  bool opened = false;
  size_t sent = 0;
  uint64_t now = 1000;
};

class CountingEvents final : public mqtt::Events {
 public:
  void on_message(const mqtt::Message& m) override {
    ++messages;
    bytes += m.payload.size;
  }
  void on_complete(mqtt::Token, const mqtt::Error& e) override {
    ++completed;
    if (!e.ok()) ++failed;
  }
  uint64_t messages = 0, bytes = 0, completed = 0, failed = 0;
};

// A connected engine (CONNECT sent, CONNACK and SUBACK fed).
struct Connected {
  NullHost host;
  CountingEvents events;
  std::unique_ptr<mqtt::Engine> engine;
  mqtt::Version v;

  explicit Connected(int version) : v(version == 5 ? mqtt::Version::v5 : mqtt::Version::v311) {
    mqtt::ClientOptions o;
    o.host = "127.0.0.1";
    o.port = 1883;
    o.client_id = "bench";
    o.protocol_version = version;
    o.max_inflight = 65535;
    engine = std::make_unique<mqtt::Engine>(host, events, o);
    (void)engine->connect(1);
    engine->on_open();
    std::vector<uint8_t> in;
    (void)mqtt::encode(mqtt::Connack{}, v, in);
    engine->on_bytes(in.data(), in.size());
    mqtt::SubscribeRequest s;
    s.topic = "bench/#";
    s.qos = 2;
    (void)engine->subscribe(s, 2);
    in.clear();
    static const uint8_t granted[] = {2};
    mqtt::Suback sa;
    sa.packet_id = 1;
    sa.reason_codes = mqtt::Bytes(granted, 1);
    (void)mqtt::encode(sa, v, in);
    engine->on_bytes(in.data(), in.size());
  }
};

void BM_EngineReceive(benchmark::State& state) {
  Connected c(int(state.range(0)));
  if (c.engine->state() != mqtt::State::connected) {
    state.SkipWithError("engine did not connect");
    return;
  }
  constexpr size_t kPackets = 1000;
  auto stream = publish_stream(kPackets, c.v, uint8_t(state.range(1)));
  {
    AllocScope scope(state, kPackets);
    for (auto _ : state) c.engine->on_bytes(stream.data(), stream.size());
  }
  state.SetItemsProcessed(int64_t(state.iterations() * kPackets));
  state.counters["ns_per_msg"] = benchmark::Counter(double(kPackets), benchmark::Counter::kIsIterationInvariantRate |
                                                                          benchmark::Counter::kInvert);
  if (c.events.messages < kPackets) state.SkipWithError("messages were not delivered");
  state.SetLabel("64 B payload, 1000 packets per feed; allocs per message");
}
BENCHMARK(BM_EngineReceive)->Args({4, 0})->Args({4, 1})->Args({5, 0})->ArgNames({"version", "qos"});

void BM_EnginePublish(benchmark::State& state) {
  Connected c(int(state.range(0)));
  mqtt::PublishRequest r;
  r.topic = "bench/sink";
  r.payload = mqtt::Bytes(kPayload64, sizeof kPayload64);
  r.qos = 0;
  {
    AllocScope scope(state);
    for (auto _ : state) {
      auto rc = c.engine->publish(r, 3);
      benchmark::DoNotOptimize(rc);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  if (c.events.failed) state.SkipWithError("publish failed");
  state.SetLabel("QoS 0, 64 B payload; allocs per message");
}
BENCHMARK(BM_EnginePublish)->Arg(4)->Arg(5)->ArgName("version");

// QoS 1 publish and its PUBACK: the whole exchange per message.
void BM_EnginePublishQos1(benchmark::State& state) {
  Connected c(int(state.range(0)));
  mqtt::PublishRequest r;
  r.topic = "bench/sink";
  r.payload = mqtt::Bytes(kPayload64, sizeof kPayload64);
  r.qos = 1;
  std::vector<uint8_t> ack;
  uint16_t id = 2;  // the SUBSCRIBE used 1
  {
    AllocScope scope(state);
    for (auto _ : state) {
      (void)c.engine->publish(r, 3);
      mqtt::Ack a;
      a.packet_id = id;
      ack.clear();
      (void)mqtt::encode(a, c.v, ack);
      c.engine->on_bytes(ack.data(), ack.size());
      id = id == 65535 ? 1 : id + 1;
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  if (c.events.failed || c.engine->state() != mqtt::State::connected) state.SkipWithError("PUBACK flow failed");
  state.SetLabel("QoS 1 publish + PUBACK, 64 B; allocs per message");
}
BENCHMARK(BM_EnginePublishQos1)->Arg(4)->ArgName("version");

}  // namespace

BENCHMARK_MAIN();
