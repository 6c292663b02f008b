// AUTH (5.0 section 3.15; no such packet in 3.1.1).
#include "codec/units.h"

namespace mqtt::codec {
namespace {

constexpr uint8_t kReasons[] = {0x00, 0x18, 0x19};  // success, continue, re-authenticate

}  // namespace

uint8_t encode_auth(const Auth& p, Version v, Writer& w) {
  if (!is_v5(v)) w.fail(ErrorCode::not_supported);
  write_reason_tail(w, p.reason_code, p.properties, where(PacketType::auth));
  return 0xF0;
}

void decode_auth(Reader& r, Version v, Auth& p) {
  if (!is_v5(v)) return r.fail(ErrorCode::invalid_packet_type);
  read_reason_tail(r, p.reason_code, p.properties, where(PacketType::auth), kReasons,
                   sizeof kReasons);
}

}  // namespace mqtt::codec
