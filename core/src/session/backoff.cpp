#include "session/backoff.h"

namespace mqtt::session {

void Backoff::configure(uint32_t min_ms, uint32_t max_ms, uint32_t jitter_percent) {
  min_ms_ = min_ms;
  max_ms_ = max_ms < min_ms ? min_ms : max_ms;
  jitter_percent_ = jitter_percent > 100 ? 100 : jitter_percent;
}

// 32-bit arithmetic only: a 64-bit division would pull about 0.75 KB of libgcc into a
// microcontroller build.
uint32_t Backoff::next(uint32_t random) {
  uint32_t base = min_ms_;
  for (uint32_t i = 0; i < attempt_ && base < max_ms_; ++i) base = base > max_ms_ / 2 ? max_ms_ : base * 2;
  if (base > max_ms_) base = max_ms_;
  if (attempt_ < 64) ++attempt_;
  // base * jitter / 100 without overflow: base = 100q + r.
  uint32_t span = base / 100 * jitter_percent_ + base % 100 * jitter_percent_ / 100;
  uint32_t delay = base;
  if (span > 0) {
    // 0 … 2·span, centred on base; a modulus above 32 bits leaves `random` as it is.
    uint32_t offset = span > 0x7FFFFFFFu ? random : random % (2 * span + 1);
    delay = base - span;
    delay = offset > max_ms_ - delay ? max_ms_ : delay + offset;
  }
  if (delay > max_ms_) delay = max_ms_;
  return delay;
}

}  // namespace mqtt::session
