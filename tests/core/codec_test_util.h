// Helpers of the codec tests: a full textual description of a packet (so two packets compare
// field by field, with a readable diff on failure), hex dumps and a collecting PacketSink.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/codec.h"
#include "mqtt/error.h"

namespace mqtt::test {

// Whether this build has MQTT 5.0 (MQTT_CONFIG_V5); without it every 5.0 case expects
// not_supported.
constexpr bool kV5 = MQTT_CONFIG_V5 != 0;

inline std::string hex(const uint8_t* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}
inline std::string hex(const std::vector<uint8_t>& v) { return hex(v.data(), v.size()); }
inline std::string hex(Bytes b) { return hex(b.data, b.size); }

class Describer {
 public:
  std::string out;

  void field(const char* name, const std::string& value) {
    out += ' ';
    out += name;
    out += '=';
    out += value;
  }
  void num(const char* name, unsigned long v) { field(name, std::to_string(v)); }
  void str(const char* name, std::string_view v) { field(name, "\"" + std::string(v) + "\""); }
  void bin(const char* name, Bytes b) { field(name, "[" + hex(b) + "]"); }
  template <class T>
  void opt_num(const char* name, const Opt<T>& v) {
    if (v) num(name, v.value);
  }
  void opt_str(const char* name, const Opt<std::string_view>& v) {
    if (v) str(name, v.value);
  }
  void opt_bin(const char* name, const Opt<Bytes>& v) {
    if (v) bin(name, v.value);
  }

  void props(const Properties& p) {
    opt_num("payload_format_indicator", p.payload_format_indicator);
    opt_num("message_expiry_interval", p.message_expiry_interval);
    opt_str("content_type", p.content_type);
    opt_str("response_topic", p.response_topic);
    opt_bin("correlation_data", p.correlation_data);
    for (uint32_t id : p.subscription_identifiers) num("subscription_identifier", id);
    opt_num("session_expiry_interval", p.session_expiry_interval);
    opt_str("assigned_client_identifier", p.assigned_client_identifier);
    opt_num("server_keep_alive", p.server_keep_alive);
    opt_str("authentication_method", p.authentication_method);
    opt_bin("authentication_data", p.authentication_data);
    opt_num("request_problem_information", p.request_problem_information);
    opt_num("will_delay_interval", p.will_delay_interval);
    opt_num("request_response_information", p.request_response_information);
    opt_str("response_information", p.response_information);
    opt_str("server_reference", p.server_reference);
    opt_str("reason_string", p.reason_string);
    opt_num("receive_maximum", p.receive_maximum);
    opt_num("topic_alias_maximum", p.topic_alias_maximum);
    opt_num("topic_alias", p.topic_alias);
    opt_num("maximum_qos", p.maximum_qos);
    opt_num("retain_available", p.retain_available);
    for (const UserProperty& u : p.user_properties) {
      field("user_property", "\"" + std::string(u.key) + "\"=\"" + std::string(u.value) + "\"");
    }
    opt_num("maximum_packet_size", p.maximum_packet_size);
    opt_num("wildcard_subscription_available", p.wildcard_subscription_available);
    opt_num("subscription_identifier_available", p.subscription_identifier_available);
    opt_num("shared_subscription_available", p.shared_subscription_available);
  }

#if !MQTT_CONFIG_V5
  void props(const PacketProperties&) {}  // 3.1.1-only packets carry none
#endif

  void packet(const Packet& packet) {
    num("type", unsigned(packet_type(packet)));
    if (auto* p = std::get_if<Connect>(&packet)) {
      num("version", unsigned(p->version));
      num("clean_start", p->clean_start);
      num("keep_alive", p->keep_alive);
      str("client_id", p->client_id);
      if (p->will) {
        str("will_topic", p->will.value.topic);
        bin("will_payload", p->will.value.payload);
        num("will_qos", p->will.value.qos);
        num("will_retain", p->will.value.retain);
        out += " will{";
        props(p->will.value.properties);
        out += " }";
      }
      opt_str("username", p->username);
      opt_bin("password", p->password);
      props(p->properties);
    } else if (auto* p = std::get_if<Connack>(&packet)) {
      num("session_present", p->session_present);
      num("reason_code", p->reason_code);
      props(p->properties);
    } else if (auto* p = std::get_if<Publish>(&packet)) {
      num("qos", p->qos);
      num("retain", p->retain);
      num("dup", p->dup);
      str("topic", p->topic);
      num("packet_id", p->packet_id);
      bin("payload", p->payload);
      props(p->properties);
    } else if (auto* p = std::get_if<Ack>(&packet)) {
      num("packet_id", p->packet_id);
      num("reason_code", p->reason_code);
      props(p->properties);
    } else if (auto* p = std::get_if<Subscribe>(&packet)) {
      num("packet_id", p->packet_id);
      for (const SubscribeTopic& t : p->topics) {
        str("filter", t.filter);
        num("qos", t.qos);
        num("no_local", t.no_local);
        num("retain_as_published", t.retain_as_published);
        num("retain_handling", t.retain_handling);
      }
      props(p->properties);
    } else if (auto* p = std::get_if<Suback>(&packet)) {
      num("packet_id", p->packet_id);
      bin("reason_codes", p->reason_codes);
      props(p->properties);
    } else if (auto* p = std::get_if<Unsubscribe>(&packet)) {
      num("packet_id", p->packet_id);
      for (std::string_view f : p->filters) str("filter", f);
      props(p->properties);
    } else if (auto* p = std::get_if<Disconnect>(&packet)) {
      num("reason_code", p->reason_code);
      props(p->properties);
    } else if (auto* p = std::get_if<Auth>(&packet)) {
      num("reason_code", p->reason_code);
      props(p->properties);
    }
  }
};

inline std::string describe(const Packet& packet) {
  Describer d;
  d.packet(packet);
  return d.out;
}

// Collects what the decoder hands out: descriptions (the views die with the callback) and the
// payload pointers of PUBLISH packets (to check that they point into the fed bytes).
class Collector : public PacketSink {
 public:
  std::vector<std::string> packets;
  std::vector<const uint8_t*> payloads;
  size_t stop_after = SIZE_MAX;  // return false from the stop_after-th packet on

  bool on_packet(const Packet& packet) override {
    packets.push_back(describe(packet));
    if (auto* p = std::get_if<Publish>(&packet)) payloads.push_back(p->payload.data);
    return packets.size() < stop_after;
  }
};

}  // namespace mqtt::test
