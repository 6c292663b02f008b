// Primitives of the MQTT wire format (section 1.5): big-endian integers, variable byte integers,
// length-prefixed strings and binary data. Reader and Writer keep the first error and turn every
// later operation into a no-op, so packet units can read or write a whole layout and check once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mqtt/error.h"
#include "mqtt/properties.h"

namespace mqtt::codec {

constexpr uint32_t kMaxVarint = 268435455;  // largest value of a 4-byte variable byte integer

inline bool is_v5(Version v) { return MQTT_CONFIG_V5 && v == Version::v5; }

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

struct Writer {
  std::vector<uint8_t>& out;
  const size_t start;  // where this packet's body begins in `out`
  ErrorCode err = ErrorCode::ok;

  explicit Writer(std::vector<uint8_t>& o) : out(o), start(o.size()) {}

  bool ok() const { return err == ErrorCode::ok; }
  void fail(ErrorCode e) {
    if (ok()) err = e;
  }

  void u8(uint8_t v) { out.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void varint(uint32_t v);  // above kMaxVarint: invalid_argument
  void raw(Bytes b);        // a body over kMaxVarint bytes: payload_too_large, before copying
  void binary(Bytes b);     // over 65535 bytes: invalid_argument
  void string(std::string_view s);  // binary(), and invalid UTF-8: invalid_utf8
  // Inserts `value` as a variable byte integer at `pos` (used for lengths known only afterwards).
  void insert_varint(size_t pos, uint32_t value);
};

}  // namespace mqtt::codec
