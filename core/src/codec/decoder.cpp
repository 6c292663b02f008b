// Decoder: frames packets out of a byte stream. A packet that arrives whole is decoded straight
// from the caller's bytes; only one split across feed() calls is copied, into a buffer reserved
// for exactly its size once its remaining length has passed the maximum packet size check.
#include <algorithm>
#include <cstring>

#include "codec/wire.h"
#include "mqtt/codec.h"

namespace mqtt {
namespace {

// Parses the fixed header at p[0..n). Sets `header_len` (0 while more bytes are needed) and
// `remaining`, or returns the violation as soon as the bytes present prove one.
ErrorCode parse_header(const uint8_t* p, size_t n, Version version, uint32_t max_packet_size,
                       size_t& header_len, uint32_t& remaining) {
  header_len = 0;
  if (n == 0) return ErrorCode::ok;
  const unsigned type = p[0] >> 4;
  if (type == 0 || (type == 15 && !codec::is_v5(version))) return ErrorCode::invalid_packet_type;
  uint32_t value = 0;
  for (size_t i = 1; i <= 4; ++i) {
    if (i >= n) return ErrorCode::ok;
    value |= uint32_t(p[i] & 0x7F) << (7 * (i - 1));
    if (!(p[i] & 0x80)) {
      // A trailing zero group is not the minimal encoding [MQTT-1.5.5-1].
      if (p[i] == 0 && i > 1) return ErrorCode::malformed_remaining_length;
      // The maximum packet size counts the whole packet, fixed header included (5.0 3.1.2.11.4).
      if (uint64_t(i) + 1 + value > max_packet_size) return ErrorCode::packet_too_large;
      header_len = i + 1;
      remaining = value;
      return ErrorCode::ok;
    }
  }
  return ErrorCode::malformed_remaining_length;
}

// Appends with one growth path (resize) instead of assign, push_back and insert each inlining
// their own.
void append(std::vector<uint8_t>& buffer, const uint8_t* data, size_t size) {
  const size_t old = buffer.size();
  buffer.resize(old + size);
  std::memcpy(buffer.data() + old, data, size);
}

// feed()'s sink: decodes each frame into one Packet, reused, and passes it on.
class PacketFrames final : public FrameSink {
 public:
  PacketFrames(Version version, PacketSink& sink) : version_(version), sink_(sink) {}
  bool on_frame(uint8_t header, Bytes body, ErrorCode& err) override {
    err = decode(header, body, version_, packet_);
    return err == ErrorCode::ok && sink_.on_packet(packet_);
  }

 private:
  Version version_;
  PacketSink& sink_;
  Packet packet_;
};

}  // namespace

Decoder::Decoder(Version version, uint32_t max_packet_size)
    : version_(version), max_packet_size_(max_packet_size) {}

void Decoder::reset() { std::vector<uint8_t>().swap(buffer_); }

ErrorCode Decoder::feed(const uint8_t* data, size_t size, PacketSink& sink) {
  PacketFrames frames(version_, sink);
  return feed_frames(data, size, frames);
}

ErrorCode Decoder::feed_frames(const uint8_t* data, size_t size, FrameSink& sink) {
  ErrorCode err = ErrorCode::ok;
  bool more = true;  // the sink has not asked to stop
  size_t header_len = 0;
  uint32_t remaining = 0;
  while (size > 0 && more) {
    if (buffer_.empty()) {
      err = parse_header(data, size, version_, max_packet_size_, header_len, remaining);
      if (err != ErrorCode::ok) break;
      if (header_len != 0 && size - header_len >= remaining) {
        const uint8_t* packet = data;
        data += header_len + remaining;
        size -= header_len + remaining;
        more = sink.on_frame(packet[0], Bytes(packet + header_len, remaining), err);
        continue;
      }
      if (header_len != 0) buffer_.reserve(header_len + remaining);
      append(buffer_, data, size);  // the start of a packet (at most 4 bytes without a header)
      return ErrorCode::ok;
    }
    // Continuing a buffered packet: complete its header a byte at a time, then its body.
    err = parse_header(buffer_.data(), buffer_.size(), version_, max_packet_size_, header_len,
                       remaining);
    if (err != ErrorCode::ok) break;
    if (header_len == 0) {
      append(buffer_, data++, 1);
      --size;
      err = parse_header(buffer_.data(), buffer_.size(), version_, max_packet_size_, header_len,
                         remaining);
      if (err != ErrorCode::ok) break;
      if (header_len != 0) buffer_.reserve(header_len + remaining);
      if (header_len == 0 || remaining != 0) continue;
    }
    const size_t take = std::min<size_t>(size, header_len + remaining - buffer_.size());
    append(buffer_, data, take);
    data += take;
    size -= take;
    if (buffer_.size() < header_len + remaining) return ErrorCode::ok;
    // Move the packet out first: the buffer is empty again while the sink runs.
    std::vector<uint8_t> whole;
    whole.swap(buffer_);
    more = sink.on_frame(whole[0], Bytes(whole.data() + header_len, remaining), err);
  }
  if (err != ErrorCode::ok || !more) reset();
  return err;
}

}  // namespace mqtt
