// TLS over a TCP stream with OpenSSL: chain and host-name verification on by default, SNI,
// CA from a file or from PEM text, optional client certificate.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "stream.h"

namespace mqtt::native {
namespace {

std::string openssl_errors() {
  std::string text;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

class OpenSslStream final : public Stream {
 public:
  explicit OpenSslStream(std::unique_ptr<Stream> tcp) : tcp_(std::move(tcp)) {}
  ~OpenSslStream() override {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
  }

  bool setup(const std::string& host, const TlsOptions& tls) {
    ERR_clear_error();
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) return setup_failed("cannot create the TLS context");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    verify_ = tls.verify;
    if (!tls.ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(ctx_, tls.ca_file.c_str(), nullptr) != 1)
        return setup_failed("cannot load CA file '" + tls.ca_file + "'");
    } else if (!tls.ca.empty()) {
      BIO* bio = BIO_new_mem_buf(tls.ca.data(), static_cast<int>(tls.ca.size()));
      X509_STORE* store = SSL_CTX_get_cert_store(ctx_);
      int added = 0;
      while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        added += X509_STORE_add_cert(store, cert) == 1;
        X509_free(cert);
      }
      BIO_free(bio);
      ERR_clear_error();  // the end of the PEM text reads as an error
      if (added == 0) return setup_failed("the CA text holds no PEM certificate");
    } else if (SSL_CTX_set_default_verify_paths(ctx_) != 1) {
      return setup_failed("cannot load the system's CA store");
    }
    if (!tls.cert_file.empty() &&
        SSL_CTX_use_certificate_chain_file(ctx_, tls.cert_file.c_str()) != 1)
      return setup_failed("cannot load client certificate '" + tls.cert_file + "'");
    if (!tls.key_file.empty()) {
      if (SSL_CTX_use_PrivateKey_file(ctx_, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return setup_failed("cannot load client key '" + tls.key_file + "'");
      if (SSL_CTX_check_private_key(ctx_) != 1)
        return setup_failed("the client key does not match the client certificate");
    }
    SSL_CTX_set_verify(ctx_, verify_ ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

    ssl_ = SSL_new(ctx_);
    if (!ssl_) return setup_failed("cannot create the TLS session");
    name_ = tls.servername.empty() ? host : tls.servername;
    if (name_.size() > 2 && name_.front() == '[') name_ = name_.substr(1, name_.size() - 2);
    const bool ip = is_ip_literal(name_);
    if (!ip) SSL_set_tlsext_host_name(ssl_, name_.c_str());  // SNI is for names only
    if (verify_) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name_.c_str())
                  : X509_VERIFY_PARAM_set1_host(param, name_.c_str(), 0);
      if (ok != 1) return setup_failed("cannot set the name to verify");
    }
    return true;
  }

  int fd() const override { return tcp_->fd(); }

  Io advance() override {
    if (!tcp_done_) {
      Io step = tcp_->advance();
      if (step == Io::failed) return fail(tcp_->error());
      if (step != Io::ok) {
        want_read_ = false, want_write_ = true;
        return step;
      }
      tcp_done_ = true;
      SSL_set_fd(ssl_, tcp_->fd());
    }
    if (handshake_done_) return Io::ok;
    ERR_clear_error();
    int rc = SSL_connect(ssl_);
    if (rc == 1) {
      handshake_done_ = true;
      want_read_ = true, want_write_ = false;
      return Io::ok;
    }
    int e = SSL_get_error(ssl_, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      want_read_ = e == SSL_ERROR_WANT_READ;
      want_write_ = e == SSL_ERROR_WANT_WRITE;
      return Io::again;
    }
    long verify = SSL_get_verify_result(ssl_);
    if (verify_ && verify == X509_V_ERR_HOSTNAME_MISMATCH)
      return fail(ErrorCode::tls_hostname_mismatch,
                  "the broker's certificate is not valid for '" + name_ + "'");
    if (verify_ && verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
      return fail(ErrorCode::tls_hostname_mismatch,
                  "the broker's certificate is not valid for the address " + name_);
    if (verify_ && verify != X509_V_OK)
      return fail(
          ErrorCode::tls_certificate_invalid,
          std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify));
    std::string detail = openssl_errors();
    if (detail.empty())
      detail = e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN
                   ? "the broker closed the connection during the handshake"
                   : "error " + std::to_string(e);
    return fail(ErrorCode::tls_failed, detail);
  }

  Io read(uint8_t* buffer, size_t capacity, size_t& n) override {
    n = 0;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read(ssl_, buffer, static_cast<int>(capacity > INT32_MAX ? INT32_MAX : capacity));
    if (rc > 0) {
      n = static_cast<size_t>(rc);
      return Io::ok;
    }
    return result(rc, "read");
  }

  Io write(const uint8_t* data, size_t size, size_t& n) override {
    n = 0;
    if (size == 0) return Io::ok;
    ERR_clear_error();
    errno = 0;
    // Partial writes let us hand over large buffers without SSL_write's retry-with-same-buffer
    // rule.
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    int rc = SSL_write(ssl_, data, static_cast<int>(size > INT32_MAX ? INT32_MAX : size));
    if (rc > 0) {
      n = static_cast<size_t>(rc);
      return Io::ok;
    }
    return result(rc, "write");
  }

  bool wants_read() const override { return want_read_; }
  bool wants_write() const override { return want_write_; }
  bool has_buffered_input() const override {
    return ssl_ && handshake_done_ && SSL_pending(ssl_) > 0;
  }

 private:
  Io result(int rc, const char* what) {
    int e = SSL_get_error(ssl_, rc);
    want_read_ = true, want_write_ = false;
    switch (e) {
      case SSL_ERROR_WANT_READ:
        return Io::again;
      case SSL_ERROR_WANT_WRITE:
        want_write_ = true;
        return Io::again;
      case SSL_ERROR_ZERO_RETURN:
        return Io::eof;
      case SSL_ERROR_SYSCALL: {
        std::string detail = openssl_errors();
        if (detail.empty() && errno == 0) return Io::eof;  // EOF without close_notify
        return fail(
            ErrorCode::connection_lost,
            std::string("TLS ") + what + ": " + (detail.empty() ? std::strerror(errno) : detail));
      }
      default:
        return fail(ErrorCode::connection_lost,
                    std::string("TLS ") + what + ": " + openssl_errors());
    }
  }

  bool setup_failed(const std::string& what) {
    std::string detail = openssl_errors();
    fail(ErrorCode::tls_failed, detail.empty() ? what : what + ": " + detail);
    return false;
  }

  std::unique_ptr<Stream> tcp_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string name_;
  bool verify_ = true;
  bool tcp_done_ = false;
  bool handshake_done_ = false;
  bool want_read_ = false;
  bool want_write_ = true;
};

}  // namespace

std::unique_ptr<Stream> wrap_tls(std::unique_ptr<Stream> tcp, const std::string& host,
                                 const TlsOptions& tls, StreamError& error) {
  auto stream = std::make_unique<OpenSslStream>(std::move(tcp));
  if (!stream->setup(host, tls)) {
    error = stream->error();
    return nullptr;
  }
  return stream;
}

const char* tls_library() { return OpenSSL_version(OPENSSL_VERSION); }

}  // namespace mqtt::native
