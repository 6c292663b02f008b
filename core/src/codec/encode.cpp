// encode(): dispatch on the packet's type, then the fixed header in front of the body.
#include <variant>

#include "codec/units.h"
#include "mqtt/codec.h"

namespace mqtt {

using namespace codec;

ErrorCode encode(const Packet& packet, Version version, std::vector<uint8_t>& out) {
  if (version != Version::v311 && version != Version::v5)
    return ErrorCode::invalid_protocol_version;
  if (version == Version::v5 && !MQTT_CONFIG_V5) return ErrorCode::not_supported;
  const size_t start = out.size();
  Writer w(out);
  uint8_t first = 0;
  if (auto* p = std::get_if<Connect>(&packet)) {
    first = encode_connect(*p, version, w);
  } else if (auto* p = std::get_if<Connack>(&packet)) {
    first = encode_connack(*p, version, w);
  } else if (auto* p = std::get_if<Publish>(&packet)) {
    first = encode_publish(*p, version, w);
  } else if (auto* p = std::get_if<Ack>(&packet)) {
    first = encode_ack(*p, version, w);
  } else if (auto* p = std::get_if<Subscribe>(&packet)) {
    first = encode_subscribe(*p, version, w);
  } else if (auto* p = std::get_if<Suback>(&packet)) {
    first = encode_suback(*p, version, w);
  } else if (auto* p = std::get_if<Unsubscribe>(&packet)) {
    first = encode_unsubscribe(*p, version, w);
  } else if (auto* p = std::get_if<Ping>(&packet)) {
    first = encode_ping(*p, w);
  } else if (auto* p = std::get_if<Disconnect>(&packet)) {
    first = encode_disconnect(*p, version, w);
  } else if (auto* p = std::get_if<Auth>(&packet)) {
    first = encode_auth(*p, version, w);
  } else {
    w.fail(ErrorCode::invalid_argument);  // valueless variant
  }
  // The body was written first because its length goes in front of it.
  const size_t body = out.size() - start;
  if (w.ok() && body > kMaxVarint) w.fail(ErrorCode::payload_too_large);
  if (w.ok()) {
    out.insert(out.begin() + long(start), first);
    w.insert_varint(start + 1, uint32_t(body));
  }
  if (!w.ok()) out.resize(start);
  return w.err;
}

}  // namespace mqtt
