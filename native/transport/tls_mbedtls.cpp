// TLS over a TCP stream with mbed TLS (-DMQTT_TLS_MBEDTLS=ON): the same behaviour as the OpenSSL
// variant, for builds that must stay small or match a device's TLS stack.
#include <errno.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "stream.h"

namespace mqtt::native {
namespace {

std::string mbed_error(int rc) {
  char buffer[160];
  mbedtls_strerror(rc, buffer, sizeof buffer);
  return buffer;
}

int send_cb(void* context, const unsigned char* data, size_t size) {
  int fd = *static_cast<int*>(context);
  ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return -0x004E;  // MBEDTLS_ERR_NET_SEND_FAILED
}

int recv_cb(void* context, unsigned char* data, size_t size) {
  int fd = *static_cast<int*>(context);
  ssize_t n = ::recv(fd, data, size, 0);
  if (n >= 0) return static_cast<int>(n);  // 0: EOF
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  return -0x004C;  // MBEDTLS_ERR_NET_RECV_FAILED
}

class MbedTlsStream final : public Stream {
 public:
  explicit MbedTlsStream(std::unique_ptr<Stream> tcp) : tcp_(std::move(tcp)) {
    mbedtls_ssl_init(&ssl_);
    mbedtls_ssl_config_init(&config_);
    mbedtls_x509_crt_init(&ca_);
    mbedtls_x509_crt_init(&cert_);
    mbedtls_pk_init(&key_);
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ~MbedTlsStream() override {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&config_);
    mbedtls_x509_crt_free(&ca_);
    mbedtls_x509_crt_free(&cert_);
    mbedtls_pk_free(&key_);
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }

  bool setup(const std::string& host, const TlsOptions& tls) {
    int rc = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                                   reinterpret_cast<const unsigned char*>("mqtt"), 4);
    if (rc != 0) return setup_failed("cannot seed the random generator", rc);
    rc = mbedtls_ssl_config_defaults(&config_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return setup_failed("cannot configure TLS", rc);
    mbedtls_ssl_conf_rng(&config_, mbedtls_ctr_drbg_random, &drbg_);
    verify_ = tls.verify;
    mbedtls_ssl_conf_authmode(&config_,
                              verify_ ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    if (!tls.ca_file.empty()) {
      rc = mbedtls_x509_crt_parse_file(&ca_, tls.ca_file.c_str());
      if (rc < 0) return setup_failed("cannot load CA file '" + tls.ca_file + "'", rc);
    } else if (!tls.ca.empty()) {
      std::string text = tls.ca;  // the PEM parser wants the terminating NUL counted
      rc = mbedtls_x509_crt_parse(&ca_, reinterpret_cast<const unsigned char*>(text.c_str()),
                                  text.size() + 1);
      if (rc < 0) return setup_failed("cannot parse the CA text", rc);
    } else if (verify_) {
      rc = mbedtls_x509_crt_parse_path(&ca_, "/etc/ssl/certs");
      if (rc < 0) return setup_failed("cannot load the system's CA store", rc);
    }
    mbedtls_ssl_conf_ca_chain(&config_, &ca_, nullptr);
    if (!tls.cert_file.empty() || !tls.key_file.empty()) {
      rc = mbedtls_x509_crt_parse_file(&cert_, tls.cert_file.c_str());
      if (rc != 0)
        return setup_failed("cannot load client certificate '" + tls.cert_file + "'", rc);
      rc = mbedtls_pk_parse_keyfile(&key_, tls.key_file.c_str(), nullptr);
      if (rc != 0) return setup_failed("cannot load client key '" + tls.key_file + "'", rc);
      rc = mbedtls_pk_check_pair(&cert_.pk, &key_);
      if (rc != 0) return setup_failed("the client key does not match the client certificate", rc);
      rc = mbedtls_ssl_conf_own_cert(&config_, &cert_, &key_);
      if (rc != 0) return setup_failed("cannot use the client certificate", rc);
    }
    rc = mbedtls_ssl_setup(&ssl_, &config_);
    if (rc != 0) return setup_failed("cannot create the TLS session", rc);
    name_ = tls.servername.empty() ? host : tls.servername;
    if (name_.size() > 2 && name_.front() == '[') name_ = name_.substr(1, name_.size() - 2);
    // Sets both SNI and the name the certificate must carry.
    rc = mbedtls_ssl_set_hostname(&ssl_, name_.c_str());
    if (rc != 0) return setup_failed("cannot set the name to verify", rc);
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
      fd_ = tcp_->fd();
      mbedtls_ssl_set_bio(&ssl_, &fd_, send_cb, recv_cb, nullptr);
    }
    if (handshake_done_) return Io::ok;
    int rc = mbedtls_ssl_handshake(&ssl_);
    if (rc == 0) {
      handshake_done_ = true;
      want_read_ = true, want_write_ = false;
      return Io::ok;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      want_read_ = rc == MBEDTLS_ERR_SSL_WANT_READ;
      want_write_ = rc == MBEDTLS_ERR_SSL_WANT_WRITE;
      return Io::again;
    }
    uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
    if (verify_ && rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0) {
      if (flags == MBEDTLS_X509_BADCERT_CN_MISMATCH)
        return fail(ErrorCode::tls_hostname_mismatch,
                    "the broker's certificate is not valid for '" + name_ + "'");
      char info[512];
      mbedtls_x509_crt_verify_info(info, sizeof info, "",
                                   flags & ~MBEDTLS_X509_BADCERT_CN_MISMATCH);
      std::string detail = info;
      while (!detail.empty() && detail.back() == '\n') detail.pop_back();
      for (char& c : detail)
        if (c == '\n') c = ';';
      return fail(ErrorCode::tls_certificate_invalid, "certificate verification failed: " + detail);
    }
    return fail(ErrorCode::tls_failed, mbed_error(rc));
  }

