#include "session/id_set.h"

#include <algorithm>

namespace mqtt::session {

size_t IdSet::position(uint16_t id) const {
  return static_cast<size_t>(std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin());
}

bool IdSet::contains(uint16_t id) const {
  size_t at = position(id);
  return at < ids_.size() && ids_[at] == id;
}

bool IdSet::insert(uint16_t id) {
  size_t at = position(id);
  if (at < ids_.size() && ids_[at] == id) return false;
  ids_.insert(ids_.begin() + static_cast<std::ptrdiff_t>(at), id);
  return true;
}

bool IdSet::erase(uint16_t id) {
  size_t at = position(id);
  if (at == ids_.size() || ids_[at] != id) return false;
  ids_.erase(ids_.begin() + static_cast<std::ptrdiff_t>(at));
  return true;
}

}  // namespace mqtt::session
