#include "c_shared.h"

#include <algorithm>
#include <string>

namespace mqtt::c_api {

bool valid_event(int event) {
  return event >= MQTT_EVENT_CONNECT && event <= MQTT_EVENT_CLOSE;
}

int Listeners::add(int event, mqtt_event_cb cb, void* user, bool once) {
  if (!cb || !valid_event(event)) return MQTT_ERR_INVALID_ARGUMENT;
  entries_.push_back({static_cast<mqtt_event_type_t>(event), cb, user, once, 0});
  return MQTT_ERR_OK;
}

int Listeners::remove(int event, mqtt_event_cb cb, void* user) {
  if (!valid_event(event)) return MQTT_ERR_INVALID_ARGUMENT;
  for (Entry& entry : entries_)
    if (entry.event == event && entry.cb == cb && entry.user == user && entry.removed_at == 0)
      entry.removed_at = ++changes_;
  compact();
  return MQTT_ERR_OK;
}

void Listeners::clear() {
  for (Entry& entry : entries_) entry.removed_at = kGone;
  compact();
}

bool Listeners::has(mqtt_event_type_t event) const {
  for (const Entry& entry : entries_)
    if (entry.removed_at == 0 && entry.event == event) return true;
  return false;
}

void Listeners::emit(mqtt_client_t* client, const mqtt_event_t& e) {
  if (e.type == MQTT_EVENT_CLOSE) closed_ = true;
  const uint32_t start = changes_;
  const size_t n = entries_.size();  // listeners added meanwhile are appended after these
  // `once` listeners leave before any of them runs: a nested delivery (a listener running the
  // loop) does not call them again.
  for (size_t i = 0; i < n; ++i) {
    Entry& entry = entries_[i];
    if (entry.once && entry.removed_at == 0 && entry.event == e.type) entry.removed_at = ++changes_;
  }
  ++delivering_;
  for (size_t i = 0; i < n; ++i) {
    if (closed_ && e.type != MQTT_EVENT_CLOSE) break;
    Entry& entry = entries_[i];
    // Present when this delivery began: called even if removed since (but not after clear()).
    if (entry.event != e.type || (entry.removed_at != 0 && entry.removed_at <= start)) continue;
    mqtt_event_cb cb = entry.cb;  // `entry` may move when a listener adds another
    void* user = entry.user;
    cb(client, &e, user);
  }
  --delivering_;
  compact();
}

void Listeners::compact() {
  if (delivering_ > 0) return;
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [](const Entry& entry) { return entry.removed_at != 0; }),
                 entries_.end());
  changes_ = kGone;  // no delivery remembers a start: the count restarts
}

void convert(const mqtt_options_t& o, ClientOptions& out) {
  if (o.host) out.host = o.host;
  out.port = o.port;
  if (o.client_id) out.client_id = o.client_id;
  if (o.username) out.username = std::string(o.username);
  if (o.password) out.password = std::string(o.password);
  // -1 is the default; any other negative value stays, to be refused as invalid.
  if (o.keepalive_interval != -1) out.keepalive_interval = o.keepalive_interval;
  if (o.protocol_version != 0) out.protocol_version = o.protocol_version;
  if (o.clean >= 0) out.clean = o.clean != 0;
  out.session_expiry_interval = o.session_expiry_interval;
  if (o.url) out.url = o.url;
  if (o.tls) out.protocol = Scheme::mqtts;
  if (o.ca_file) out.tls.ca_file = o.ca_file;
  if (o.cert_file) out.tls.cert_file = o.cert_file;
  if (o.key_file) out.tls.key_file = o.key_file;
  out.tls.verify = !o.insecure;
  if (o.will_topic) {
    WillOptions will;
    will.topic = o.will_topic;
    auto* bytes = static_cast<const uint8_t*>(o.will_message);
    if (bytes) will.payload.assign(bytes, bytes + o.will_message_len);
    will.qos = o.will_qos;
    will.retain = o.will_retain != 0;
    out.will = will;
  }
  if (o.reconnect >= 0) out.reconnect = o.reconnect != 0;
  // 0 keeps each default (MQTT_OPTIONS_INIT leaves them 0).
  auto set = [](uint32_t value, uint32_t& field) {
    if (value != 0) field = value;
  };
  set(o.connect_timeout_ms, out.connect_timeout_ms);
  set(o.reconnect_min_ms, out.reconnect_min_ms);
  set(o.reconnect_max_ms, out.reconnect_max_ms);
  set(o.queue_max_messages, out.queue_max_messages);
  set(o.queue_max_bytes, out.queue_max_bytes);
  set(o.max_inflight, out.max_inflight);
  set(o.max_packet_size, out.max_packet_size);
  if (o.servername) out.tls.servername = o.servername;
  if (o.ca) out.tls.ca = o.ca;
}

