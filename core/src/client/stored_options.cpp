#include "client/stored_options.h"

#include <cstring>
#include <string>

namespace mqtt {

namespace {

std::string_view view(const std::vector<uint8_t>& bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

StoredOptions::StoredOptions(const ClientOptions& o)
    : keepalive_interval(o.keepalive_interval),
      port(o.port),
      protocol_version(o.protocol_version),
      session_expiry_interval(o.session_expiry_interval),
      connect_timeout_ms(o.connect_timeout_ms),
      reconnect_min_ms(o.reconnect_min_ms),
      reconnect_max_ms(o.reconnect_max_ms),
      reconnect_jitter_percent(o.reconnect_jitter_percent),
      refused_retry_ms(o.refused_retry_ms),
      queue_max_messages(o.queue_max_messages),
      queue_max_bytes(o.queue_max_bytes),
      max_inflight(o.max_inflight),
      receive_maximum(o.receive_maximum),
      max_packet_size(o.max_packet_size),
      topic_alias_maximum(o.topic_alias_maximum),
      will_delay_interval(o.will.value.delay_interval),
      will_qos(o.will.value.qos),
      protocol(o.protocol),
      clean(o.clean),
      reconnect(o.reconnect),
      has_username(o.username.present),
      has_password(o.password.present),
      has_will(o.will.present),
      will_retain(o.will.value.retain),
      tls_verify(o.tls.verify),
      servers_(static_cast<uint32_t>(o.servers.size())),
      user_properties_(static_cast<uint32_t>(o.user_properties.size())) {
  const std::string_view texts[kTexts] = {
      o.host, o.path, o.url, o.client_id, o.username.value, o.password.value, o.will.value.topic,
      view(o.will.value.payload), o.authentication_method, view(o.authentication_data),
      o.tls.ca_file, o.tls.ca, o.tls.cert_file, o.tls.key_file, o.tls.servername};
  // Two passes over the same list: count, then copy.
  size_t count = 0, chars = 0;
  for (int pass = 0; pass < 2; ++pass) {
    char* out = pass ? reinterpret_cast<char*>(ends_.get() + count) : nullptr;
    size_t n = 0, end = 0;
    auto add = [&](std::string_view s) {
      end += s.size();
      if (out) {
        std::memcpy(out + end - s.size(), s.data(), s.size());
        ends_[n] = static_cast<uint32_t>(end);
      }
      ++n;
    };
    for (int t = 0; t < kTexts; ++t) {
      if (texts[t].empty()) continue;
      if (!out) present_ |= 1u << t;
      add(texts[t]);
    }
    for (const std::string& s : o.servers) add(s);
    for (const OwnedUserProperty& p : o.user_properties) add(p.key), add(p.value);
    if (pass == 0) {
      count = n, chars = end;
      if (count == 0) return;
      ends_.reset(new uint32_t[count + (chars + 3) / 4]);
    }
  }
}

size_t StoredOptions::stored_texts() const {
  size_t n = 0;
  for (uint32_t bits = present_; bits; bits &= bits - 1) ++n;
  return n;
}

std::string_view StoredOptions::entry(size_t index) const {
  size_t count = stored_texts() + servers_ + 2 * size_t{user_properties_};
  const char* chars = reinterpret_cast<const char*>(ends_.get() + count);
  uint32_t begin = index ? ends_[index - 1] : 0;
  return std::string_view(chars + begin, ends_[index] - begin);
}

std::string_view StoredOptions::text(Text which) const {
  if (!(present_ & (1u << which))) return {};
  size_t index = 0;
  for (uint32_t bits = present_ & ((1u << which) - 1); bits; bits &= bits - 1) ++index;
  return entry(index);
}

Endpoint StoredOptions::endpoint(size_t n) const {
  Endpoint ep;
  if (n > 0) {
    parse_url(server(n - 1), ep);
  } else if (present_ & (1u << url)) {
    parse_url(text(url), ep);
  } else {
    ep.scheme = protocol;
    // assign() uses string code the program already has; a move from a temporary added its own.
    const std::string_view h = text(host), p = text(path);
    ep.host.assign(h.data(), h.size());
    ep.port = static_cast<uint16_t>(port);
    ep.path.assign(p.data(), p.size());
  }
  return ep;
}

bool StoredOptions::has_tls_settings() const {
  constexpr uint32_t kTls = (1u << tls_ca_file) | (1u << tls_ca) | (1u << tls_cert_file) |
                            (1u << tls_key_file) | (1u << tls_servername);
  return (present_ & kTls) || !tls_verify;
}

TlsOptions StoredOptions::unpack_tls() const {
  TlsOptions t;
  t.ca_file = std::string(text(tls_ca_file));
  t.ca = std::string(text(tls_ca));
  t.cert_file = std::string(text(tls_cert_file));
  t.key_file = std::string(text(tls_key_file));
  t.verify = tls_verify;
  t.servername = std::string(text(tls_servername));
  return t;
}

ClientOptions StoredOptions::unpack() const {
  ClientOptions o;
  o.host = std::string(text(host));
  o.port = port;
  o.protocol = protocol;
  o.path = std::string(text(path));
  o.url = std::string(text(url));
  for (size_t i = 0; i < servers_; ++i) o.servers.emplace_back(server(i));
  o.client_id = std::string(text(client_id));
  if (has_username) o.username = std::string(text(username));
  if (has_password) o.password = std::string(text(password));
  o.keepalive_interval = keepalive_interval;
  o.protocol_version = protocol_version;
  o.clean = clean;
  o.session_expiry_interval = session_expiry_interval;
  o.will.present = has_will;
  o.will.value.topic = std::string(text(will_topic));
  std::string_view payload = text(will_payload);
  o.will.value.payload.assign(payload.begin(), payload.end());
  o.will.value.qos = will_qos;
  o.will.value.retain = will_retain;
  o.will.value.delay_interval = will_delay_interval;
  o.connect_timeout_ms = connect_timeout_ms;
  o.reconnect = reconnect;
  o.reconnect_min_ms = reconnect_min_ms;
  o.reconnect_max_ms = reconnect_max_ms;
  o.reconnect_jitter_percent = reconnect_jitter_percent;
  o.refused_retry_ms = refused_retry_ms;
  o.queue_max_messages = queue_max_messages;
  o.queue_max_bytes = queue_max_bytes;
  o.max_inflight = max_inflight;
  o.receive_maximum = receive_maximum;
  o.max_packet_size = max_packet_size;
  o.topic_alias_maximum = topic_alias_maximum;
  for (size_t i = 0; i < user_properties_; ++i)
    o.user_properties.push_back({std::string(user_key(i)), std::string(user_value(i))});
  o.authentication_method = std::string(text(authentication_method));
  std::string_view data = text(authentication_data);
  o.authentication_data.assign(data.begin(), data.end());
  o.tls = unpack_tls();
  return o;
}

}  // namespace mqtt
