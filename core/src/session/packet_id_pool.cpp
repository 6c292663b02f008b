#include "session/packet_id_pool.h"

#include <algorithm>

namespace mqtt::session {

bool PacketIdPool::in_use(uint16_t id) const {
  return std::binary_search(used_.begin(), used_.end(), id);
}

bool PacketIdPool::reserve(uint16_t id) {
  auto it = std::lower_bound(used_.begin(), used_.end(), id);
  if (id == 0 || (it != used_.end() && *it == id)) return false;
  used_.insert(it, id);
  return true;
}

uint16_t PacketIdPool::acquire() {
  if (used_.size() >= 65535) return 0;
  uint16_t id = next_;
  while (in_use(id)) id = id == 65535 ? 1 : static_cast<uint16_t>(id + 1);
  next_ = id == 65535 ? 1 : static_cast<uint16_t>(id + 1);
  reserve(id);
  return id;
}

void PacketIdPool::release(uint16_t id) {
  auto it = std::lower_bound(used_.begin(), used_.end(), id);
  if (it != used_.end() && *it == id) used_.erase(it);
}

}  // namespace mqtt::session
