// SUBACK and UNSUBACK (3.1.1 sections 3.9 and 3.11, 5.0 sections 3.9 and 3.11): a packet
// identifier, 5.0 properties, then one reason code per filter (none in a 3.1.1 UNSUBACK).
#include "codec/units.h"

namespace mqtt::codec {
namespace {

constexpr uint8_t kSubackV311[] = {0x00, 0x01, 0x02, 0x80};
constexpr uint8_t kSubackV5[] = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};          // 5.0 table 3-8
constexpr uint8_t kUnsubackV5[] = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};  // table 3-9

bool has_codes(PacketType type, Version v) { return type == PacketType::suback || is_v5(v); }

}  // namespace

uint8_t encode_suback(const Suback& p, Version v, Writer& w) {
  const bool sub = p.type == PacketType::suback;
  if ((!sub && p.type != PacketType::unsuback) || p.packet_id == 0) {
    w.fail(ErrorCode::invalid_argument);
  }
  w.u16(p.packet_id);
  if (is_v5(v)) write_properties(w, p.properties, where(p.type));
  if (has_codes(p.type, v)) {
    if (p.reason_codes.empty()) w.fail(ErrorCode::invalid_argument);
    w.raw(p.reason_codes);
  }
  return uint8_t(unsigned(p.type) << 4);
}

void decode_suback(PacketType type, Reader& r, Version v, Suback& p) {
  p.type = type;
  p.packet_id = r.u16();
  if (r.ok() && p.packet_id == 0) return r.fail(ErrorCode::zero_packet_id);
  if (is_v5(v)) read_properties(r, p.properties, where(type));
  if (!r.ok() || !has_codes(type, v)) return;  // a 3.1.1 UNSUBACK ends here
  if (r.empty()) return r.fail(ErrorCode::malformed_packet);
  p.reason_codes = r.rest();
  const bool sub = type == PacketType::suback;
  const uint8_t* allowed = sub ? (is_v5(v) ? kSubackV5 : kSubackV311) : kUnsubackV5;
  const size_t count =
      sub ? (is_v5(v) ? sizeof kSubackV5 : sizeof kSubackV311) : sizeof kUnsubackV5;
  for (size_t i = 0; i < p.reason_codes.size; ++i) {
    if (!reason_allowed(p.reason_codes.data[i], allowed, count)) {
      return r.fail(ErrorCode::invalid_reason_code);
    }
  }
}

}  // namespace mqtt::codec