int convert(const mqtt_properties_t& in, Properties& out) {
  if (in.has_payload_format_indicator) {
    if (in.payload_format_indicator != 0 && in.payload_format_indicator != 1)
      return MQTT_ERR_INVALID_PROPERTY;
    out.payload_format_indicator = static_cast<uint8_t>(in.payload_format_indicator);
  }
  if (in.has_message_expiry_interval) out.message_expiry_interval = in.message_expiry_interval;
  if (in.content_type) out.content_type = std::string_view(in.content_type);
  if (in.response_topic) out.response_topic = std::string_view(in.response_topic);
  if (in.correlation_data)
    out.correlation_data =
        Bytes(static_cast<const uint8_t*>(in.correlation_data), in.correlation_data_len);
  if (in.user_properties_len > 0 && !in.user_properties) return MQTT_ERR_INVALID_PROPERTY;
  for (size_t i = 0; i < in.user_properties_len; ++i) {
    const mqtt_user_property_t& p = in.user_properties[i];
    if (!p.key || !p.value) return MQTT_ERR_INVALID_PROPERTY;
    out.user_properties.push_back({p.key, p.value});
  }
  return MQTT_ERR_OK;
}

CProperties::CProperties(const Properties& in) {
  // Every string into one buffer, sized first so that the pointers into it stay valid.
  auto size_of = [](const Opt<std::string_view>& s) { return s ? s.value.size() + 1 : 0; };
  size_t size = size_of(in.content_type) + size_of(in.response_topic);
  for (const UserProperty& p : in.user_properties) size += p.key.size() + p.value.size() + 2;
  text_.reserve(size);
  auto add = [this](std::string_view s) {
    const char* at = text_.data() + text_.size();
    text_.append(s.data(), s.size());
    text_.push_back('\0');
    return at;
  };
  if (in.content_type) out_.content_type = add(in.content_type.value);
  if (in.response_topic) out_.response_topic = add(in.response_topic.value);
  user_.reserve(in.user_properties.size());
  for (const UserProperty& p : in.user_properties) {
    const char* key = add(p.key);
    user_.push_back({key, add(p.value)});
  }
  out_.has_payload_format_indicator = in.payload_format_indicator.present;
  out_.payload_format_indicator = in.payload_format_indicator.value;
  out_.has_message_expiry_interval = in.message_expiry_interval.present;
  out_.message_expiry_interval = in.message_expiry_interval.value;
  if (in.correlation_data) {
    static const uint8_t kEmpty = 0;  // present but empty: still a non-NULL pointer
    const Bytes& data = in.correlation_data.value;
    out_.correlation_data = data.data ? data.data : &kEmpty;
    out_.correlation_data_len = data.size;
  }
  out_.user_properties = user_.empty() ? nullptr : user_.data();
  out_.user_properties_len = user_.size();
}

CError::CError(int code, const char* message, int reason_code, std::string_view reason) {
  error.code = code;
  error.message = message;
  error.reason_code = reason_code;
  if (!MQTT_CONFIG_V5 || reason.empty()) return;  // MQTT 5 only
  reason_string.assign(reason.data(), reason.size());
  error.reason_string = reason_string.c_str();
}

void fail_now(mqtt_fail_cb fail, mqtt_client_t* client, int code, void* user) {
  if (!fail) return;
  mqtt_error_t e{code, mqtt_error_message(code), 0, nullptr};
  fail(client, &e, user);
}

}  // namespace mqtt::c_api
