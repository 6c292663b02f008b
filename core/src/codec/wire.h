// Primitives of the MQTT wire format (section 1.5): big-endian integers, variable byte integers,
// length-prefixed strings and binary data. Reader and Writer keep the first error and turn every
// later operation into a no-op, so packet units can read or write a whole layout and check once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqtt/error.h"
#include "mqtt/properties.h"

namespace mqtt::codec {

constexpr uint32_t kMaxVarint = 268435455;  // largest value of a 4-byte variable byte integer

inline bool is_v5(Version v) { return MQTT_CONFIG_V5 && v == Version::v5; }

// Whether `s` holds a '+' or '#' (topic.cpp).
bool has_wildcard(std::string_view s);

// Writes `value` (at most kMaxVarint) as a variable byte integer into buf; returns its length.
size_t put_varint(uint8_t* buf, uint32_t value);

struct Reader {
  const uint8_t* p;
  size_t n;
  ErrorCode err = ErrorCode::ok;

  Reader(const uint8_t* data, size_t size) : p(data), n(size) {}
  explicit Reader(Bytes b) : p(b.data), n(b.size) {}

  bool ok() const { return err == ErrorCode::ok; }
  bool empty() const { return n == 0; }
  void fail(ErrorCode e) {
    if (ok()) err = e;
    n = 0;
  }

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint32_t varint();  // refuses more than 4 bytes and non-minimal encodings [MQTT-1.5.5-1]
  Bytes take(size_t count);
  Bytes binary();             // two-byte length, then the bytes
  std::string_view string();  // binary() that must be valid UTF-8, else malformed_utf8
  Bytes rest() { return take(n); }
};

// encode() runs a packet unit twice with the same input: first a measuring Writer (no buffer)
// counts the body and finds every error, then a Writer over the reserved bytes writes it, so the
// body is copied once, after the fixed header, and never moved. Every write is bounded by `cap`.
struct Writer {
  uint8_t* buf = nullptr;  // nullptr: the measuring pass
  size_t cap = 0;          // bytes that may be written at `buf`
  size_t len = 0;          // body bytes written (or counted) so far
  ErrorCode err = ErrorCode::ok;
  // Property lengths found by the measuring pass, in order, for the writing pass (CONNECT has
  // two property lists: the packet's and the will's).
  uint32_t prop_lengths[2] = {0, 0};
  uint8_t props = 0;

  Writer() = default;
  // The writing pass over `size` bytes at `data`, after `measured` counted exactly that many.
  Writer(uint8_t* data, size_t size, const Writer& measured) : buf(data), cap(size) {
    prop_lengths[0] = measured.prop_lengths[0];
    prop_lengths[1] = measured.prop_lengths[1];
  }

  bool measuring() const { return buf == nullptr; }
  bool ok() const { return err == ErrorCode::ok; }
  void fail(ErrorCode e) {
    if (ok()) err = e;
  }

  void u8(uint8_t v) {
    if (len < cap) buf[len] = v;
    ++len;
  }
  void u16(uint16_t v) {
    u8(uint8_t(v >> 8));
    u8(uint8_t(v));
  }
  void u32(uint32_t v);
  void varint(uint32_t v);  // above kMaxVarint: invalid_argument
  void raw(Bytes b);        // a body over kMaxVarint bytes: payload_too_large, before copying
  void binary(Bytes b);     // over 65535 bytes: invalid_argument
  // binary(); invalid UTF-8: invalid_utf8 (checked by the measuring pass only: same input)
  void string(std::string_view s);
  void drop(size_t n) { len -= n; }  // forgets the last n bytes written
};

// Bytes of `value` as a variable byte integer (1 to 4).
inline size_t varint_size(uint32_t value) {
  return value < 128u ? 1 : value < 16384u ? 2 : value < 2097152u ? 3 : 4;
}

}  // namespace mqtt::codec
