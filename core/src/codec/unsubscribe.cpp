// UNSUBSCRIBE (3.1.1 section 3.10, 5.0 section 3.10).
#include "codec/units.h"
#include "mqtt/engine.h"

namespace mqtt::codec {

uint8_t encode_unsubscribe(const Unsubscribe& p, Version v, Writer& w) {
  return encode_unsubscribe(p.packet_id, p.filters.data(), p.filters.size(), p.properties, v, w);
}

uint8_t encode_unsubscribe(uint16_t packet_id, const std::string_view* filters, size_t count,
                           const PacketProperties& props, Version v, Writer& w) {
  if (packet_id == 0 || count == 0) w.fail(ErrorCode::invalid_argument);  // [MQTT-3.10.3-2]
  w.u16(packet_id);
  if (is_v5(v)) write_properties(w, props, where(PacketType::unsubscribe));
  for (size_t i = 0; i < count; ++i) {
    const std::string_view filter = filters[i];
    const ErrorCode e = validate_topic_filter(filter);
    if (e != ErrorCode::ok) w.fail(e);
    w.string(filter);
  }
  return 0xA2;  // reserved flags 0b0010 [MQTT-3.10.1-1]
}

void decode_unsubscribe(Reader& r, Version v, Unsubscribe& p) {
  p.packet_id = r.u16();
  if (r.ok() && p.packet_id == 0) return r.fail(ErrorCode::zero_packet_id);
  if (is_v5(v)) read_properties(r, p.properties, where(PacketType::unsubscribe));
  if (r.ok() && r.empty()) return r.fail(ErrorCode::malformed_packet);  // [MQTT-3.10.3-2]
  while (r.ok() && !r.empty()) {
    const std::string_view filter = r.string();
    if (!r.ok()) return;
    if (validate_topic_filter(filter) != ErrorCode::ok) return r.fail(ErrorCode::malformed_topic);
    p.filters.push_back(filter);
  }
}

}  // namespace mqtt::codec
