// Packet identifiers of incoming QoS 2 messages already delivered and not yet released by PUBREL.
// A PUBLISH with one of these identifiers is a retransmission: acknowledged, not delivered again.
// Bounded by our Receive Maximum in 5.0 [MQTT-3.3.4-9], by the 65,535 identifiers in 3.1.1.
#pragma once

#include <cstdint>
#include <cstddef>

#include "session/id_set.h"

namespace mqtt::session {

class IncomingQos2 {
 public:
  bool contains(uint16_t id) const { return ids_.contains(id); }
  void add(uint16_t id) { ids_.insert(id); }
  // False if `id` was not held.
  bool release(uint16_t id) { return ids_.erase(id); }
  size_t size() const { return ids_.size(); }
  void clear() { ids_.clear(); }

 private:
  IdSet ids_;
};

}  // namespace mqtt::session
