#include "session/inflight.h"

#include <utility>

namespace mqtt::session {

void InflightTable::add(Request&& request) {
  if (request.is_windowed()) ++publishes_;
  items_.push_back(std::move(request));
}

Request* InflightTable::find(RequestKind kind, uint16_t packet_id) {
  for (Request& r : items_)
    if (r.kind == kind && r.packet_id == packet_id) return &r;
  return nullptr;
}

Request* InflightTable::find_any(uint16_t packet_id) {
  for (Request& r : items_)
    if (r.packet_id == packet_id) return &r;
  return nullptr;
}

Request InflightTable::take(const Request* request) {
  Request r = take_at(items_, static_cast<size_t>(request - items_.data()));
  if (r.is_windowed()) --publishes_;
  return r;
}

std::vector<Request> InflightTable::take_all() {
  std::vector<Request> out;
  out.swap(items_);
  publishes_ = 0;
  return out;
}

}  // namespace mqtt::session
