#include "session/topic_alias.h"

namespace mqtt::session {

void OutgoingTopicAliases::reset(uint16_t broker_maximum) {
  topics_.clear();
  maximum_ = broker_maximum < MQTT_TOPIC_ALIAS_OUT_MAX ? broker_maximum
                                                        : static_cast<uint16_t>(MQTT_TOPIC_ALIAS_OUT_MAX);
}

uint16_t OutgoingTopicAliases::lookup(std::string_view topic) const {
  for (size_t i = 0; i < topics_.size(); ++i)
    if (topics_[i] == topic) return static_cast<uint16_t>(i + 1);
  return 0;
}

uint16_t OutgoingTopicAliases::next() const {
  return topics_.size() < maximum_ ? static_cast<uint16_t>(topics_.size() + 1) : 0;
}

void OutgoingTopicAliases::assign(std::string_view topic) {
  // Grows the way IncomingTopicAliases does (resize, then assign): one growth path for both.
  topics_.resize(topics_.size() + 1);
  topics_.back().assign(topic.data(), topic.size());
}

void IncomingTopicAliases::reset(uint16_t our_maximum) {
  topics_.clear();
  maximum_ = our_maximum;
}

bool IncomingTopicAliases::resolve(uint16_t alias, std::string_view topic, std::string_view& resolved) {
  if (alias == 0 || alias > maximum_) return false;
  if (topics_.size() < alias) topics_.resize(alias);
  std::string& slot = topics_[alias - 1];
  if (!topic.empty()) {
    slot.assign(topic.data(), topic.size());
  } else if (slot.empty()) {
    return false;
  }
  resolved = slot;
  return true;
}

}  // namespace mqtt::session
