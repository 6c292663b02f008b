// Packet identifiers for outgoing QoS 1/2 PUBLISH, SUBSCRIBE and UNSUBSCRIBE: non-zero, never
// reused while in flight [MQTT-2.2.1-3], handed out in increasing order with wrap-around.
// Memory is a sorted list of the identifiers in use, so it grows with the in-flight count only.
#pragma once

#include <cstdint>
#include <cstddef>

#include "session/id_set.h"

namespace mqtt::session {

class PacketIdPool {
 public:
  // 0 when all 65535 identifiers are in use.
  uint16_t acquire();
  // Marks `id` as in use (a session restored with its identifiers); false if it already was.
  bool reserve(uint16_t id) { return id != 0 && used_.insert(id); }
  void release(uint16_t id) { used_.erase(id); }
  bool in_use(uint16_t id) const { return used_.contains(id); }
  size_t used() const { return used_.size(); }
  void clear() { used_.clear(); }

 private:
  IdSet used_;
  uint16_t next_ = 1;
};

}  // namespace mqtt::session
