// Reason codes and the optional "reason code, properties" tail shared by several 5.0 packets.
#include <cstring>

#include "codec/units.h"

namespace mqtt::codec {

bool reason_allowed(uint8_t code, const uint8_t* allowed, size_t count) {
  return std::memchr(allowed, code, count) != nullptr;
}

void write_reason_tail(Writer& w, uint8_t reason, const PacketProperties& props, Where where) {
  w.u8(reason);
  if (write_properties(w, props, where) == 0 && w.ok()) {
    w.drop(reason == 0 ? 2 : 1);  // an empty property list may be left out, then a success reason code
  }
}

void read_reason_tail(Reader& r, uint8_t& reason, PacketProperties& props, Where where,
                      const uint8_t* allowed, size_t count) {
  if (r.empty()) return;  // reason 0x00, no properties
  reason = r.u8();
  if (!reason_allowed(reason, allowed, count)) return r.fail(ErrorCode::invalid_reason_code);
  if (!r.empty()) read_properties(r, props, where);
}

}  // namespace mqtt::codec
