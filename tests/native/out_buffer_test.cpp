// The connection's output queue (native/runtime/out_buffer.h) against a socket that takes a few
// bytes at a time: order is kept across chunks and partial writes, and nothing is kept once sent.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/out_buffer.h"

namespace {

using mqtt::native::Io;
using mqtt::native::OutBuffer;

// Takes at most `per_call` bytes per write, and nothing once `budget` is spent (would block).
class TrickleStream final : public mqtt::native::Stream {
 public:
  size_t per_call = 7;
  size_t budget = SIZE_MAX;
  std::vector<uint8_t> received;
  int calls = 0;

  int fd() const override { return -1; }
  Io advance() override { return Io::ok; }
  Io read(uint8_t*, size_t, size_t& n) override { return n = 0, Io::again; }
  Io write(const uint8_t* data, size_t size, size_t& n) override {
    iovec one{const_cast<uint8_t*>(data), size};
    return write_vectored(&one, 1, n);
  }
  Io write_vectored(const iovec* iov, int count, size_t& n) override {
    ++calls;
    n = 0;
    size_t limit = std::min(per_call, budget);
    if (limit == 0) return Io::again;
    for (int i = 0; i < count && n < limit; ++i) {
      const uint8_t* p = static_cast<const uint8_t*>(iov[i].iov_base);
      size_t take = std::min(iov[i].iov_len, limit - n);
      received.insert(received.end(), p, p + take);
      n += take;
    }
    budget -= n;
    return Io::ok;
  }
  bool wants_read() const override { return true; }
  bool wants_write() const override { return false; }
};

std::vector<uint8_t> pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<uint8_t>(seed + i * 31);
  return v;
}

TEST(OutBuffer, KeepsOrderAcrossChunksAndPartialWrites) {
  OutBuffer out;
  std::vector<uint8_t> expected;
  // Small packets, then ones larger than a chunk, so the data spans several chunks.
  for (size_t size : {2u, 100u, 5000u, 70000u, 3u, 200000u, 1u}) {
    auto bytes = pattern(size, static_cast<uint8_t>(size));
    out.append(bytes.data(), bytes.size());
    expected.insert(expected.end(), bytes.begin(), bytes.end());
  }
  EXPECT_EQ(out.size(), expected.size());

  TrickleStream stream;
  stream.per_call = 4093;  // never a chunk boundary
  stream.budget = 100000;
  EXPECT_EQ(out.write_to(stream), Io::again);  // the socket is full: the rest waits
  EXPECT_EQ(out.size(), expected.size() - 100000);
  // More arrives while the front is half written.
  auto tail = pattern(12345, 9);
  out.append(tail.data(), tail.size());
  expected.insert(expected.end(), tail.begin(), tail.end());

  stream.budget = SIZE_MAX;
  EXPECT_EQ(out.write_to(stream), Io::ok);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(stream.received, expected);
}

TEST(OutBuffer, ManySmallPacketsLeaveInFewWrites) {
  OutBuffer out;
  std::vector<uint8_t> expected;
  for (int i = 0; i < 1000; ++i) {
    uint8_t puback[4] = {0x40, 0x02, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
    out.append(puback, sizeof puback);
    expected.insert(expected.end(), puback, puback + 4);
  }
  TrickleStream stream;
  stream.per_call = SIZE_MAX;
  EXPECT_EQ(out.write_to(stream), Io::ok);
  EXPECT_EQ(stream.calls, 1);  // 4000 bytes in one chunk: one write
  EXPECT_EQ(stream.received, expected);
}

TEST(OutBuffer, ReusableAfterClearAndEmptyWritesNothing) {
  OutBuffer out;
  TrickleStream stream;
  EXPECT_EQ(out.write_to(stream), Io::ok);
  EXPECT_EQ(stream.calls, 0);
  auto a = pattern(10, 1);
  out.append(a.data(), a.size());
  out.clear();
  EXPECT_TRUE(out.empty());
  auto b = pattern(20, 2);
  out.append(b.data(), b.size());
  EXPECT_EQ(out.write_to(stream), Io::ok);
  EXPECT_EQ(stream.received, b);
}

}  // namespace
