// Decoding of the packets a server sends, shared by decode(), which fills a Packet, and the
// client, which hands each packet to a handler of its type without a Packet.
#pragma once

#include "codec/units.h"

namespace mqtt::codec {

// The fixed header's type and flags.
ErrorCode check_header(uint8_t header, Version version);
// The Reader's error, or malformed_packet for bytes after the last field.
ErrorCode finish(Reader& r);

// Reads CONNACK, PUBLISH, PUBACK..PUBCOMP, SUBACK, UNSUBACK, PINGRESP, DISCONNECT or AUTH through
// `out.template read<T>(fill)`, which makes the T and lets `fill` read it. false (nothing read)
// for CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ, which only a client sends.
template <class Out>
bool read_server_packet(uint8_t header, Reader& r, Version version, Out& out) {
  const auto type = PacketType(header >> 4);
  switch (type) {
    case PacketType::connack:
      out.template read<Connack>([&](Connack& p) { decode_connack(r, version, p); });
      return true;
    case PacketType::publish:
      out.template read<Publish>([&](Publish& p) { decode_publish(header & 0x0F, r, version, p); });
      return true;
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubrel:
    case PacketType::pubcomp:
      out.template read<Ack>([&](Ack& p) { decode_ack(type, r, version, p); });
      return true;
    case PacketType::suback:
    case PacketType::unsuback:
      out.template read<Suback>([&](Suback& p) { decode_suback(type, r, version, p); });
      return true;
    case PacketType::pingresp:
      out.template read<Ping>([&](Ping& p) { p.type = type; });
      return true;
    case PacketType::disconnect:
      out.template read<Disconnect>([&](Disconnect& p) { decode_disconnect(r, version, p); });
      return true;
#if MQTT_CONFIG_V5  // check_header() refuses AUTH in 3.1.1
    case PacketType::auth:
      out.template read<Auth>([&](Auth& p) { decode_auth(r, version, p); });
      return true;
#endif
    default:
      return false;
  }
}

// read_server_packet()'s `out` for a handler: the packet lives on the stack and reaches
// handler.receive() only once its whole body proved valid.
template <class Handler>
struct HandOver {
  Reader& r;
  Handler& handler;
  template <class T, class Fill>
  void read(Fill fill) {
    T p;
    fill(p);
    if (finish(r) == ErrorCode::ok) handler.receive(p);
  }
};

// The client's decoding: what a server sends into handler.receive(const T&), one overload per
// packet type above; CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ are refused unread
// (unexpected_packet), so their decoding stays out of a client program.
template <class Handler>
ErrorCode decode_from_server_to(uint8_t header, Bytes body, Version version, Handler& handler) {
  ErrorCode rc = check_header(header, version);
  if (rc != ErrorCode::ok) return rc;
  Reader r(body);
  HandOver<Handler> out{r, handler};
  if (!read_server_packet(header, r, version, out)) return ErrorCode::unexpected_packet;
  return r.err;
}

}  // namespace mqtt::codec
