// A byte stream to the broker: TCP, or TLS over TCP. Non-blocking, driven by readiness.
//
// The runtime polls fd() for the events it asks for, then calls advance() until the connection
// is up (TCP connect, TLS handshake), then read()/write(). The fd may change while connecting
// (the next resolved address is tried after a refusal), so callers ask for fd() each time.
// A stream only moves bytes: it knows nothing of MQTT.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqtt/error.h"
#include "mqtt/options.h"

namespace mqtt::native {

// Why a stream failed: the code for the core, and a detail for people (errno text, the TLS
// library's reason, the address tried).
struct StreamError {
  ErrorCode code = ErrorCode::ok;
  std::string detail;
};

enum class Io : uint8_t {
  ok,      // some bytes moved (n > 0), or the step completed
  again,   // would block; poll for wants_read()/wants_write() and retry
  eof,     // the peer closed the connection cleanly
  failed,  // see error()
};

class Stream {
 public:
  virtual ~Stream() = default;

  virtual int fd() const = 0;
  // Completes the connection setup. ok: ready for read/write.
  virtual Io advance() = 0;
  virtual Io read(uint8_t* buffer, size_t capacity, size_t& n) = 0;
  virtual Io write(const uint8_t* data, size_t size, size_t& n) = 0;
  // Writes from several buffers in order (TCP: one sendmsg). The default writes the first
  // buffer only: TLS records are built one write() at a time anyway.
  virtual Io write_vectored(const iovec* iov, int count, size_t& n) {
    n = 0;
    if (count <= 0) return Io::ok;
    return write(static_cast<const uint8_t*>(iov[0].iov_base), iov[0].iov_len, n);
  }
  // The readiness the last `again` waits for (TLS may need to write while reading, and back).
  virtual bool wants_read() const = 0;
  virtual bool wants_write() const = 0;
  // Bytes the stream already holds decrypted: read() succeeds without the fd being readable.
  virtual bool has_buffered_input() const { return false; }
  // True when a read() that filled less than its buffer took everything there was (a plain
  // socket): the caller can stop without another read() that would only say `again`.
  virtual bool short_read_drains() const { return false; }

  const StreamError& error() const {
    static const StreamError none;
    return error_ ? *error_ : none;
  }

 protected:
  Stream() = default;
  Stream(Stream&&) noexcept = default;
  void clear_error() { error_.reset(); }
  Io fail(ErrorCode code, std::string detail) {
    if (!error_) error_ = std::make_unique<StreamError>();
    error_->code = code;
    error_->detail = std::move(detail);
    return Io::failed;
  }
  Io fail(const StreamError& error) { return fail(error.code, error.detail); }

 private:
  // Allocated by the first failure: a working stream (every idle client's) carries 8 bytes.
  std::unique_ptr<StreamError> error_;
};

// One resolved socket address: IPv4 or IPv6 (all that TCP resolution returns), not the 128 bytes
// of a sockaddr_storage.
struct Address {
  union Storage {
    sockaddr_in v4;
    sockaddr_in6 v6;
  } storage{};
  socklen_t length = 0;
  int family = 0;
};
using Addresses = std::vector<Address>;

// The host without the brackets a URL puts around an IPv6 literal.
std::string bare_host(const std::string& host);
// True for an IPv4 or IPv6 literal: resolve() returns at once, without asking DNS.
bool is_numeric_host(const std::string& host);
// getaddrinfo (IPv6 and IPv4): blocking for names, so the runtime calls it off the loop's
// thread (resolve_async). False with `error` dns_failed naming the host and the reason.
bool resolve(const std::string& host, uint16_t port, Addresses& out, StreamError& error);
// resolve() on a small pool of worker threads; `done` runs on the worker thread.
void resolve_async(std::string host, uint16_t port,
                   std::function<void(Addresses, StreamError)> done);

class TcpStream;

// Starts connecting to the endpoint's resolved addresses (mqtt: TCP; mqtts: TLS over TCP),
// trying each in turn, non-blocking. TCP runs in the caller's `tcp` (in place: no allocation);
// TLS in a new stream put in `tls`, over a TCP stream of its own. Returns the stream to use, or
// null with `error` filled (connect_failed, tls_failed, not_supported for WebSocket schemes).
Stream* open_stream(const Endpoint& endpoint, const TlsOptions& tls_options, Addresses addresses,
                    TcpStream& tcp, std::unique_ptr<Stream>& tls, StreamError& error);

// Sends the ACK for what was just read from this TCP socket now, not up to 40 ms later. A
// broker with Nagle on (Mosquitto's default) holds its next small packet until the previous one
// is acknowledged, and Linux delays the ACKs of an interactive connection: re-armed after every
// read round because the kernel leaves quick-ACK mode on its own (TCP_QUICKACK, Linux only).
void acknowledge_now(int fd);

// The TLS layer over a connecting TCP stream; `host` is verified and sent as SNI unless
// tls.servername overrides it. Implemented by tls_openssl.cpp or tls_mbedtls.cpp.
std::unique_ptr<Stream> wrap_tls(std::unique_ptr<Stream> tcp, const std::string& host,
                                 const TlsOptions& tls, StreamError& error);

// The TLS library the build uses ("OpenSSL 3.0.x", "mbed TLS 2.28.x").
const char* tls_library();

}  // namespace mqtt::native
