// MQTT 5 topic aliases, both directions; both maps live for one connection only [MQTT-3.3.2-7].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Outgoing aliases the client assigns, at most (also capped by the broker's Topic Alias Maximum).
// Bounds the memory the broker's maximum could otherwise make us spend on remembered topics.
#ifndef MQTT_TOPIC_ALIAS_OUT_MAX
#define MQTT_TOPIC_ALIAS_OUT_MAX 16u
#endif

namespace mqtt::session {

// Topics we sent with an alias: alias i+1 is topics_[i]. New topics get the next alias until the
// maximum; after that they go out in full (no replacement, so the mapping never changes under
// a message the broker is still reading).
class OutgoingTopicAliases {
 public:
  void reset(uint16_t broker_maximum);
  // The alias the broker already knows for `topic` (the topic may then be left empty), or 0.
  uint16_t lookup(std::string_view topic) const;
  // The alias a new topic would get, or 0 when all are taken. Nothing is recorded until
  // assign(): a packet that does not go out with the alias must not teach us a mapping the
  // broker never learned.
  uint16_t next() const;
  void assign(std::string_view topic);
  // Whether any alias may be used on this connection (the broker allows at least one).
  bool enabled() const { return maximum_ != 0; }

 private:
  std::vector<std::string> topics_;
  uint16_t maximum_ = 0;
};

// Aliases the broker sets, up to our Topic Alias Maximum.
class IncomingTopicAliases {
 public:
  void reset(uint16_t our_maximum);
  // Records (non-empty topic) or resolves (empty topic) an alias. False: alias 0, above the
  // maximum, or unknown [MQTT-3.3.2-8, -9].
  bool resolve(uint16_t alias, std::string_view topic, std::string_view& resolved);

 private:
  std::vector<std::string> topics_;  // index alias-1; empty: not set
  uint16_t maximum_ = 0;
};

}  // namespace mqtt::session
