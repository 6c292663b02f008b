#include "session/backoff.h"

namespace mqtt::session {

void Backoff::configure(uint32_t min_ms, uint32_t max_ms, uint32_t jitter_percent) {
  min_ms_ = min_ms;
  max_ms_ = max_ms < min_ms ? min_ms : max_ms;
  jitter_percent_ = jitter_percent > 100 ? 100 : jitter_percent;
}

uint32_t Backoff::next(uint32_t random) {
  uint64_t base = min_ms_;
  for (uint32_t i = 0; i < attempt_ && base < max_ms_; ++i) base *= 2;
  if (base > max_ms_) base = max_ms_;
  if (attempt_ < 64) ++attempt_;
  uint64_t span = base * jitter_percent_ / 100;
  uint64_t delay = base;
  if (span > 0) {
    uint64_t offset = random % (2 * span + 1);  // 0 … 2·span, centred on base
    delay = base - span + offset;
  }
  if (delay > max_ms_) delay = max_ms_;
  return static_cast<uint32_t>(delay);
}

}  // namespace mqtt::session
