// A byte stream to the broker: TCP, or TLS over TCP. Non-blocking, driven by readiness.
//
// The runtime polls fd() for the events it asks for, then calls advance() until the connection
// is up (TCP connect, TLS handshake), then read()/write(). The fd may change while connecting
// (the next resolved address is tried after a refusal), so callers ask for fd() each time.
// A stream only moves bytes: it knows nothing of MQTT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

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
  // The readiness the last `again` waits for (TLS may need to write while reading, and back).
  virtual bool wants_read() const = 0;
  virtual bool wants_write() const = 0;
  // Bytes the stream already holds decrypted: read() succeeds without the fd being readable.
  virtual bool has_buffered_input() const { return false; }

  const StreamError& error() const { return error_; }

 protected:
  Io fail(ErrorCode code, std::string detail) {
    error_.code = code;
    error_.detail = std::move(detail);
    return Io::failed;
  }
  StreamError error_;
};

// Starts connecting to endpoint (mqtt: TCP; mqtts: TLS over TCP). Resolves the host name
// (blocking getaddrinfo; numeric addresses resolve at once) and starts a non-blocking connect.
// On failure returns null and fills `error` (dns_failed, connect_failed, tls_failed,
// not_supported for WebSocket schemes).
std::unique_ptr<Stream> open_stream(const Endpoint& endpoint, const TlsOptions& tls,
                                    StreamError& error);

// The TCP stream alone (TLS wraps one).
std::unique_ptr<Stream> open_tcp(const std::string& host, uint16_t port, StreamError& error);

// The TLS layer over a connecting TCP stream; `host` is verified and sent as SNI unless
// tls.servername overrides it. Implemented by tls_openssl.cpp or tls_mbedtls.cpp.
std::unique_ptr<Stream> wrap_tls(std::unique_ptr<Stream> tcp, const std::string& host,
                                 const TlsOptions& tls, StreamError& error);

// The TLS library the build uses ("OpenSSL 3.0.x", "mbed TLS 2.28.x").
const char* tls_library();

}  // namespace mqtt::native
