// Filters the broker granted, so they can be subscribed again after a reconnection where the
// broker did not keep the session. One entry per filter; a later SUBACK for the same filter
// replaces it, an accepted UNSUBACK removes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt::session {

struct Subscription {
  std::string filter;
  uint8_t qos = 0;
  uint8_t flags = 0;  // as Request::sub_flags
  uint32_t subscription_identifier = 0;
};

class SubscriptionRegistry {
 public:
  void add(Subscription subscription);
  void remove(std::string_view filter);
  const std::vector<Subscription>& all() const { return items_; }
  size_t size() const { return items_.size(); }

 private:
  std::vector<Subscription> items_;
};

}  // namespace mqtt::session
