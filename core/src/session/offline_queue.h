// Requests waiting for a connection or an in-flight slot, in the order they were made.
// Bounded by count and by encoded bytes; push() refuses what does not fit (ErrorCode::queue_full).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "session/request.h"

namespace mqtt::session {

class OfflineQueue {
 public:
  void set_limits(uint32_t max_messages, uint32_t max_bytes) {
    max_messages_ = max_messages;
    max_bytes_ = max_bytes;
  }
  bool fits(size_t packet_size) const {
    return items_.size() < max_messages_ && bytes_ + packet_size <= max_bytes_;
  }
  // False (and `request` untouched) when it does not fit.
  bool push(Request& request);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t bytes() const { return bytes_; }
  Request& front() { return items_.front(); }
  Request pop();
  // Hands out everything (close): the caller completes each request.
  std::vector<Request> take_all();

 private:
  std::vector<Request> items_;
  size_t bytes_ = 0;
  uint32_t max_messages_ = 0;
  uint32_t max_bytes_ = 0;
};

}  // namespace mqtt::session