  Io read(uint8_t* buffer, size_t capacity, size_t& n) override {
    n = 0;
    int rc = mbedtls_ssl_read(&ssl_, buffer, capacity);
    if (rc > 0) {
      n = static_cast<size_t>(rc);
      return Io::ok;
    }
    return result(rc, "read");
  }

  Io write(const uint8_t* data, size_t size, size_t& n) override {
    n = 0;
    if (size == 0) return Io::ok;
    int rc = mbedtls_ssl_write(&ssl_, data, size);
    if (rc > 0) {
      n = static_cast<size_t>(rc);
      return Io::ok;
    }
    return result(rc, "write");
  }

  bool wants_read() const override { return want_read_; }
  bool wants_write() const override { return want_write_; }
  bool has_buffered_input() const override {
    return handshake_done_ && mbedtls_ssl_get_bytes_avail(&ssl_) > 0;
  }

 private:
  Io result(int rc, const char* what) {
    want_read_ = true, want_write_ = false;
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) return Io::again;
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      want_write_ = true;
      return Io::again;
    }
    if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return Io::eof;
    return fail(ErrorCode::connection_lost, std::string("TLS ") + what + ": " + mbed_error(rc));
  }

  bool setup_failed(const std::string& what, int rc) {
    fail(ErrorCode::tls_failed, what + ": " + mbed_error(rc));
    return false;
  }

  std::unique_ptr<Stream> tcp_;
  int fd_ = -1;
  mbedtls_ssl_context ssl_;
  mbedtls_ssl_config config_;
  mbedtls_x509_crt ca_;
  mbedtls_x509_crt cert_;
  mbedtls_pk_context key_;
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
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
  auto stream = std::make_unique<MbedTlsStream>(std::move(tcp));
  if (!stream->setup(host, tls)) {
    error = stream->error();
    return nullptr;
  }
  return stream;
}

const char* tls_library() { return MBEDTLS_VERSION_STRING_FULL; }

}  // namespace mqtt::native
