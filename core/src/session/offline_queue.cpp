#include "session/offline_queue.h"

#include <utility>

namespace mqtt::session {

uint32_t fixed_header_size(const std::vector<uint8_t>& packet) {
  uint32_t pos = 1;
  while (pos < packet.size() && pos < 5 && (packet[pos] & 0x80)) ++pos;
  return pos + 1;
}

Request take_at(std::vector<Request>& items, size_t index) {
  Request r = std::move(items[index]);
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
  return r;
}

bool OfflineQueue::push(Request& request) {
  if (!fits(request.packet.size())) return false;
  bytes_ += request.packet.size();
  items_.push_back(std::move(request));
  return true;
}

Request OfflineQueue::pop() {
  Request r = take_at(items_, 0);
  bytes_ -= r.packet.size();
  return r;
}

std::vector<Request> OfflineQueue::take_all() {
  std::vector<Request> out;
  out.swap(items_);
  bytes_ = 0;
  return out;
}

}  // namespace mqtt::session
