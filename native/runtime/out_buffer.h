// A connection's bytes waiting for the socket: a queue of chunks, written with one writev.
//
// Bytes are copied once, when the Engine hands them over; what is written is dropped chunk by
// chunk from the front, so a large backlog is never moved to close a gap (the old single vector
// erased its written prefix with a memmove). When everything is written the connection holds no
// output memory: its chunks go back to small per-thread spare lists.
#pragma once

#include <sys/uio.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../transport/stream.h"

namespace mqtt::native {

class OutBuffer {
 public:
  bool empty() const { return head_ == chunks_.size(); }
  size_t size() const { return bytes_; }

  void append(const uint8_t* data, size_t size) {
    if (size == 0) return;
    bytes_ += size;
    if (!empty()) {
      Chunk& last = chunks_.back();
      size_t room = std::min(size, last.capacity - last.end);
      std::memcpy(last.data.get() + last.end, data, room);
      last.end += room;
      data += room;
      size -= room;
    }
    if (size == 0) return;
    // A small first chunk for the usual lone packet (PINGREQ, PUBACK); bursts get larger ones.
    // Both sizes come from the thread's spares when there are some.
    Chunk chunk{nullptr, 0, 0, size};
    if (empty() && size <= kFirstChunk) {
      chunk.capacity = kFirstChunk;
      chunk.data = small_spares().take();
    } else if (size <= kChunk) {
      chunk.capacity = kChunk;
      chunk.data = large_spares().take();
    } else {
      chunk.capacity = size;
    }
    if (!chunk.data) chunk.data.reset(new uint8_t[chunk.capacity]);
    std::memcpy(chunk.data.get(), data, size);
    chunks_.push_back(std::move(chunk));
  }

  // Writes as much as the stream takes. ok: all written; again: the rest waits for POLLOUT;
  // failed: see stream.error().
  Io write_to(Stream& stream) {
    while (!empty()) {
      iovec iov[kMaxIov];
      int count = 0;
      for (size_t i = head_; i < chunks_.size() && count < kMaxIov; ++i, ++count) {
        iov[count].iov_base = chunks_[i].data.get() + chunks_[i].begin;
        iov[count].iov_len = chunks_[i].end - chunks_[i].begin;
      }
      size_t n = 0;
      Io io = stream.write_vectored(iov, count, n);
      if (io != Io::ok) return io;
      consume(n);
    }
    return Io::ok;
  }

  void clear() {
    std::vector<Chunk>().swap(chunks_);  // an idle connection holds no output memory at all
    head_ = 0;
    bytes_ = 0;
  }

 private:
  static constexpr size_t kFirstChunk = 4 * 1024;
  static constexpr size_t kChunk = 64 * 1024;
  static constexpr int kMaxIov = 64;

  // Written-out chunks, kept for the next packets by the buffers of one thread (a loop runs on
  // one thread), not by each connection: an idle connection still holds nothing. Freeing a
  // burst's large chunks let the allocator return the heap's top to the system and fault it in
  // again page by page on the next burst (2.9 page faults per 16 KiB message, a third of its
  // CPU); a lone packet (PINGREQ, PUBACK) would malloc and free its small chunk each time.
  class Spares {
   public:
    explicit Spares(size_t max) : max_(max) {}
    std::unique_ptr<uint8_t[]> take() {
      if (list_.empty()) return nullptr;
      std::unique_ptr<uint8_t[]> data = std::move(list_.back());
      list_.pop_back();
      return data;
    }
    void give(std::unique_ptr<uint8_t[]>& data) {
      if (list_.size() < max_) list_.push_back(std::move(data));
    }

   private:
    std::vector<std::unique_ptr<uint8_t[]>> list_;
    size_t max_;
  };
  static Spares& small_spares() {
    static thread_local Spares spares(64);  // 256 KiB per thread at most
    return spares;
  }
  static Spares& large_spares() {
    static thread_local Spares spares(32);  // 2 MiB per thread at most
    return spares;
  }

  struct Chunk {
    std::unique_ptr<uint8_t[]> data;
    size_t capacity;
    size_t begin;  // written up to here
    size_t end;    // filled up to here
  };

  void consume(size_t n) {
    bytes_ -= n;
    while (n > 0) {
      Chunk& front = chunks_[head_];
      size_t take = std::min(n, front.end - front.begin);
      front.begin += take;
      n -= take;
      if (front.begin == front.end) {
        if (front.capacity == kFirstChunk) small_spares().give(front.data);
        else if (front.capacity == kChunk) large_spares().give(front.data);
        front.data.reset();
        ++head_;
      }
    }
    if (empty()) {
      clear();
    } else if (head_ >= 32 && head_ * 2 >= chunks_.size()) {
      // Drop the spent slots (only pointers move, never bytes).
      chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  std::vector<Chunk> chunks_;  // [head_, end) hold bytes to write
  size_t head_ = 0;
  size_t bytes_ = 0;
};

}  // namespace mqtt::native
