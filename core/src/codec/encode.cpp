// encode(): dispatch on the packet's type, then the fixed header in front of the body.
#include <cstring>
#include <variant>

#include "codec/units.h"
#include "mqtt/codec.h"

namespace mqtt {

using namespace codec;

namespace {

uint8_t encode_body(const Packet& packet, Version version, Writer& w) {
  if (auto* p = std::get_if<Connect>(&packet)) return encode_connect(*p, version, w);
  if (auto* p = std::get_if<Connack>(&packet)) return encode_connack(*p, version, w);
  if (auto* p = std::get_if<Publish>(&packet)) return encode_publish(*p, version, w);
  if (auto* p = std::get_if<Ack>(&packet)) return encode_ack(*p, version, w);
  if (auto* p = std::get_if<Subscribe>(&packet)) return encode_subscribe(*p, version, w);
  if (auto* p = std::get_if<Suback>(&packet)) return encode_suback(*p, version, w);
  if (auto* p = std::get_if<Unsubscribe>(&packet)) return encode_unsubscribe(*p, version, w);
  if (auto* p = std::get_if<Ping>(&packet)) return encode_ping(*p, w);
  if (auto* p = std::get_if<Disconnect>(&packet)) return encode_disconnect(*p, version, w);
  if (auto* p = std::get_if<Auth>(&packet)) return encode_auth(*p, version, w);
  w.fail(ErrorCode::invalid_argument);  // valueless variant
  return 0;
}

template <class P, uint8_t (*unit)(const P&, Version, Writer&)>
uint8_t body_of(const void* packet, Version version, Writer& w) {
  return unit(*static_cast<const P*>(packet), version, w);
}

uint8_t ping_body(const void* packet, Version, Writer& w) { return encode_ping(*static_cast<const Ping*>(packet), w); }

}  // namespace

// The body is measured first (which also finds every error), so `out` grows once, the fixed
// header goes in front and the body is written after it, each byte once.
ErrorCode codec::encode_packet(BodyFn body, const void* packet, Version version,
                               std::vector<uint8_t>& out) {
  if (version != Version::v311 && version != Version::v5)
    return ErrorCode::invalid_protocol_version;
  if (version == Version::v5 && !MQTT_CONFIG_V5) return ErrorCode::not_supported;
  Writer measure;
  const uint8_t first = body(packet, version, measure);
  if (measure.ok() && measure.len > kMaxVarint) measure.fail(ErrorCode::payload_too_large);
  if (!measure.ok()) return measure.err;
  const size_t size = measure.len;
  uint8_t header[5];
  header[0] = first;
  const size_t header_size = 1 + put_varint(header + 1, uint32_t(size));
  const size_t start = out.size();
  out.resize(start + header_size + size);
  std::memcpy(out.data() + start, header, header_size);
  Writer w(out.data() + start + header_size, size, measure);
  body(packet, version, w);
  if (!w.ok() || w.len != size) {  // cannot happen with the same input; keep `out` as it was
    out.resize(start);
    return w.ok() ? ErrorCode::invalid_argument : w.err;
  }
  return ErrorCode::ok;
}

ErrorCode encode(const Packet& packet, Version version, std::vector<uint8_t>& out) {
  return encode_packet(body_of<Packet, encode_body>, &packet, version, out);
}

#define MQTT_ENCODE_ONE(Type, unit)                                                  \
  ErrorCode encode(const Type& packet, Version version, std::vector<uint8_t>& out) { \
    return encode_packet(body_of<Type, unit>, &packet, version, out);                \
  }
MQTT_ENCODE_ONE(Connect, encode_connect)
MQTT_ENCODE_ONE(Ack, encode_ack)
MQTT_ENCODE_ONE(Subscribe, encode_subscribe)
MQTT_ENCODE_ONE(Unsubscribe, encode_unsubscribe)
MQTT_ENCODE_ONE(Disconnect, encode_disconnect)
#undef MQTT_ENCODE_ONE

ErrorCode encode(const Ping& packet, Version version, std::vector<uint8_t>& out) {
  return encode_packet(ping_body, &packet, version, out);
}

ErrorCode encode(const Publish& packet, Version version, std::vector<uint8_t>& out) {
  return codec::encode(packet, packet.properties, version, out);
}

ErrorCode codec::encode(const Publish& packet, const PacketProperties& props, Version version,
                        std::vector<uint8_t>& out) {
  return encode_parts([&](Version v, Writer& w) { return encode_publish(packet, props, v, w); },
                      version, out);
}

}  // namespace mqtt
