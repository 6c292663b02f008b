// Topic name and topic filter rules (MQTT 3.1.1 section 4.7, 5.0 sections 4.7 and 4.8.2).
#include "codec/wire.h"
#include "mqtt/engine.h"

namespace mqtt {
namespace {

constexpr size_t kMaxString = 0xFFFF;

// Each level of a filter is either free of wildcards, exactly "+", or exactly "#" as the last one:
// a wildcard has a '/' or the filter's end on both sides, and "#" ends the filter.
bool filter_levels_valid(std::string_view filter) {
  const size_t n = filter.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    if (i > 0 && filter[i - 1] != '/') return false;
    if (i + 1 < n && (c == '#' || filter[i + 1] != '/')) return false;
  }
  return true;
}

}  // namespace

bool codec::has_wildcard(std::string_view s) {
  for (char c : s)
    if (c == '+' || c == '#') return true;
  return false;
}

ErrorCode validate_topic_name(std::string_view topic) {
  if (topic.empty()) return ErrorCode::invalid_topic;
  if (topic.size() > kMaxString) return ErrorCode::topic_too_long;
  if (!is_valid_utf8(topic)) return ErrorCode::invalid_utf8;
  if (codec::has_wildcard(topic)) return ErrorCode::invalid_topic;
  return ErrorCode::ok;
}

ErrorCode validate_topic_filter(std::string_view filter) {
  if (filter.empty()) return ErrorCode::invalid_topic_filter;
  if (filter.size() > kMaxString) return ErrorCode::topic_too_long;
  if (!is_valid_utf8(filter)) return ErrorCode::invalid_utf8;
  // $share/{ShareName}/{filter}: a non-empty share name without wildcards or '/', then a
  // non-empty filter (5.0 section 4.8.2; harmless to accept in 3.1.1, where it is a plain filter).
  constexpr std::string_view kShare = "$share/";
  if (filter.substr(0, kShare.size()) == kShare) {
    std::string_view rest = filter.substr(kShare.size());
    const size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos) return ErrorCode::invalid_topic_filter;
    if (codec::has_wildcard(rest.substr(0, slash))) return ErrorCode::invalid_topic_filter;
    filter = rest.substr(slash + 1);
    if (filter.empty()) return ErrorCode::invalid_topic_filter;
  }
  return filter_levels_valid(filter) ? ErrorCode::ok : ErrorCode::invalid_topic_filter;
}

}  // namespace mqtt
