#include "session/packet_id_pool.h"

namespace mqtt::session {

uint16_t PacketIdPool::acquire() {
  if (used_.size() >= 65535) return 0;
  uint16_t id = next_;
  while (in_use(id)) id = id == 65535 ? 1 : static_cast<uint16_t>(id + 1);
  next_ = id == 65535 ? 1 : static_cast<uint16_t>(id + 1);
  reserve(id);
  return id;
}

}  // namespace mqtt::session
