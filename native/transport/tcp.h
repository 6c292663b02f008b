// The TCP stream: every resolved address (IPv6 and IPv4) tried in turn, Nagle off.
//
// Declared here, not hidden in tcp.cpp, so that a Connection can hold its TCP stream in place:
// one heap block fewer for every client. A TLS stream wraps a TCP stream of its own.
#pragma once

#include <memory>
#include <string>

#include "stream.h"

namespace mqtt::native {

class TcpStream final : public Stream {
 public:
  // Bytes the socket holds that wait for the broker's window (TCP_NOTSENT_LOWAT; the rest
  // waits in the connection's buffer until the socket is writable). The kernel sends what it
  // queued beyond the window when the broker's ACK opens it, and over loopback that work runs
  // on the broker's CPU: a single-threaded Mosquitto paid 14.6-15.7 us per 16 KiB QoS 1 message
  // with no limit, 13.2-13.7 with this one (two such messages).
  static constexpr int kUnsentLimit = 32 * 1024;

  TcpStream();
  // Takes the socket (a closing connection hands it to the code that writes its last bytes).
  TcpStream(TcpStream&& other) noexcept;
  TcpStream& operator=(TcpStream&&) = delete;
  ~TcpStream() override;

  // Starts a non-blocking connect to the first address that takes one; false (error() says
  // why) when none did.
  bool start(Addresses addresses);
  // From start() until reset(): connecting, connected or failed, but not yet let go.
  bool in_use() const { return fd_ >= 0 || attempt_ != nullptr; }
  // Closes the socket and forgets the attempt and the error: ready for another start().
  void reset();

  int fd() const override { return fd_; }
  Io advance() override;
  Io read(uint8_t* buffer, size_t capacity, size_t& n) override;
  Io write(const uint8_t* data, size_t size, size_t& n) override;
  Io write_vectored(const iovec* iov, int count, size_t& n) override;
  bool short_read_drains() const override { return true; }
  bool wants_read() const override { return !attempt_; }
  bool wants_write() const override { return attempt_ != nullptr; }

 private:
  bool connect_next();  // false when no address is left
  void close_socket();

  // What trying the addresses in turn needs; freed once connected (null means connected), so
  // an idle client's stream is 32 bytes.
  struct Attempt;

  std::unique_ptr<Attempt> attempt_;
  int fd_ = -1;
};

}  // namespace mqtt::native
