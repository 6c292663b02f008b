#include "session/subscriptions.h"

#include <utility>

namespace mqtt::session {

void SubscriptionRegistry::add(Request granted) {
  for (Request& s : items_) {
    if (s.filter() == granted.filter()) {
      s = std::move(granted);
      return;
    }
  }
  items_.push_back(std::move(granted));
}

void SubscriptionRegistry::remove(std::string_view filter) {
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].filter() == filter) {
      take_at(items_, i);
      return;
    }
  }
}

}  // namespace mqtt::session
