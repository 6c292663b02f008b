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
  size_t size() const { return bytes_.size() / 2; }
  void clear();  // memory too

 private:
  // Where `id` is or would go.
  size_t position(uint16_t id) const;
  uint16_t at(size_t i) const { return static_cast<uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]); }

  // Sorted, two bytes an identifier: it grows through vector<uint8_t>::resize, the growth path the
  // codec already has, instead of a second one for uint16_t.
  std::vector<uint8_t> bytes_;
};

}  // namespace mqtt::session
