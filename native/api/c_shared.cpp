#include "c_shared.h"

#include <algorithm>
#include <string>

namespace mqtt::c_api {

bool valid_event(int event) {
  return event >= MQTT_EVENT_CONNECT && event <= MQTT_EVENT_CLOSE;
}

int Listeners::add(int event, mqtt_event_cb cb, void* user, bool once) {
  if (!cb || !valid_event(event)) return MQTT_ERR_INVALID_ARGUMENT;
  entries_.push_back({static_cast<mqtt_event_type_t>(event), cb, user, once, false});
  return MQTT_ERR_OK;
}

int Listeners::remove(int event, mqtt_event_cb cb, void* user) {
  if (!valid_event(event)) return MQTT_ERR_INVALID_ARGUMENT;
  for (Entry& entry : entries_)
    if (entry.event == event && entry.cb == cb && entry.user == user) entry.removed = true;
  compact();
  return MQTT_ERR_OK;
}

void Listeners::clear() {
  for (Entry& entry : entries_) entry.removed = true;
  compact();
}

bool Listeners::has(mqtt_event_type_t event) const {
  for (const Entry& entry : entries_)
    if (!entry.removed && entry.event == event) return true;
  return false;
}

void Listeners::emit(mqtt_client_t* client, const mqtt_event_t& e) {
  if (e.type == MQTT_EVENT_CLOSE) closed_ = true;
  ++delivering_;
  // By index, up to the count at the start: listeners added meanwhile are appended after it,
  // and removed ones stay in place (marked) until no delivery runs.
  for (size_t i = 0, n = entries_.size(); i < n; ++i) {
    if (closed_ && e.type != MQTT_EVENT_CLOSE) break;
    Entry& entry = entries_[i];
    if (entry.removed || entry.event != e.type) continue;
    if (entry.once) entry.removed = true;
    mqtt_event_cb cb = entry.cb;  // `entry` may move when a listener adds another
    cb(client, &e, entry.user);
  }
  --delivering_;
  compact();
}

void Listeners::compact() {
  if (delivering_ > 0) return;
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [](const Entry& entry) { return entry.removed; }),
                 entries_.end());
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

void fail_now(mqtt_fail_cb fail, mqtt_client_t* client, int code, void* user) {
  if (!fail) return;
  mqtt_error_t e{code, mqtt_error_message(code), 0};
  fail(client, &e, user);
}

}  // namespace mqtt::c_api
