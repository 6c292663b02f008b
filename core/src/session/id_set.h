// A set of 16-bit packet identifiers kept as a sorted list: memory grows with the identifiers
// held only. Shared by the packet-id pool (ours in flight) and the incoming QoS 2 table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mqtt::session {

class IdSet {
 public:
  bool contains(uint16_t id) const;
  // False if `id` was already held.
  bool insert(uint16_t id);
  // False if `id` was not held.
  bool erase(uint16_t id);
  size_t size() const { return ids_.size(); }
  void clear() { ids_.clear(); }

 private:
  // Where `id` is or would go.
  size_t position(uint16_t id) const;

  std::vector<uint16_t> ids_;  // sorted
};

}  // namespace mqtt::session
