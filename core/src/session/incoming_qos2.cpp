#include "session/incoming_qos2.h"

#include <algorithm>

namespace mqtt::session {

bool IncomingQos2::contains(uint16_t id) const { return std::binary_search(ids_.begin(), ids_.end(), id); }

void IncomingQos2::add(uint16_t id) {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) ids_.insert(it, id);
}

bool IncomingQos2::release(uint16_t id) {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) return false;
  ids_.erase(it);
  return true;
}

}  // namespace mqtt::session
