// Fuzzes the Decoder with arbitrary bytes in arbitrary chunks, for both protocol versions.
//
// Input: byte 0 chooses the setup (bit 0: 5.0, bit 1: a small maximum packet size, bits 2-7:
// seed of the chunk sizes); the rest is the byte stream. Checked beyond "no crash, no leak":
//  - chunking changes nothing: the same packets and the same final error as one feed() of all;
//  - every packet that decodes re-encodes (encode() accepts it), the result decodes to the same
//    fields, and encoding that gives the same bytes again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "codec_test_util.h"
#include "mqtt/codec.h"

namespace {

using namespace mqtt;

[[noreturn]] void fail() { std::abort(); }

class RoundTripSink : public PacketSink {
 public:
  explicit RoundTripSink(Version version) : version_(version) {}
  std::vector<std::string> seen;

  bool on_packet(const Packet& packet) override {
    seen.push_back(test::describe(packet));
    // CONNECT is read by its own protocol level, whatever the decoder's version.
    Version v = version_;
    if (auto* c = std::get_if<Connect>(&packet)) v = c->version;
    std::vector<uint8_t> wire;
    if (encode(packet, v, wire) != ErrorCode::ok) fail();
    size_t header_len = 2;
    while (wire[header_len - 1] & 0x80) ++header_len;
    Packet again;
    if (decode(wire[0], Bytes(wire.data() + header_len, wire.size() - header_len), v, again) !=
        ErrorCode::ok) {
      fail();
    }
    if (test::describe(again) != seen.back()) fail();
    std::vector<uint8_t> wire2;
    if (encode(again, v, wire2) != ErrorCode::ok || wire2 != wire) fail();
    return true;
  }

 private:
  Version version_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t setup = data[0];
  const Version version = (setup & 1) ? Version::v5 : Version::v311;
  const uint32_t max_packet_size = (setup & 2) ? 64 : MQTT_DEFAULT_MAX_PACKET_SIZE;
  ++data, --size;

  Decoder whole(version, max_packet_size);
  RoundTripSink all_at_once(version);
  const ErrorCode whole_err = whole.feed(data, size, all_at_once);
  if (whole_err != ErrorCode::ok && whole.buffered() != 0) fail();

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
  if (chunk_err != whole_err || in_chunks.seen != all_at_once.seen) fail();
  if (chunked.buffered() != whole.buffered()) fail();
  return 0;
}
