// Encoding and incremental decoding of every MQTT 3.1.1 and 5.0 control packet.
//
// encode() appends one packet to `out` and returns ErrorCode::ok, or the error naming the field that
// cannot be encoded (a string over 65535 bytes, invalid UTF-8, a property the packet may not carry,
// a remaining length over 268,435,455); on error `out` is left as it was.
//
// Decoder takes bytes as they arrive (one at a time or many packets at once) and hands out each
// complete packet; string and payload fields are views into the bytes given to feed() or into the
// decoder's own buffer, valid only during the on_packet call. Validation is strict: every rule it
// checks yields a distinct ErrorCode (see error.h), and a remaining length above the maximum packet
// size is refused before anything is buffered.
//
// The errors, one per rule (the codec's units cite the specification for each):
//  - encode(): invalid_utf8; invalid_argument (a string or binary field over 65535 bytes, a zero
//    packet identifier where one is required, SUBSCRIBE/UNSUBSCRIBE without topics, a `type` that
//    does not fit the struct); invalid_topic, topic_too_long, invalid_topic_filter (the rules of
//    validate_topic_name/validate_topic_filter); invalid_qos; property_not_allowed;
//    invalid_property (a value out of range); payload_too_large (remaining length over
//    268,435,455); not_supported (AUTH in 3.1.1, 5.0 in a build with MQTT_CONFIG_V5=0);
//    invalid_protocol_version (a Version other than v311 and v5).
//    The packet's views must not point into `out`.
//  - decode() and Decoder::feed(): malformed_remaining_length, packet_too_large (the whole packet,
//    fixed header included, above the maximum packet size), malformed_packet, invalid_packet_type,
//    invalid_flags, invalid_qos_from_server, malformed_utf8, malformed_topic, zero_packet_id,
//    duplicate_property, property_not_allowed, malformed_property, invalid_reason_code,
//    protocol_error (CONNECT protocol name, CONNACK session present with a refusal), not_supported.
//    CONNECT is read by its own protocol level; every other packet by the decoder's version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mqtt/error.h"
#include "mqtt/packets.h"

namespace mqtt {

ErrorCode encode(const Packet& packet, Version version, std::vector<uint8_t>& out);
// The same for a packet whose type the caller knows: no Packet is built (no copy of the struct).
ErrorCode encode(const Connect& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Publish& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Ack& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Subscribe& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Unsubscribe& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Ping& packet, Version version, std::vector<uint8_t>& out);
ErrorCode encode(const Disconnect& packet, Version version, std::vector<uint8_t>& out);

// Decodes one complete packet: `header` is the fixed header's first byte, `body` the bytes after
// the remaining length. Views in `out` point into `body`.
ErrorCode decode(uint8_t header, Bytes body, Version version, Packet& out);

class PacketSink {
 public:
  // Return false to stop decoding (e.g. the connection was closed from inside the callback).
  virtual bool on_packet(const Packet& packet) = 0;

 protected:
  ~PacketSink() = default;
};

// A complete packet framed by Decoder::feed_frames(): the fixed header's first byte and the body.
class FrameSink {
 public:
  // Reads and handles the packet. Returns false to stop decoding, with `err` set when the packet
  // was invalid (left ok when the sink only stopped, e.g. the connection was closed).
  virtual bool on_frame(uint8_t header, Bytes body, ErrorCode& err) = 0;

 protected:
  ~FrameSink() = default;
};

class Decoder {
 public:
  explicit Decoder(Version version = Version::v311,
                   uint32_t max_packet_size = MQTT_DEFAULT_MAX_PACKET_SIZE);

  // Feeds received bytes. Calls sink.on_packet for each complete packet, in order. Returns ok,
  // or the first violation; after an error (or after the sink returned false) the decoder keeps
  // nothing and must be reset() before it is fed again.
  ErrorCode feed(const uint8_t* data, size_t size, PacketSink& sink);
  // The framing alone: each complete packet goes to sink.on_frame() undecoded, so that a client
  // can decode it straight into per-type handlers without building a Packet (the engine reads
  // only what a server sends, and refuses CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ unread).
  // Errors and reset() as for feed().
  ErrorCode feed_frames(const uint8_t* data, size_t size, FrameSink& sink);

  // Forgets any partial packet (a new connection starts).
  void reset();
  void set_version(Version version) { version_ = version; }
  void set_max_packet_size(uint32_t size) { max_packet_size_ = size; }
  // Bytes of an incomplete packet held between feed() calls.
  size_t buffered() const { return buffer_.size(); }

 private:
  Version version_;
  uint32_t max_packet_size_;
  std::vector<uint8_t> buffer_;  // only a packet split across feed() calls is copied here
};

}  // namespace mqtt
