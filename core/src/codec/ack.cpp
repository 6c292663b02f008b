// PUBACK, PUBREC, PUBREL, PUBCOMP (3.1.1 sections 3.4-3.7, 5.0 sections 3.4-3.7): a packet
// identifier, then in 5.0 an optional reason code and properties.
#include "codec/units.h"

namespace mqtt::codec {
namespace {

// 5.0 tables 3-4 and 3-5 (PUBACK, PUBREC), 3-6 and 3-7 (PUBREL, PUBCOMP).
constexpr uint8_t kPubackReasons[] = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
constexpr uint8_t kPubrelReasons[] = {0x00, 0x92};

bool is_ack_type(PacketType t) {
  return t == PacketType::puback || t == PacketType::pubrec || t == PacketType::pubrel ||
         t == PacketType::pubcomp;
}

}  // namespace

uint8_t encode_ack(const Ack& p, Version v, Writer& w) {
  if (!is_ack_type(p.type) || p.packet_id == 0) w.fail(ErrorCode::invalid_argument);
  w.u16(p.packet_id);
  if (is_v5(v)) write_reason_tail(w, p.reason_code, p.properties, where(p.type));
  // PUBREL's reserved flags are 0b0010 [MQTT-3.6.1-1].
  return uint8_t(unsigned(p.type) << 4 | (p.type == PacketType::pubrel ? 0x02 : 0));
}

void decode_ack(PacketType type, Reader& r, Version v, Ack& p) {
  p.type = type;
  p.packet_id = r.u16();
  if (r.ok() && p.packet_id == 0) return r.fail(ErrorCode::zero_packet_id);
  if (!is_v5(v)) return;
  const bool pub = type == PacketType::puback || type == PacketType::pubrec;
  read_reason_tail(r, p.reason_code, p.properties, where(type),
                   pub ? kPubackReasons : kPubrelReasons,
                   pub ? sizeof kPubackReasons : sizeof kPubrelReasons);
}

}  // namespace mqtt::codec
