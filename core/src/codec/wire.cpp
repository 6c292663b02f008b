// Readers and writers of the primitive data types of MQTT (section 1.5).
#include "codec/wire.h"

#include <cstring>

#include "mqtt/engine.h"

namespace mqtt::codec {

size_t put_varint(uint8_t* buf, uint32_t value) {
  size_t n = 0;
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    buf[n++] = value ? (byte | 0x80) : byte;
  } while (value);
  return n;
}

uint8_t Reader::u8() {
  if (n < 1) return fail(ErrorCode::malformed_packet), 0;
  --n;
  return *p++;
}

uint16_t Reader::u16() {
  if (n < 2) return fail(ErrorCode::malformed_packet), 0;
  uint16_t v = uint16_t(p[0] << 8 | p[1]);
  p += 2, n -= 2;
  return v;
}

uint32_t Reader::u32() {
  if (n < 4) return fail(ErrorCode::malformed_packet), 0;
  uint32_t v = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
  p += 4, n -= 4;
  return v;
}

uint32_t Reader::varint() {
  uint32_t value = 0;
  for (unsigned i = 0; i < 4; ++i) {
    if (n < 1) return fail(ErrorCode::malformed_packet), 0;
    uint8_t byte = *p++;
    --n;
    value |= uint32_t(byte & 0x7F) << (7 * i);
    if (!(byte & 0x80)) {
      if (byte == 0 && i > 0) break;  // a trailing zero group: not the minimal encoding
      return value;
    }
  }
  return fail(ErrorCode::malformed_packet), 0;
}

Bytes Reader::take(size_t count) {
  if (n < count) return fail(ErrorCode::malformed_packet), Bytes{};
  Bytes b(p, count);
  p += count, n -= count;
  return b;
}

Bytes Reader::binary() {
  uint16_t len = u16();
  return take(len);
}

std::string_view Reader::string() {
  std::string_view s = binary().as_string();
  if (ok() && !is_valid_utf8(s)) fail(ErrorCode::malformed_utf8);
  return ok() ? s : std::string_view{};
}

void Writer::u32(uint32_t v) {
  u16(uint16_t(v >> 16));
  u16(uint16_t(v));
}

void Writer::varint(uint32_t v) {
  if (v > kMaxVarint) return fail(ErrorCode::invalid_argument);
  uint8_t tmp[4];
  raw(Bytes(tmp, put_varint(tmp, v)));
}

void Writer::raw(Bytes b) {
  if (!ok()) return;
  if (len + b.size > kMaxVarint) return fail(ErrorCode::payload_too_large);
  if (b.size != 0 && len + b.size <= cap) std::memcpy(buf + len, b.data, b.size);
  len += b.size;
}

void Writer::binary(Bytes b) {
  if (b.size > 0xFFFF) return fail(ErrorCode::invalid_argument);
  u16(uint16_t(b.size));
  raw(b);
}

void Writer::string(std::string_view s) {
  if (measuring() && !is_valid_utf8(s)) return fail(ErrorCode::invalid_utf8);
  binary(Bytes::of(s));
}

}  // namespace mqtt::codec
