// SUBSCRIBE (3.1.1 section 3.8, 5.0 section 3.8).
#include "codec/units.h"
#include "mqtt/engine.h"

namespace mqtt::codec {
namespace {

// No Local on a shared subscription is a protocol error (5.0 [MQTT-3.8.3-4]).
bool shared(std::string_view filter) { return filter.substr(0, 7) == "$share/"; }

}  // namespace

uint8_t encode_subscribe(const Subscribe& p, Version v, Writer& w) {
  return encode_subscribe(p.packet_id, p.topics.data(), p.topics.size(), p.properties, v, w);
}

uint8_t encode_subscribe(uint16_t packet_id, const SubscribeTopic* topics, size_t count,
                         const PacketProperties& props, Version v, Writer& w) {
  // A packet identifier and at least one filter are required [MQTT-2.2.1-3], [MQTT-3.8.3-3].
  if (packet_id == 0 || count == 0) w.fail(ErrorCode::invalid_argument);
  w.u16(packet_id);
  if (is_v5(v)) write_properties(w, props, where(PacketType::subscribe));
  for (size_t i = 0; i < count; ++i) {
    const SubscribeTopic& t = topics[i];
    const ErrorCode filter = validate_topic_filter(t.filter);
    if (filter != ErrorCode::ok) w.fail(filter);
    if (t.qos > 2) w.fail(ErrorCode::invalid_qos);
    w.string(t.filter);
    uint8_t options = t.qos & 3;
    if (is_v5(v)) {
      if (t.retain_handling > 2 || (t.no_local && shared(t.filter))) {
        w.fail(ErrorCode::invalid_argument);
      }
      options |= uint8_t((t.no_local ? 0x04 : 0) | (t.retain_as_published ? 0x08 : 0) |
                         (t.retain_handling & 3) << 4);
    }
    w.u8(options);
  }
  return 0x82;  // reserved flags 0b0010 [MQTT-3.8.1-1]
}

void decode_subscribe(Reader& r, Version v, Subscribe& p) {
  p.packet_id = r.u16();
  if (r.ok() && p.packet_id == 0) return r.fail(ErrorCode::zero_packet_id);
  if (is_v5(v)) read_properties(r, p.properties, where(PacketType::subscribe));
  if (r.ok() && r.empty()) return r.fail(ErrorCode::malformed_packet);  // [MQTT-3.8.3-3]
  // Reserved option bits: 7-2 in 3.1.1 [MQTT-3.8.3-4], 7-6 in 5.0 [MQTT-3.8.3-5].
  const uint8_t reserved = is_v5(v) ? 0xC0 : 0xFC;
  while (r.ok() && !r.empty()) {
    SubscribeTopic t;
    t.filter = r.string();
    const uint8_t options = r.u8();
    if (!r.ok()) return;
    if (validate_topic_filter(t.filter) != ErrorCode::ok) return r.fail(ErrorCode::malformed_topic);
    t.qos = options & 3;
    t.no_local = options & 0x04;
    t.retain_as_published = options & 0x08;
    t.retain_handling = options >> 4 & 3;
    if ((options & reserved) || t.qos == 3 || t.retain_handling == 3) {
      return r.fail(ErrorCode::malformed_packet);
    }
    if (t.no_local && shared(t.filter)) return r.fail(ErrorCode::protocol_error);
    p.topics.push_back(t);
  }
}

}  // namespace mqtt::codec
