// MQTT 5 properties: one table says each property's identifier, data type and the packets that
// may carry it (5.0 table 2-4); decoding and encoding are driven by it.
#include "codec/properties.h"

#if MQTT_CONFIG_V5

namespace mqtt::codec {
namespace {

enum Kind : uint8_t { kByte, kU16, kU32, kVarint, kString, kBinary, kPair };

struct Info {
  uint8_t id;
  Kind kind;
  Where where;
};

constexpr Where W = kWillProperties;
constexpr Where CONNECT = where(PacketType::connect), CONNACK = where(PacketType::connack),
                PUBLISH = where(PacketType::publish), SUBSCRIBE = where(PacketType::subscribe),
                DISCONNECT = where(PacketType::disconnect), AUTH = where(PacketType::auth);
constexpr Where ACKS = where(PacketType::puback) | where(PacketType::pubrec) |
                       where(PacketType::pubrel) | where(PacketType::pubcomp) |
                       where(PacketType::suback) | where(PacketType::unsuback);
constexpr Where ALL = 0xFFFF & ~Where(1u << 12 | 1u << 13);  // not PINGREQ, PINGRESP

// clang-format off: one property per line
constexpr Info kTable[] = {
    {0x01, kByte, PUBLISH | W},                           // payload format indicator
    {0x02, kU32, PUBLISH | W},                            // message expiry interval
    {0x03, kString, PUBLISH | W},                         // content type
    {0x08, kString, PUBLISH | W},                         // response topic
    {0x09, kBinary, PUBLISH | W},                         // correlation data
    {0x0B, kVarint, PUBLISH | SUBSCRIBE},                 // subscription identifier
    {0x11, kU32, CONNECT | CONNACK | DISCONNECT},         // session expiry interval
    {0x12, kString, CONNACK},                             // assigned client identifier
    {0x13, kU16, CONNACK},                                // server keep alive
    {0x15, kString, CONNECT | CONNACK | AUTH},            // authentication method
    {0x16, kBinary, CONNECT | CONNACK | AUTH},            // authentication data
    {0x17, kByte, CONNECT},                               // request problem information
    {0x18, kU32, W},                                      // will delay interval
    {0x19, kByte, CONNECT},                               // request response information
    {0x1A, kString, CONNACK},                             // response information
    {0x1C, kString, CONNACK | DISCONNECT},                // server reference
    {0x1F, kString, CONNACK | ACKS | DISCONNECT | AUTH},  // reason string
    {0x21, kU16, CONNECT | CONNACK},                      // receive maximum
    {0x22, kU16, CONNECT | CONNACK},                      // topic alias maximum
    {0x23, kU16, PUBLISH},                                // topic alias
    {0x24, kByte, CONNACK},                               // maximum qos
    {0x25, kByte, CONNACK},                               // retain available
    {0x26, kPair, ALL},                                   // user property
    {0x27, kU32, CONNECT | CONNACK},                      // maximum packet size
    {0x28, kByte, CONNACK},                               // wildcard subscription available
    {0x29, kByte, CONNACK},                               // subscription identifier available
    {0x2A, kByte, CONNACK},                               // shared subscription available
};
// clang-format on

const Info* find(uint32_t id) {
  for (const Info& info : kTable) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

// Range rules of the integer properties (5.0 section 3.1.2.11 and 3.2.2.3).
bool value_valid(uint8_t id, uint32_t v) {
  // clang-format off
  switch (id) {
    case 0x0B:  // subscription identifier: 1 .. 268,435,455 [MQTT-3.3.4-6]
      return v != 0 && v <= kMaxVarint;
    case 0x21:  // receive maximum
    case 0x23:  // topic alias
    case 0x27:  // maximum packet size
      return v != 0;
    case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2A:
      return v <= 1;  // the flags and maximum qos are 0 or 1
    default:
      return true;
  }
  // clang-format on
}

// Repeated properties: user property anywhere, subscription identifier only in PUBLISH.
bool may_repeat(uint8_t id, Where w) { return id == 0x26 || (id == 0x0B && w == PUBLISH); }

struct PropertyWriter {
  Writer& w;
  Where where;

  bool start(uint8_t id) {
    if (!(find(id)->where & where)) w.fail(ErrorCode::property_not_allowed);
    w.u8(id);
    return w.ok();
  }
  template <class T>
  void number(uint8_t id, const Opt<T>& v) {
    if (!v || !start(id)) return;
    if (!value_valid(id, v.value)) return w.fail(ErrorCode::invalid_property);
    switch (find(id)->kind) {
      case kByte:
        w.u8(uint8_t(v.value));
        break;
      case kU16:
        w.u16(uint16_t(v.value));
        break;
      case kU32:
        w.u32(uint32_t(v.value));
        break;
      default:
        w.varint(uint32_t(v.value));
        break;
    }
  }
  void string(uint8_t id, const Opt<std::string_view>& v) {
    if (v && start(id)) w.string(v.value);
  }
  void binary(uint8_t id, const Opt<Bytes>& v) {
    if (v && start(id)) w.binary(v.value);
  }
};

void store(Properties& p, uint8_t id, uint32_t num, std::string_view key, std::string_view str,
           Bytes bin) {
  // clang-format off
  switch (id) {
    case 0x01: p.payload_format_indicator = uint8_t(num); break;
    case 0x02: p.message_expiry_interval = num; break;
    case 0x03: p.content_type = str; break;
    case 0x08: p.response_topic = str; break;
    case 0x09: p.correlation_data = bin; break;
    case 0x0B: p.subscription_identifiers.push_back(num); break;
    case 0x11: p.session_expiry_interval = num; break;
    case 0x12: p.assigned_client_identifier = str; break;
    case 0x13: p.server_keep_alive = uint16_t(num); break;
    case 0x15: p.authentication_method = str; break;
    case 0x16: p.authentication_data = bin; break;
    case 0x17: p.request_problem_information = uint8_t(num); break;
    case 0x18: p.will_delay_interval = num; break;
    case 0x19: p.request_response_information = uint8_t(num); break;
    case 0x1A: p.response_information = str; break;
    case 0x1C: p.server_reference = str; break;
    case 0x1F: p.reason_string = str; break;
    case 0x21: p.receive_maximum = uint16_t(num); break;
    case 0x22: p.topic_alias_maximum = uint16_t(num); break;
    case 0x23: p.topic_alias = uint16_t(num); break;
    case 0x24: p.maximum_qos = uint8_t(num); break;
    case 0x25: p.retain_available = uint8_t(num); break;
    case 0x26: p.user_properties.push_back({key, str}); break;
    case 0x27: p.maximum_packet_size = num; break;
    case 0x28: p.wildcard_subscription_available = uint8_t(num); break;
    case 0x29: p.subscription_identifier_available = uint8_t(num); break;
    case 0x2A: p.shared_subscription_available = uint8_t(num); break;
    default: break;
  }
  // clang-format on
}

}  // namespace

uint32_t write_properties(Writer& w, const Properties& p, Where where) {
  // The list's length goes in front of it: the measuring pass counts it and keeps it for the
  // writing pass, which writes it first.
  if (w.props >= 2) {
    w.fail(ErrorCode::invalid_argument);
    return 0;
  }
  const uint8_t index = w.props++;
  size_t start = w.len;
  if (!w.measuring()) {
    w.varint(w.prop_lengths[index]);
    start = w.len;
  }
  PropertyWriter pw{w, where};
  pw.number(0x01, p.payload_format_indicator);
  pw.number(0x02, p.message_expiry_interval);
  pw.string(0x03, p.content_type);
  pw.string(0x08, p.response_topic);
  pw.binary(0x09, p.correlation_data);
  if (where == SUBSCRIBE && p.subscription_identifiers.size() > 1) {
    w.fail(ErrorCode::invalid_property);  // one per SUBSCRIBE [MQTT-3.8.2.1.2]
  }
  for (uint32_t id : p.subscription_identifiers) pw.number(0x0B, Opt<uint32_t>(id));
  pw.number(0x11, p.session_expiry_interval);
  pw.string(0x12, p.assigned_client_identifier);
  pw.number(0x13, p.server_keep_alive);
  pw.string(0x15, p.authentication_method);
  pw.binary(0x16, p.authentication_data);
  pw.number(0x17, p.request_problem_information);
  pw.number(0x18, p.will_delay_interval);
  pw.number(0x19, p.request_response_information);
  pw.string(0x1A, p.response_information);
  pw.string(0x1C, p.server_reference);
  pw.string(0x1F, p.reason_string);
  pw.number(0x21, p.receive_maximum);
  pw.number(0x22, p.topic_alias_maximum);
  pw.number(0x23, p.topic_alias);
  pw.number(0x24, p.maximum_qos);
  pw.number(0x25, p.retain_available);
  for (const UserProperty& up : p.user_properties) {
    if (!pw.start(0x26)) break;
    w.string(up.key);
    w.string(up.value);
  }
  pw.number(0x27, p.maximum_packet_size);
  pw.number(0x28, p.wildcard_subscription_available);
  pw.number(0x29, p.subscription_identifier_available);
  pw.number(0x2A, p.shared_subscription_available);
  const uint32_t length = uint32_t(w.len - start);
  if (w.measuring()) {
    if (length > kMaxVarint) w.fail(ErrorCode::payload_too_large);
    w.prop_lengths[index] = length;
    w.len += varint_size(length);
  }
  return length;
}

void read_properties(Reader& r, Properties& p, Where where) {
  const uint32_t length = r.varint();
  Reader pr(r.take(length));
  uint64_t seen = 0;  // identifiers are below 64
  while (r.ok() && pr.ok() && !pr.empty()) {
    const uint32_t id = pr.varint();
    const Info* info = find(id);
    if (!pr.ok()) break;
    if (!info) return r.fail(ErrorCode::malformed_property);
    if (!(info->where & where)) return r.fail(ErrorCode::property_not_allowed);
    if ((seen >> id & 1) && !may_repeat(info->id, where)) {
      return r.fail(ErrorCode::duplicate_property);
    }
    seen |= uint64_t(1) << id;
    uint32_t num = 0;
    std::string_view key, str;
    Bytes bin;
    switch (info->kind) {
      case kByte:
        num = pr.u8();
        break;
      case kU16:
        num = pr.u16();
        break;
      case kU32:
        num = pr.u32();
        break;
      case kVarint:
        num = pr.varint();
        break;
      case kString:
        str = pr.string();
        break;
      case kBinary:
        bin = pr.binary();
        break;
      case kPair:
        key = pr.string(), str = pr.string();
        break;
    }
    if (!pr.ok()) break;
    if (!value_valid(info->id, num)) return r.fail(ErrorCode::malformed_property);
    store(p, info->id, num, key, str, bin);
  }
  if (!pr.ok()) r.fail(pr.err);
}

}  // namespace mqtt::codec

#endif  // MQTT_CONFIG_V5
