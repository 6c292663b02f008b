// The client's options as the engine keeps them for its whole life: the numbers inline, every
// non-empty string in one allocation. A whole ClientOptions (about 640 bytes on a 64-bit host,
// mostly empty strings and vectors) per idle client is what this avoids.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "mqtt/options.h"

namespace mqtt {

class StoredOptions {
 public:
  // The strings kept, by position in the blob; servers and user properties follow them.
  enum Text : uint8_t {
    host,
    path,
    url,
    client_id,
    username,
    password,
    will_topic,
    will_payload,
    authentication_method,
    authentication_data,
    tls_ca_file,
    tls_ca,
    tls_cert_file,
    tls_key_file,
    tls_servername,
    kTexts
  };

  explicit StoredOptions(const ClientOptions& options);

  // The options as given (Engine::options()).
  ClientOptions unpack() const;
  TlsOptions unpack_tls() const;
  // Whether any TLS setting differs from the defaults.
  bool has_tls_settings() const;

  std::string_view text(Text which) const;
  size_t servers() const { return servers_; }
  std::string_view server(size_t i) const { return entry(stored_texts() + i); }
  size_t user_properties() const { return user_properties_; }
  std::string_view user_key(size_t i) const { return entry(stored_texts() + servers_ + 2 * i); }
  std::string_view user_value(size_t i) const { return entry(stored_texts() + servers_ + 2 * i + 1); }
  // The n-th broker address: the first from url or host/port/protocol/path, then `servers`.
  size_t endpoints() const { return 1 + servers_; }
  Endpoint endpoint(size_t n) const;

  // The numbers, named as in ClientOptions.
  long keepalive_interval;
  int port;
  int protocol_version;
  uint32_t session_expiry_interval;
  uint32_t connect_timeout_ms;
  uint32_t reconnect_min_ms;
  uint32_t reconnect_max_ms;
  uint32_t reconnect_jitter_percent;
  uint32_t refused_retry_ms;
  uint32_t queue_max_messages;
  uint32_t queue_max_bytes;
  uint32_t max_inflight;
  uint32_t receive_maximum;
  uint32_t max_packet_size;
  uint32_t topic_alias_maximum;
  uint32_t will_delay_interval;
  int will_qos;
  Scheme protocol;
  bool clean;
  bool reconnect;
  bool has_username;
  bool has_password;
  bool has_will;
  bool will_retain;
  bool tls_verify;

 private:
  size_t stored_texts() const;
  std::string_view entry(size_t index) const;

  // ends_[i] is one past the last character of stored string i, counted from chars(); the
  // characters follow the ends in the same allocation. Null when nothing is stored.
  std::unique_ptr<uint32_t[]> ends_;
  uint32_t present_ = 0;  // bit per Text: stored (non-empty)
  uint32_t servers_ = 0;
  uint32_t user_properties_ = 0;
};

}  // namespace mqtt
