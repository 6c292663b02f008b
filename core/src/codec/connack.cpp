// CONNACK (3.1.1 section 3.2, 5.0 section 3.2).
#include "codec/units.h"

namespace mqtt::codec {
namespace {

// 5.0 table 3-1.
constexpr uint8_t kReasonsV5[] = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                                  0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};

}  // namespace

uint8_t encode_connack(const Connack& p, Version v, Writer& w) {
  w.u8(p.session_present ? 1 : 0);
  w.u8(p.reason_code);
  if (is_v5(v)) write_properties(w, p.properties, where(PacketType::connack));
  return 0x20;
}

void decode_connack(Reader& r, Version v, Connack& p) {
  const uint8_t flags = r.u8();
  p.reason_code = r.u8();
  if (!r.ok()) return;
  if (flags & 0xFE) return r.fail(ErrorCode::invalid_flags);  // [MQTT-3.2.2-1]
  p.session_present = flags & 1;
  const bool known = is_v5(v) ? reason_allowed(p.reason_code, kReasonsV5) : p.reason_code <= 5;
  if (!known) return r.fail(ErrorCode::invalid_reason_code);
  // A refusal never comes with a session [MQTT-3.2.2-4], [MQTT-3.2.2-6].
  if (p.reason_code != 0 && p.session_present) return r.fail(ErrorCode::protocol_error);
  if (is_v5(v)) read_properties(r, p.properties, where(PacketType::connack));
}

}  // namespace mqtt::codec
