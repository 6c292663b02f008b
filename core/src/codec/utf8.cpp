// UTF-8 validation for every MQTT string [MQTT-1.5.4-1..2]: well-formed, no overlong forms, no
// UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, and no U+0000.
#include <cstdint>
#include <cstring>

#include "mqtt/engine.h"

namespace mqtt {

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  // Topics are mostly ASCII: a word at a time while every byte is in 1..0x7F. With the high bits
  // clear, subtracting 0x01 from each byte sets a high bit only where a byte was zero.
  constexpr size_t kOnes = SIZE_MAX / 0xFF, kHigh = kOnes * 0x80;
  while (i < n) {
    while (n - i >= sizeof(size_t)) {
      size_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word | (word - kOnes)) & kHigh) break;
      i += sizeof word;
    }
    if (i == n) break;
    const uint8_t c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;  // a continuation byte where a character starts, or 0xF8..0xFF
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace mqtt
