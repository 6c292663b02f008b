// DISCONNECT (3.1.1 section 3.14: no body; 5.0 section 3.14: optional reason code and properties).
#include "codec/units.h"

namespace mqtt::codec {
namespace {

// 5.0 table 3-10.
constexpr uint8_t kReasons[] = {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D,
                                0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
                                0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};

}  // namespace

uint8_t encode_disconnect(const Disconnect& p, Version v, Writer& w) {
  if (is_v5(v)) write_reason_tail(w, p.reason_code, p.properties, where(PacketType::disconnect));
  return 0xE0;
}

void decode_disconnect(Reader& r, Version v, Disconnect& p) {
  if (is_v5(v)) {
    read_reason_tail(r, p.reason_code, p.properties, where(PacketType::disconnect), kReasons,
                     sizeof kReasons);
  }
}

}  // namespace mqtt::codec
