// Filters the broker granted, so they can be subscribed again after a reconnection where the
// broker did not keep the session. Each is kept as its granted request: the encoded SUBSCRIBE
// goes out again as it is, with a new packet identifier. One entry per filter; a later SUBACK
// for the same filter replaces it, an accepted UNSUBACK removes it.
#pragma once

#include <string_view>
#include <vector>

#include "session/request.h"

namespace mqtt::session {

class SubscriptionRegistry {
 public:
  void add(Request granted);
  void remove(std::string_view filter);
  const std::vector<Request>& all() const { return items_; }
  void clear() { std::vector<Request>().swap(items_); }  // memory too
  size_t size() const { return items_.size(); }

 private:
  std::vector<Request> items_;
};

}  // namespace mqtt::session
