// The properties fuzz_decoder checks, shared with the unit tests that replay the corpus and the
// regression inputs (tests/core/codec_fuzz_replay_test.cpp).
//
// Input: byte 0 chooses the setup (bit 0: 5.0, bit 1: a small maximum packet size, bits 2-7:
// seed of the chunk sizes); the rest is the byte stream. Checked beyond "no crash, no leak":
//  - chunking changes nothing: the same packets and the same final error as one feed() of all;
//  - after an error the decoder keeps nothing;
//  - every packet that decodes re-encodes (encode() accepts it), the result decodes to the same
//    fields, and encoding that gives the same bytes again.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "codec_test_util.h"
#include "mqtt/codec.h"

namespace mqtt::test {

class RoundTripSink : public PacketSink {
 public:
  explicit RoundTripSink(Version version) : version_(version) {}
  std::vector<std::string> seen;
  std::string failure;  // the first broken property, empty while all hold

  bool on_packet(const Packet& packet) override {
    seen.push_back(describe(packet));
    // CONNECT is read by its own protocol level, whatever the decoder's version.
    Version v = version_;
    if (auto* c = std::get_if<Connect>(&packet)) v = c->version;
    std::vector<uint8_t> wire;
    const ErrorCode e = encode(packet, v, wire);
    if (e != ErrorCode::ok)
      return fail("decoded packet does not encode: " + std::string(error_name(e)));
    size_t header_len = 2;
    while (wire[header_len - 1] & 0x80) ++header_len;
    Packet again;
    const Bytes body(wire.data() + header_len, wire.size() - header_len);
    if (decode(wire[0], body, v, again) != ErrorCode::ok)
      return fail("re-encoded packet does not decode");
    if (describe(again) != seen.back())
      return fail("re-decoded packet differs: " + describe(again));
    std::vector<uint8_t> wire2;
    if (encode(again, v, wire2) != ErrorCode::ok || wire2 != wire)
      return fail("second encoding differs");
    return true;
  }

 private:
  bool fail(std::string what) {
    if (failure.empty()) failure = what + " (packet:" + seen.back() + ")";
    return true;
  }
  Version version_;
};

// Returns an empty string when every property holds, else a description of the first failure.
inline std::string check_decoder_input(const uint8_t* data, size_t size) {
  if (size < 1) return {};
  const uint8_t setup = data[0];
  const Version version = (setup & 1) ? Version::v5 : Version::v311;
  const uint32_t max_packet_size = (setup & 2) ? 64 : MQTT_DEFAULT_MAX_PACKET_SIZE;
  ++data, --size;

  Decoder whole(version, max_packet_size);
  RoundTripSink all_at_once(version);
  const ErrorCode whole_err = whole.feed(data, size, all_at_once);
  if (!all_at_once.failure.empty()) return all_at_once.failure;
  if (whole_err != ErrorCode::ok && whole.buffered() != 0) return "bytes kept after an error";

  // The same bytes in chunks of 1..16 bytes from a small generator seeded by the setup byte.
  Decoder chunked(version, max_packet_size);
  RoundTripSink in_chunks(version);
  uint32_t state = setup | 0x100u;
  ErrorCode chunk_err = ErrorCode::ok;
  size_t pos = 0;
  while (pos < size && chunk_err == ErrorCode::ok) {
    state = state * 1103515245u + 12345u;
    size_t n = 1 + (state >> 16) % 16;
    if (n > size - pos) n = size - pos;
    chunk_err = chunked.feed(data + pos, n, in_chunks);
    pos += n;
  }
  if (chunk_err != whole_err) {
    return "chunked feed ended with " + std::string(error_name(chunk_err)) + ", whole with " +
           std::string(error_name(whole_err));
  }
  if (in_chunks.seen != all_at_once.seen) return "chunked feed gave other packets";
  if (chunked.buffered() != whole.buffered()) return "chunked feed buffered another amount";
  return {};
}

}  // namespace mqtt::test
