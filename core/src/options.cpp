// Endpoint defaults, URL parsing and the option checks connect() (and the hosts) apply.
#include <cstdint>
#include <string_view>

#include "mqtt/engine.h"
#include "mqtt/options.h"

namespace mqtt {

uint16_t Endpoint::effective_port() const {
  if (port != 0) return port;
  switch (scheme) {
    case Scheme::mqtt: return 1883;
    case Scheme::mqtts: return 8883;
    case Scheme::ws: return 80;
    case Scheme::wss: return 443;
  }
  return 1883;
}

#if MQTT_CONFIG_URL
namespace {

bool parse_scheme(std::string_view name, Scheme& out) {
  if (name == "mqtt" || name == "tcp") out = Scheme::mqtt;
  else if (name == "mqtts" || name == "ssl" || name == "tls") out = Scheme::mqtts;
  else if (name == "ws") out = Scheme::ws;
  else if (name == "wss") out = Scheme::wss;
  else return false;
  return true;
}

bool parse_port(std::string_view digits, uint16_t& out) {
  if (digits.empty() || digits.size() > 5) return false;
  uint32_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  out = static_cast<uint16_t>(value);
  return true;
}

bool valid_host_char(char c) {
  // Registered names and IPv4 literals; no user-info, spaces or control characters.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '%';
}

}  // namespace

bool parse_url(std::string_view url, Endpoint& out) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  Endpoint ep;
  if (!parse_scheme(url.substr(0, sep), ep.scheme)) return false;
  std::string_view rest = url.substr(sep + 3);
  size_t path_at = rest.find('/');
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
    if (host.empty()) return false;
    for (char c : host)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
            c == '.' || c == '%'))
        return false;
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty()) return false;
    for (char c : host)
      if (!valid_host_char(c)) return false;
  }
  if (!port.empty() && !parse_port(port, ep.port)) return false;
  ep.host.assign(host.data(), host.size());
  if (ep.is_websocket() && !path.empty()) ep.path.assign(path.data(), path.size());
  out = std::move(ep);
  return true;
}
#else
bool parse_url(std::string_view, Endpoint&) { return false; }
#endif

ErrorCode validate_options(const ClientOptions& o) {
#if MQTT_CONFIG_V5
  if (o.protocol_version != 4 && o.protocol_version != 5) return ErrorCode::invalid_protocol_version;
#else
  if (o.protocol_version == 5) return ErrorCode::not_supported;
  if (o.protocol_version != 4) return ErrorCode::invalid_protocol_version;
#endif
#if MQTT_CONFIG_URL
  Endpoint ep;
  if (!o.url.empty() && !parse_url(o.url, ep)) return ErrorCode::invalid_url;
#else
  if (!o.url.empty()) return ErrorCode::not_supported;  // no Endpoint is built at all
#endif
  if (o.url.empty() && o.host.empty()) return ErrorCode::missing_host;
  if (o.port < 0 || o.port > 65535) return ErrorCode::invalid_port;
#if MQTT_CONFIG_URL
  for (const std::string& server : o.servers)
    if (!parse_url(server, ep)) return ErrorCode::invalid_url;
#else
  if (!o.servers.empty()) return ErrorCode::not_supported;
#endif
  if (o.keepalive_interval < 0 || o.keepalive_interval > 65535) return ErrorCode::invalid_keepalive;
  if (o.client_id.size() > 65535 || !is_valid_utf8(o.client_id)) return ErrorCode::invalid_client_id;
  if (o.username && (o.username.value.size() > 65535 || !is_valid_utf8(o.username.value)))
    return ErrorCode::invalid_utf8;
  if (o.password && o.password.value.size() > 65535) return ErrorCode::invalid_argument;
  if (o.will) {
    ErrorCode rc = validate_topic_name(o.will.value.topic);
    if (rc != ErrorCode::ok) return rc;
    if (o.will.value.qos < 0 || o.will.value.qos > 2) return ErrorCode::invalid_qos;
    if (o.will.value.payload.size() > 65535) return ErrorCode::payload_too_large;
  }
  if (o.max_inflight == 0 || o.max_inflight > 65535) return ErrorCode::invalid_options;
  if (o.receive_maximum == 0 || o.receive_maximum > 65535) return ErrorCode::invalid_options;
  if (o.topic_alias_maximum > 65535) return ErrorCode::invalid_options;
  if (o.max_packet_size < 16 || o.max_packet_size > 268435460u) return ErrorCode::invalid_options;
  if (o.reconnect_jitter_percent > 100) return ErrorCode::invalid_options;
  for (const OwnedUserProperty& p : o.user_properties)
    if (!is_valid_utf8(p.key) || !is_valid_utf8(p.value)) return ErrorCode::invalid_utf8;
  if (!is_valid_utf8(o.authentication_method)) return ErrorCode::invalid_utf8;
  return ErrorCode::ok;
}

}  // namespace mqtt
