// MQTT 5 properties: one table says each property's identifier, data type, the packets that may
// carry it (5.0 table 2-4) and where its field sits in Properties; decoding and encoding walk
// the table instead of naming every field twice.
#include "codec/properties.h"

#if MQTT_CONFIG_V5

#include <cstddef>
#include <type_traits>

namespace mqtt::codec {
namespace {

enum Kind : uint8_t { kByte, kU16, kU32, kVarint, kString, kBinary, kPair };

struct Info {
  uint8_t id;
  Kind kind;
  Where where;
  // The Opt<> field of a single-valued property; kVarint and kPair are the two vectors.
  uint16_t offset;
};

constexpr Where W = kWillProperties;
constexpr Where CONNECT = where(PacketType::connect), CONNACK = where(PacketType::connack),
                PUBLISH = where(PacketType::publish), SUBSCRIBE = where(PacketType::subscribe),
                DISCONNECT = where(PacketType::disconnect), AUTH = where(PacketType::auth);
constexpr Where ACKS = where(PacketType::puback) | where(PacketType::pubrec) |
                       where(PacketType::pubrel) | where(PacketType::pubcomp) |
                       where(PacketType::suback) | where(PacketType::unsuback);
constexpr Where ALL = 0xFFFF & ~Where(1u << 12 | 1u << 13);  // not PINGREQ, PINGRESP

// offsetof() needs a standard-layout struct (plain fields, Opt<> and vectors).
static_assert(std::is_standard_layout_v<Properties>, "Properties fields are found by offset");
#define MQTT_PROPERTY(id, kind, field, where) {id, kind, where, offsetof(Properties, field)}

// Written in this order (by identifier). clang-format off: one property per line
constexpr Info kTable[] = {
    MQTT_PROPERTY(0x01, kByte, payload_format_indicator, PUBLISH | W),
    MQTT_PROPERTY(0x02, kU32, message_expiry_interval, PUBLISH | W),
    MQTT_PROPERTY(0x03, kString, content_type, PUBLISH | W),
    MQTT_PROPERTY(0x08, kString, response_topic, PUBLISH | W),
    MQTT_PROPERTY(0x09, kBinary, correlation_data, PUBLISH | W),
    MQTT_PROPERTY(0x0B, kVarint, subscription_identifiers, PUBLISH | SUBSCRIBE),
    MQTT_PROPERTY(0x11, kU32, session_expiry_interval, CONNECT | CONNACK | DISCONNECT),
    MQTT_PROPERTY(0x12, kString, assigned_client_identifier, CONNACK),
    MQTT_PROPERTY(0x13, kU16, server_keep_alive, CONNACK),
    MQTT_PROPERTY(0x15, kString, authentication_method, CONNECT | CONNACK | AUTH),
    MQTT_PROPERTY(0x16, kBinary, authentication_data, CONNECT | CONNACK | AUTH),
    MQTT_PROPERTY(0x17, kByte, request_problem_information, CONNECT),
    MQTT_PROPERTY(0x18, kU32, will_delay_interval, W),
    MQTT_PROPERTY(0x19, kByte, request_response_information, CONNECT),
    MQTT_PROPERTY(0x1A, kString, response_information, CONNACK),
    MQTT_PROPERTY(0x1C, kString, server_reference, CONNACK | DISCONNECT),
    MQTT_PROPERTY(0x1F, kString, reason_string, CONNACK | ACKS | DISCONNECT | AUTH),
    MQTT_PROPERTY(0x21, kU16, receive_maximum, CONNECT | CONNACK),
    MQTT_PROPERTY(0x22, kU16, topic_alias_maximum, CONNECT | CONNACK),
    MQTT_PROPERTY(0x23, kU16, topic_alias, PUBLISH),
    MQTT_PROPERTY(0x24, kByte, maximum_qos, CONNACK),
    MQTT_PROPERTY(0x25, kByte, retain_available, CONNACK),
    MQTT_PROPERTY(0x26, kPair, user_properties, ALL),
    MQTT_PROPERTY(0x27, kU32, maximum_packet_size, CONNECT | CONNACK),
    MQTT_PROPERTY(0x28, kByte, wildcard_subscription_available, CONNACK),
    MQTT_PROPERTY(0x29, kByte, subscription_identifier_available, CONNACK),
    MQTT_PROPERTY(0x2A, kByte, shared_subscription_available, CONNACK),
};
// clang-format on
#undef MQTT_PROPERTY

const Info* find(uint32_t id) {
  for (const Info& info : kTable) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

// The Opt<T> field of `info` in `p`.
template <class T, class P>
auto& field(P& p, const Info& info) {
  using Field = std::conditional_t<std::is_const_v<P>, const Opt<T>, Opt<T>>;
  using Byte = std::conditional_t<std::is_const_v<P>, const char, char>;
  return *reinterpret_cast<Field*>(reinterpret_cast<Byte*>(&p) + info.offset);
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

// One property: identifier, then the value (`num` for the integers, `value` for a string or
// binary, `key` and `value` for a user property).
void put(Writer& w, const Info& info, Where where, uint32_t num, Bytes value = {},
         std::string_view key = {}) {
  if (!(info.where & where)) w.fail(ErrorCode::property_not_allowed);
  w.u8(info.id);
  if (!w.ok()) return;
  if (!value_valid(info.id, num)) return w.fail(ErrorCode::invalid_property);
  switch (info.kind) {
    case kByte:
      w.u8(uint8_t(num));
      break;
    case kU16:
      w.u16(uint16_t(num));
      break;
    case kU32:
      w.u32(num);
      break;
    case kVarint:
      w.varint(num);
      break;
    case kBinary:
      w.binary(value);
      break;
    case kPair:
      w.string(key);
      [[fallthrough]];
    case kString:
      w.string(value.as_string());
      break;
  }
}

Bytes bytes_of(Bytes b) { return b; }
Bytes bytes_of(std::string_view s) { return Bytes::of(s); }

// Whether the single-valued property of `info` is present in `p`, and its value.
template <class T>
bool get(const Properties& p, const Info& info, uint32_t& num) {
  const Opt<T>& v = field<T>(p, info);
  num = v.value;
  return v.present;
}
template <class T>
bool get(const Properties& p, const Info& info, Bytes& value) {
  const Opt<T>& v = field<T>(p, info);
  value = bytes_of(v.value);
  return v.present;
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
  for (const Info& info : kTable) {
    if (info.kind == kVarint) {
      if (where == SUBSCRIBE && p.subscription_identifiers.size() > 1) {
        w.fail(ErrorCode::invalid_property);  // one per SUBSCRIBE [MQTT-3.8.2.1.2]
      }
      for (uint32_t id : p.subscription_identifiers) put(w, info, where, id);
      continue;
    }
    if (info.kind == kPair) {
      for (const UserProperty& up : p.user_properties) put(w, info, where, 0, Bytes::of(up.value), up.key);
      continue;
    }
    uint32_t num = 0;
    Bytes value;
    bool present = false;
    switch (info.kind) {
      case kByte:
        present = get<uint8_t>(p, info, num);
        break;
      case kU16:
        present = get<uint16_t>(p, info, num);
        break;
      case kU32:
        present = get<uint32_t>(p, info, num);
        break;
      case kString:
        present = get<std::string_view>(p, info, value);
        break;
      default:  // kBinary
        present = get<Bytes>(p, info, value);
        break;
    }
    if (present) put(w, info, where, num, value);
  }
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
    // An identifier unknown or not valid for the packet: Malformed Packet (5.0 section 2.2.2.2).
    if (!info || !(info->where & where)) return r.fail(ErrorCode::property_not_allowed);
    if ((seen >> id & 1) && !may_repeat(info->id, where)) {
      return r.fail(ErrorCode::duplicate_property);
    }
    seen |= uint64_t(1) << id;
    uint32_t num = 0;
    std::string_view key;
    Bytes value;
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
      case kBinary:
        value = pr.binary();
        break;
      case kPair:
        key = pr.string();
        [[fallthrough]];
      case kString:
        value = Bytes::of(pr.string());
        break;
    }
    if (!pr.ok()) break;
    if (!value_valid(info->id, num)) return r.fail(ErrorCode::malformed_property);
    switch (info->kind) {
      case kByte:
        field<uint8_t>(p, *info) = uint8_t(num);
        break;
      case kU16:
        field<uint16_t>(p, *info) = uint16_t(num);
        break;
      case kU32:
        field<uint32_t>(p, *info) = num;
        break;
      case kVarint:
        p.subscription_identifiers.push_back(num);
        break;
      case kString:
        field<std::string_view>(p, *info) = value.as_string();
        break;
      case kBinary:
        field<Bytes>(p, *info) = value;
        break;
      case kPair:
        p.user_properties.push_back({key, value.as_string()});
        break;
    }
  }
  if (!pr.ok()) r.fail(pr.err);
}

}  // namespace mqtt::codec

#endif  // MQTT_CONFIG_V5
