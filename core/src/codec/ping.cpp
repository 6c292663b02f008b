// PINGREQ and PINGRESP (section 3.12 and 3.13 in both versions): a fixed header and nothing else,
// so decoding needs no unit: decode.cpp refuses any body as trailing bytes.
#include "codec/units.h"

namespace mqtt::codec {

uint8_t encode_ping(const Ping& p, Writer& w) {
  if (p.type != PacketType::pingreq && p.type != PacketType::pingresp) {
    w.fail(ErrorCode::invalid_argument);
  }
  return uint8_t(unsigned(p.type) << 4);
}

}  // namespace mqtt::codec
