// A Host for tests: records what the engine asks for (opens, sent bytes split into packets,
// closes, wake-ups), runs on a manual clock and a seeded random generator. Nothing sleeps.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "mqtt/engine.h"

namespace mqtt::test {

struct SentPacket {
  size_t connection;  // index into ScriptedHost::opens of the connection it was sent on
  std::vector<uint8_t> bytes;
};

class ScriptedHost : public Host {
 public:
  std::vector<Endpoint> opens;
  size_t closes = 0;
  std::deque<SentPacket> sent;  // every complete packet sent, in order (deque: stable references)
  uint64_t now = 0;
  uint64_t wake = kNever;
  size_t wake_calls = 0;
  std::deque<uint32_t> scripted_random;  // used first, then the generator
  uint64_t rng = 0x9E3779B97F4A7C15ull;

  void open(const Endpoint& endpoint) override {
    opens.push_back(endpoint);
    partial_.clear();
  }
  void send(const uint8_t* data, size_t size) override {
    partial_.insert(partial_.end(), data, data + size);
    split();
  }
  void close() override {
    ++closes;
    partial_.clear();
  }
  uint64_t now_ms() override { return now; }
  void wake_at(uint64_t deadline_ms) override {
    wake = deadline_ms;
    ++wake_calls;
  }
  uint32_t random() override {
    if (!scripted_random.empty()) {
      uint32_t v = scripted_random.front();
      scripted_random.pop_front();
      return v;
    }
    rng ^= rng << 13;  // xorshift64
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<uint32_t>(rng >> 32);
  }
  // Bytes sent that do not form a complete packet yet (should be none: the engine sends whole packets).
  size_t partial_bytes() const { return partial_.size(); }

 private:
  void split() {
    for (;;) {
      if (partial_.size() < 2) return;
      size_t pos = 1;
      uint32_t length = 0;
      uint32_t shift = 0;
      for (;;) {
        if (pos >= partial_.size()) return;
        uint8_t b = partial_[pos++];
        length |= static_cast<uint32_t>(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
        if (shift > 21) return;  // malformed: leave it for the test to notice
      }
      if (partial_.size() < pos + length) return;
      size_t connection = opens.empty() ? 0 : opens.size() - 1;
      sent.push_back({connection, std::vector<uint8_t>(partial_.begin(), partial_.begin() + pos + length)});
      partial_.erase(partial_.begin(), partial_.begin() + pos + length);
    }
  }

  std::vector<uint8_t> partial_;
};

}  // namespace mqtt::test
