#include "session/subscriptions.h"

#include <utility>

namespace mqtt::session {

void SubscriptionRegistry::add(Subscription subscription) {
  for (Subscription& s : items_) {
    if (s.filter == subscription.filter) {
      s = std::move(subscription);
      return;
    }
  }
  items_.push_back(std::move(subscription));
}

void SubscriptionRegistry::remove(std::string_view filter) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->filter == filter) {
      items_.erase(it);
      return;
    }
  }
}

}  // namespace mqtt::session
