// Reconnection delays: min, 2×min, 4×min … capped at max, each varied by ±jitter percent with a
// random number from the host (so many clients do not reconnect in lockstep).
#pragma once

#include <cstdint>

namespace mqtt::session {

class Backoff {
 public:
  void configure(uint32_t min_ms, uint32_t max_ms, uint32_t jitter_percent);
  // The delay before the next attempt; each call doubles the base until the cap.
  uint32_t next(uint32_t random);
  void reset() { attempt_ = 0; }
  uint32_t attempts() const { return attempt_; }

 private:
  uint32_t min_ms_ = 1000;
  uint32_t max_ms_ = 30000;
  uint32_t jitter_percent_ = 0;
  uint32_t attempt_ = 0;
};

}  // namespace mqtt::session
