// encode(): dispatch on the packet's type, then the fixed header in front of the body.
#include <cstring>
#include <variant>

#include "codec/units.h"
#include "mqtt/codec.h"

namespace mqtt {

using namespace codec;

namespace {

uint8_t encode_body(const void* parts, Version version, Writer& w) {  // the BodyFn of a Packet
  const Packet& packet = *static_cast<const Packet*>(parts);
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

// The measuring pass (which finds every error) and the fixed header, before either writing pass.
ErrorCode measure(BodyFn body, const void* packet, Version version, Writer& measured, uint8_t (&header)[5],
                  size_t& header_size) {
  if (version != Version::v311 && version != Version::v5)
    return ErrorCode::invalid_protocol_version;
  if (version == Version::v5 && !MQTT_CONFIG_V5) return ErrorCode::not_supported;
  header[0] = body(packet, version, measured);
  if (measured.ok() && measured.len > kMaxVarint) measured.fail(ErrorCode::payload_too_large);
  if (!measured.ok()) return measured.err;
  header_size = 1 + put_varint(header + 1, uint32_t(measured.len));
  return ErrorCode::ok;
}

// The writing pass wrote what the measuring pass counted; it cannot differ with the same input.
ErrorCode check_written(const Writer& w, const Writer& measured) {
  if (!w.ok()) return w.err;
  return w.len == measured.len ? ErrorCode::ok : ErrorCode::invalid_argument;
}

}  // namespace

// The body is measured first (which also finds every error), so `out` grows once, the fixed
// header goes in front and the body is written after it, each byte once.
ErrorCode codec::encode_packet(BodyFn body, const void* packet, Version version,
                               std::vector<uint8_t>& out) {
  Writer measured;
  uint8_t header[5];
  size_t header_size = 0;
  ErrorCode rc = measure(body, packet, version, measured, header, header_size);
  if (rc != ErrorCode::ok) return rc;
  const size_t start = out.size();
  out.resize(start + header_size + measured.len);
  std::memcpy(out.data() + start, header, header_size);
  Writer w(out.data() + start + header_size, measured.len, measured);
  body(packet, version, w);
  rc = check_written(w, measured);
  if (rc != ErrorCode::ok) out.resize(start);  // keep `out` as it was
  return rc;
}

ErrorCode codec::encode_packet(BodyFn body, const void* packet, Version version, uint8_t* buf, size_t cap,
                               size_t& size) {
  Writer measured;
  uint8_t header[5];
  size_t header_size = 0;
  ErrorCode rc = measure(body, packet, version, measured, header, header_size);
  if (rc != ErrorCode::ok) return rc;
  size = header_size + measured.len;
  if (size > cap) return ErrorCode::ok;  // the caller finds it too large and encodes it elsewhere
  std::memcpy(buf, header, header_size);
  Writer w(buf + header_size, cap - header_size, measured);
  body(packet, version, w);
  return check_written(w, measured);
}

ErrorCode encode(const Packet& packet, Version version, std::vector<uint8_t>& out) {
  return encode_packet(encode_body, &packet, version, out);
}

#define MQTT_ENCODE_ONE(Type)                                                        \
  ErrorCode encode(const Type& packet, Version version, std::vector<uint8_t>& out) { \
    return encode_packet(body_of<Type>, &packet, version, out);                      \
  }
MQTT_ENCODE_ONE(Connect)
MQTT_ENCODE_ONE(Ack)
MQTT_ENCODE_ONE(Subscribe)
MQTT_ENCODE_ONE(Unsubscribe)
MQTT_ENCODE_ONE(Ping)
MQTT_ENCODE_ONE(Disconnect)
#undef MQTT_ENCODE_ONE

ErrorCode encode(const Publish& packet, Version version, std::vector<uint8_t>& out) {
  return codec::encode(packet, packet.properties, version, out);
}

ErrorCode codec::encode(const Publish& packet, const PacketProperties& props, Version version,
                        std::vector<uint8_t>& out) {
  return encode_parts([&](Version v, Writer& w) { return encode_publish(packet, props, v, w); },
                      version, out);
}

}  // namespace mqtt
