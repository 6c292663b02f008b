// decode(): the fixed header's type and flags, then the unit of that packet type; and
// packet_type() for a decoded or built packet.
#include <variant>

#include "codec/server_packets.h"
#include "mqtt/codec.h"

namespace mqtt {

using namespace codec;

ErrorCode codec::check_header(uint8_t header, Version version) {
  if (version != Version::v311 && version != Version::v5)
    return ErrorCode::invalid_protocol_version;
  if (version == Version::v5 && !MQTT_CONFIG_V5) return ErrorCode::not_supported;
  const auto type = PacketType(header >> 4);
  const uint8_t flags = header & 0x0F;
  if (header >> 4 == 0 || (type == PacketType::auth && !is_v5(version))) {
    return ErrorCode::invalid_packet_type;
  }
  // PUBLISH carries dup/qos/retain; PUBREL, SUBSCRIBE and UNSUBSCRIBE have 0b0010; the rest 0
  // [MQTT-2.2.2-1], [MQTT-2.2.2-2].
  const bool two = type == PacketType::pubrel || type == PacketType::subscribe ||
                   type == PacketType::unsubscribe;
  if (type != PacketType::publish && flags != (two ? 0x02 : 0x00)) return ErrorCode::invalid_flags;
  return ErrorCode::ok;
}

ErrorCode codec::finish(Reader& r) {
  if (r.ok() && !r.empty()) r.fail(ErrorCode::malformed_packet);  // bytes after the last field
  return r.err;
}

namespace {

// read_server_packet()'s `out` for decode(): the packet is made in place in the Packet.
struct Emplace {
  Packet& packet;
  template <class T, class Fill>
  void read(Fill fill) {
    fill(packet.emplace<T>());
  }
};

}  // namespace

ErrorCode decode(uint8_t header, Bytes body, Version version, Packet& out) {
  ErrorCode rc = check_header(header, version);
  if (rc != ErrorCode::ok) return rc;
  Reader r(body);
  Emplace emplace{out};
  if (!read_server_packet(header, r, version, emplace)) {
    switch (PacketType(header >> 4)) {
      case PacketType::connect:
        decode_connect(r, out.emplace<Connect>());
        break;
      case PacketType::subscribe:
        decode_subscribe(r, version, out.emplace<Subscribe>());
        break;
      case PacketType::unsubscribe:
        decode_unsubscribe(r, version, out.emplace<Unsubscribe>());
        break;
      default:  // PINGREQ
        out.emplace<Ping>().type = PacketType::pingreq;
        break;
    }
  }
  return finish(r);
}

PacketType packet_type(const Packet& packet) {
  if (auto* p = std::get_if<Ack>(&packet)) return p->type;
  if (auto* p = std::get_if<Suback>(&packet)) return p->type;
  if (auto* p = std::get_if<Ping>(&packet)) return p->type;
  // The other alternatives are in PacketType order: Connect, Connack, Publish, (Ack), Subscribe,
  // (Suback), Unsubscribe, (Ping), Disconnect, Auth.
  constexpr PacketType kByIndex[] = {
      PacketType::connect,    PacketType::connack, PacketType::publish,     PacketType::puback,
      PacketType::subscribe,  PacketType::suback,  PacketType::unsubscribe, PacketType::pingreq,
      PacketType::disconnect, PacketType::auth};
  const size_t i = packet.index();
  return i < sizeof kByIndex ? kByIndex[i] : PacketType::connect;
}

}  // namespace mqtt
