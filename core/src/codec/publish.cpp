// PUBLISH (3.1.1 section 3.3, 5.0 section 3.3).
#include "codec/units.h"
#include "mqtt/engine.h"

namespace mqtt::codec {

uint8_t encode_publish(const Publish& p, Version v, Writer& w) {
  return encode_publish(p, p.properties, v, w);
}

uint8_t encode_publish(const Publish& p, const PacketProperties& props, Version v, Writer& w) {
  if (p.qos > 2) w.fail(ErrorCode::invalid_qos);
  if (p.qos == 0 && p.dup) w.fail(ErrorCode::invalid_argument);            // [MQTT-3.3.1-2]
  if (p.qos > 0 && p.packet_id == 0) w.fail(ErrorCode::invalid_argument);  // [MQTT-2.2.1-3]
  // In 5.0 an empty topic name means "the topic of this alias" (section 3.3.2.3.4).
#if MQTT_CONFIG_V5
  const bool alias_only = p.topic.empty() && is_v5(v) && props.topic_alias;
#else
  const bool alias_only = false;
#endif
  if (!alias_only && w.measuring()) {  // the writing pass repeats the same input
    const ErrorCode topic = validate_topic_name(p.topic);
    if (topic != ErrorCode::ok) w.fail(topic);
  }
  w.binary(Bytes::of(p.topic));  // valid UTF-8 (validate_topic_name) or empty
  if (p.qos > 0) w.u16(p.packet_id);
  if (is_v5(v)) write_properties(w, props, where(PacketType::publish));
  w.raw(p.payload);
  return uint8_t(0x30 | (p.dup ? 0x08 : 0) | (p.qos & 3) << 1 | (p.retain ? 1 : 0));
}

void decode_publish(uint8_t flags, Reader& r, Version v, Publish& p) {
  p.dup = flags & 0x08;
  p.qos = flags >> 1 & 3;
  p.retain = flags & 0x01;
  if (p.qos == 3) return r.fail(ErrorCode::invalid_qos_from_server);  // [MQTT-3.3.1-4]
  if (p.qos == 0 && p.dup) return r.fail(ErrorCode::invalid_flags);   // [MQTT-3.3.1-2]
  p.topic = r.string();  // the one UTF-8 check of the topic (malformed_utf8)
  if (p.qos > 0) {
    p.packet_id = r.u16();
    if (r.ok() && p.packet_id == 0) return r.fail(ErrorCode::zero_packet_id);
  }
  if (is_v5(v)) read_properties(r, p.properties, where(PacketType::publish));
  if (!r.ok()) return;
#if MQTT_CONFIG_V5
  const bool alias_only = p.topic.empty() && p.properties.topic_alias;
#else
  const bool alias_only = false;
#endif
  // The rest of validate_topic_name(): not empty, no wildcard [MQTT-3.3.2-2]; a string read is
  // never over 65535 bytes.
  if (!alias_only && (p.topic.empty() || has_wildcard(p.topic))) {
    return r.fail(ErrorCode::malformed_topic);
  }
  p.payload = r.rest();
}

}  // namespace mqtt::codec
