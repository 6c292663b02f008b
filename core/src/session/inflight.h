// Requests on the wire awaiting their acknowledgement, in the order they were sent (the order
// retransmission must keep). QoS 1/2 publishes count against the in-flight window; SUBSCRIBE and
// UNSUBSCRIBE are tracked here too but do not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "session/request.h"

namespace mqtt::session {

class InflightTable {
 public:
  void add(Request&& request);
  // Null if no request of that kind waits on `packet_id`.
  Request* find(RequestKind kind, uint16_t packet_id);
  Request* find_any(uint16_t packet_id);
  // Removes and returns the request (which must exist).
  Request take(const Request* request);
  size_t size() const { return items_.size(); }
  size_t publishes() const { return publishes_; }
  Request& at(size_t i) { return items_[i]; }
  std::vector<Request> take_all();

 private:
  std::vector<Request> items_;
  size_t publishes_ = 0;
};

}  // namespace mqtt::session
