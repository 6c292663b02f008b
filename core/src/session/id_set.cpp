#include "session/id_set.h"

#include <cstring>

namespace mqtt::session {

size_t IdSet::position(uint16_t id) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (at(mid) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void IdSet::clear() { std::vector<uint8_t>().swap(bytes_); }

bool IdSet::contains(uint16_t id) const {
  size_t i = position(id);
  return i < size() && at(i) == id;
}

bool IdSet::insert(uint16_t id) {
  size_t i = position(id);
  if (i < size() && at(i) == id) return false;
  const size_t n = bytes_.size();
  bytes_.resize(n + 2);
  uint8_t* p = bytes_.data() + 2 * i;
  std::memmove(p + 2, p, n - 2 * i);
  p[0] = static_cast<uint8_t>(id >> 8);
  p[1] = static_cast<uint8_t>(id & 0xFF);
  return true;
}

bool IdSet::erase(uint16_t id) {
  size_t i = position(id);
  if (i == size() || at(i) != id) return false;
  uint8_t* p = bytes_.data() + 2 * i;
  std::memmove(p, p + 2, bytes_.size() - 2 * i - 2);
  bytes_.resize(bytes_.size() - 2);
  return true;
}

}  // namespace mqtt::session
