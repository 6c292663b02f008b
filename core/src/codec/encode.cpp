// encode(): dispatch on the packet's type, then the fixed header in front of the body.
#include <algorithm>
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
struct Measured {
  Writer body;  // its len: the body's size
  uint8_t header[5];
  size_t header_size = 0;
  ErrorCode err = ErrorCode::ok;

  Measured(BodyFn write, const void* packet, Version version) {
    if (version != Version::v311 && version != Version::v5) {
      err = ErrorCode::invalid_protocol_version;
    } else if (version == Version::v5 && !MQTT_CONFIG_V5) {
      err = ErrorCode::not_supported;
    } else {
      header[0] = write(packet, version, body);
      if (body.ok() && body.len > kMaxVarint) body.fail(ErrorCode::payload_too_large);
      err = body.err;
      if (err == ErrorCode::ok) header_size = 1 + put_varint(header + 1, uint32_t(body.len));
    }
  }
  // The writing pass wrote what was counted; it cannot differ with the same input.
  ErrorCode check(const Writer& w) const {
    if (!w.ok()) return w.err;
    return w.len == body.len ? ErrorCode::ok : ErrorCode::invalid_argument;
  }
};

}  // namespace

// Here rather than in wire.cpp, so that raw() and binary() do not inline them.
void Writer::spill(uint8_t v) { append(*out, &v, 1); }

// What fits of `b` at `buf`, the rest appended to `out`.
void Writer::spill(Bytes b) {
  const size_t fits = len < cap ? cap - len : 0;  // raw() found b.size > fits
  if (fits != 0) std::memcpy(buf + len, b.data, fits);
  append(*out, b.data + fits, b.size - fits);
}

// `out` grows once, the fixed header goes in front and the body is written after it, each byte
// once. Only the body's first bytes (its fields, as a rule) are written over zero-filled ones;
// the rest (a 16 KiB payload) is appended, so it is not zero-filled before it is written.
ErrorCode codec::encode_packet(BodyFn body, const void* packet, Version version,
                               std::vector<uint8_t>& out) {
  constexpr size_t kZeroFilled = 256;
  const Measured m(body, packet, version);
  if (m.err != ErrorCode::ok) return m.err;
  const size_t start = out.size();
  const size_t end = start + m.header_size + m.body.len;
  const bool large = m.body.len > kZeroFilled;
  if (large && end > out.capacity()) out.reserve(std::max(end, 2 * out.capacity()));
  const size_t prefix = large ? kZeroFilled : m.body.len;
  out.resize(start + m.header_size + prefix);  // within the capacity: the appends do not move it
  std::memcpy(out.data() + start, m.header, m.header_size);
  Writer w(out.data() + start + m.header_size, prefix, m.body);
  if (large) w.out = &out;
  body(packet, version, w);
  const ErrorCode rc = m.check(w);
  if (rc != ErrorCode::ok) out.resize(start);  // keep `out` as it was
  return rc;
}

ErrorCode codec::encode_packet(BodyFn body, const void* packet, Version version, uint8_t* buf, size_t cap,
                               size_t& size) {
  const Measured m(body, packet, version);
  if (m.err != ErrorCode::ok) return m.err;
  size = m.header_size + m.body.len;
  if (size > cap) return ErrorCode::ok;  // the caller finds it too large and encodes it elsewhere
  std::memcpy(buf, m.header, m.header_size);
  Writer w(buf + m.header_size, cap - m.header_size, m.body);
  body(packet, version, w);
  return m.check(w);
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
