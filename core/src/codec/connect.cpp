// CONNECT (3.1.1 section 3.1, 5.0 section 3.1).
#include "codec/units.h"
#include "mqtt/engine.h"

namespace mqtt::codec {
namespace {

constexpr uint8_t kUsername = 0x80, kPassword = 0x40, kWillRetain = 0x20, kWillFlag = 0x04,
                  kCleanStart = 0x02, kReserved = 0x01;

}  // namespace

uint8_t encode_connect(const Connect& p, Version v, Writer& w) {
  w.string("MQTT");
  w.u8(uint8_t(v));
  uint8_t flags = p.clean_start ? kCleanStart : 0;
  if (p.will) {
    const Will& will = p.will.value;
    if (will.qos > 2) w.fail(ErrorCode::invalid_qos);
    const ErrorCode topic = validate_topic_name(will.topic);
    if (topic != ErrorCode::ok) w.fail(topic);
    flags |= uint8_t(kWillFlag | (will.qos & 3) << 3 | (will.retain ? kWillRetain : 0));
  }
  if (p.password) flags |= kPassword;
  if (p.username) flags |= kUsername;
  // 3.1.1 allows a password only with a user name [MQTT-3.1.2-22]; 5.0 lifted that rule.
  if (!is_v5(v) && p.password && !p.username) w.fail(ErrorCode::invalid_argument);
  w.u8(flags);
  w.u16(p.keep_alive);
  if (is_v5(v)) write_properties(w, p.properties, where(PacketType::connect));
  w.string(p.client_id);
  if (p.will) {
    if (is_v5(v)) write_properties(w, p.will.value.properties, kWillProperties);
    w.string(p.will.value.topic);
    w.binary(p.will.value.payload);
  }
  if (p.username) w.string(p.username.value);
  if (p.password) w.binary(p.password.value);
  return 0x10;
}

void decode_connect(Reader& r, Connect& p) {
  const std::string_view name = r.string();
  const uint8_t level = r.u8();
  if (!r.ok()) return;
  if (name != "MQTT") return r.fail(ErrorCode::protocol_error);
  if (level == 4) {
    p.version = Version::v311;
  } else if (level == 5 && MQTT_CONFIG_V5) {
    p.version = Version::v5;
  } else {
    return r.fail(ErrorCode::not_supported);
  }
  const bool v5 = is_v5(p.version);
  const uint8_t flags = r.u8();
  const uint8_t will_qos = flags >> 3 & 3;
  if (flags & kReserved) return r.fail(ErrorCode::invalid_flags);  // [MQTT-3.1.2-3]
  if (!(flags & kWillFlag) && (flags & (kWillRetain | 0x18))) {
    return r.fail(ErrorCode::invalid_flags);  // [MQTT-3.1.2-11], [MQTT-3.1.2-13]
  }
  if (will_qos == 3) return r.fail(ErrorCode::invalid_flags);  // [MQTT-3.1.2-14]
  if (!v5 && (flags & kPassword) && !(flags & kUsername)) {
    return r.fail(ErrorCode::invalid_flags);  // [MQTT-3.1.2-22]
  }
  p.clean_start = flags & kCleanStart;
  p.keep_alive = r.u16();
  if (v5) read_properties(r, p.properties, where(PacketType::connect));
  p.client_id = r.string();
  if (flags & kWillFlag) {
    p.will.present = true;
    Will& will = p.will.value;
    will.qos = will_qos;
    will.retain = flags & kWillRetain;
    if (v5) read_properties(r, will.properties, kWillProperties);
    will.topic = r.string();
    will.payload = r.binary();
    if (r.ok() && validate_topic_name(will.topic) != ErrorCode::ok) {
      return r.fail(ErrorCode::malformed_topic);
    }
  }
  if (flags & kUsername) p.username = r.string();
  if (flags & kPassword) p.password = r.binary();
}

}  // namespace mqtt::codec
