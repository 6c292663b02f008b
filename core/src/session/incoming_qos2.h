// Packet identifiers of incoming QoS 2 messages already delivered and not yet released by PUBREL.
// A PUBLISH with one of these identifiers is a retransmission: acknowledged, not delivered again.
// Bounded by our Receive Maximum in 5.0 [MQTT-3.3.4-9], by the 65,535 identifiers in 3.1.1.
#pragma once

#include <cstdint>
#include <cstddef>
#include <vector>

namespace mqtt::session {

class IncomingQos2 {
 public:
  bool contains(uint16_t id) const;
  void add(uint16_t id);
  // False if `id` was not held.
  bool release(uint16_t id);
  size_t size() const { return ids_.size(); }
  void clear() { ids_.clear(); }

 private:
  std::vector<uint16_t> ids_;  // sorted
};

}  // namespace mqtt::session
