// One encode/decode unit per packet type. An encoder writes the packet's body (everything after
// the remaining length) and returns the fixed header's first byte; a decoder reads the body and
// receives the header's flag bits. Errors stay in the Writer/Reader (first one wins); the
// dispatchers in encode.cpp and decode.cpp add the fixed header and check for trailing bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/properties.h"
#include "codec/wire.h"
#include "mqtt/packets.h"

namespace mqtt::codec {

uint8_t encode_connect(const Connect& p, Version v, Writer& w);
uint8_t encode_connack(const Connack& p, Version v, Writer& w);
uint8_t encode_publish(const Publish& p, Version v, Writer& w);
// The same with properties kept apart from `p` (p.properties is not read).
uint8_t encode_publish(const Publish& p, const PacketProperties& props, Version v, Writer& w);
uint8_t encode_ack(const Ack& p, Version v, Writer& w);
uint8_t encode_subscribe(const Subscribe& p, Version v, Writer& w);
// The same from parts: `count` topics at `topics` (the client's requests have one each).
uint8_t encode_subscribe(uint16_t packet_id, const SubscribeTopic* topics, size_t count,
                         const PacketProperties& props, Version v, Writer& w);
uint8_t encode_suback(const Suback& p, Version v, Writer& w);
uint8_t encode_unsubscribe(const Unsubscribe& p, Version v, Writer& w);
uint8_t encode_unsubscribe(uint16_t packet_id, const std::string_view* filters, size_t count,
                           const PacketProperties& props, Version v, Writer& w);
uint8_t encode_ping(const Ping& p, Writer& w);
uint8_t encode_disconnect(const Disconnect& p, Version v, Writer& w);
uint8_t encode_auth(const Auth& p, Version v, Writer& w);

// What every encode() runs: `body` writes the packet body from `parts` (see Writer), then the
// fixed header goes in front.
using BodyFn = uint8_t (*)(const void* parts, Version version, Writer& w);
ErrorCode encode_packet(BodyFn body, const void* parts, Version version, std::vector<uint8_t>& out);
// The same into `cap` bytes at `buf`: `size` is the packet's size, and nothing is written when it
// is over `cap` (the result is still ok: the caller encodes it into a vector instead).
ErrorCode encode_packet(BodyFn body, const void* parts, Version version, uint8_t* buf, size_t cap,
                        size_t& size);

// The unit of a packet type chosen by overload, for code generic over the type.
inline uint8_t encode_unit(const Connect& p, Version v, Writer& w) { return encode_connect(p, v, w); }
inline uint8_t encode_unit(const Ack& p, Version v, Writer& w) { return encode_ack(p, v, w); }
inline uint8_t encode_unit(const Subscribe& p, Version v, Writer& w) { return encode_subscribe(p, v, w); }
inline uint8_t encode_unit(const Unsubscribe& p, Version v, Writer& w) { return encode_unsubscribe(p, v, w); }
inline uint8_t encode_unit(const Ping& p, Version, Writer& w) { return encode_ping(p, w); }
inline uint8_t encode_unit(const Disconnect& p, Version v, Writer& w) { return encode_disconnect(p, v, w); }
inline uint8_t encode_unit(const Auth& p, Version v, Writer& w) { return encode_auth(p, v, w); }
template <class P>
uint8_t body_of(const void* packet, Version v, Writer& w) {  // the BodyFn of a packet struct
  return encode_unit(*static_cast<const P*>(packet), v, w);
}

// encode() of a body written by `write(version, writer)` from parts the caller holds: the client
// builds no packet struct, nor the vector of topics of a one-topic SUBSCRIBE or UNSUBSCRIBE.
template <class Write>
BodyFn body_for(const Write&) {  // the BodyFn that calls a `write` passed as its parts
  return [](const void* parts, Version v, Writer& w) { return (*static_cast<const Write*>(parts))(v, w); };
}
template <class Write>
ErrorCode encode_parts(const Write& write, Version version, std::vector<uint8_t>& out) {
  return encode_packet(body_for(write), &write, version, out);
}

// encode() of a PUBLISH with properties kept apart from the packet.
ErrorCode encode(const Publish& packet, const PacketProperties& props, Version version,
                 std::vector<uint8_t>& out);

void decode_connect(Reader& r, Connect& p);  // follows the packet's own protocol level
void decode_connack(Reader& r, Version v, Connack& p);
void decode_publish(uint8_t flags, Reader& r, Version v, Publish& p);
void decode_ack(PacketType type, Reader& r, Version v, Ack& p);
void decode_subscribe(Reader& r, Version v, Subscribe& p);
void decode_suback(PacketType type, Reader& r, Version v, Suback& p);
void decode_unsubscribe(Reader& r, Version v, Unsubscribe& p);
void decode_disconnect(Reader& r, Version v, Disconnect& p);
void decode_auth(Reader& r, Version v, Auth& p);

// Whether `code` is one of the `count` reason codes in `allowed`.
bool reason_allowed(uint8_t code, const uint8_t* allowed, size_t count);
template <size_t N>
bool reason_allowed(uint8_t code, const uint8_t (&allowed)[N]) {
  return reason_allowed(code, allowed, N);
}

// The optional tail of PUBACK..PUBCOMP, DISCONNECT and AUTH in 5.0: reason code then properties,
// both left out when they are the defaults (0 and none) [MQTT-3.4.2.1], [MQTT-3.14.2.1].
void write_reason_tail(Writer& w, uint8_t reason, const PacketProperties& props, Where where);
void read_reason_tail(Reader& r, uint8_t& reason, PacketProperties& props, Where where,
                      const uint8_t* allowed, size_t count);

}  // namespace mqtt::codec
