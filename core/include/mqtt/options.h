// What the application passes in: the options of createClient and of each request.
// Names follow the API contract (shared spec API.md); defaults live in config.h.
// ClientOptions owns its strings (the client keeps it); request structs are views, because the
// client encodes a request into its own buffer before the call returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqtt/config.h"
#include "mqtt/properties.h"

namespace mqtt {

enum class Scheme : uint8_t { mqtt, mqtts, ws, wss };

// One broker address. Port 0 means the scheme's default: 1883, 8883, 80, 443.
struct Endpoint {
  Scheme scheme = Scheme::mqtt;
  std::string host;
  uint16_t port = 0;
  std::string path = "/mqtt";  // WebSocket only

  uint16_t effective_port() const;
  bool is_websocket() const { return scheme == Scheme::ws || scheme == Scheme::wss; }
  bool is_tls() const { return scheme == Scheme::mqtts || scheme == Scheme::wss; }
};

// Parses "mqtt://host:port", "mqtts://…", "ws://host:port/path", "wss://…" (IPv6 as [addr]).
// Returns false for anything else.
bool parse_url(std::string_view url, Endpoint& out);

struct OwnedUserProperty {
  std::string key;
  std::string value;
};

// Used by the hosts; the core only carries them.
struct TlsOptions {
  std::string ca_file;     // PEM file of trusted CAs; empty: the system's store
  std::string ca;          // PEM text of trusted CAs (instead of a file)
  std::string cert_file;   // client certificate (PEM)
  std::string key_file;    // client private key (PEM)
  bool verify = true;      // verify the certificate chain and the host name
  std::string servername;  // name to verify and send as SNI; empty: the host
};

struct WillOptions {
  std::string topic;
  std::vector<uint8_t> payload;
  int qos = 0;
  bool retain = false;
  uint32_t delay_interval = 0;  // 5.0 Will Delay Interval, seconds
};

struct ClientOptions {
  // Where: host/port/protocol/path, or a full url; `servers` adds failover brokers (urls) tried
  // in turn after the first.
  std::string host;
  int port = 0;
  Scheme protocol = Scheme::mqtt;
  std::string path = "/mqtt";
  std::string url;
  std::vector<std::string> servers;

  // Who.
  std::string client_id;  // empty: generated, 23 characters of [0-9a-zA-Z]
  Opt<std::string> username;
  Opt<std::string> password;
  long keepalive_interval = MQTT_DEFAULT_KEEPALIVE_S;  // seconds, 0 turns keep-alive off
  int protocol_version = 4;                            // 4 = 3.1.1, 5 = 5.0
  bool clean = true;                                   // Clean Session / Clean Start
  uint32_t session_expiry_interval = 0;                // 5.0, seconds
  Opt<WillOptions> will;

  // Timing.
  uint32_t connect_timeout_ms = MQTT_DEFAULT_CONNECT_TIMEOUT_MS;
  bool reconnect = true;
  uint32_t reconnect_min_ms = MQTT_DEFAULT_RECONNECT_MIN_MS;  // first delay; doubles each try
  uint32_t reconnect_max_ms = MQTT_DEFAULT_RECONNECT_MAX_MS;  // cap
  uint32_t reconnect_jitter_percent = 20;                     // each delay varies by ±this much
  uint32_t refused_retry_ms = MQTT_DEFAULT_REFUSED_RETRY_MS;  // delay after refused credentials

  // Limits.
  uint32_t queue_max_messages = MQTT_DEFAULT_QUEUE_MAX_MESSAGES;
  uint32_t queue_max_bytes = MQTT_DEFAULT_QUEUE_MAX_BYTES;
  uint32_t max_inflight = MQTT_DEFAULT_MAX_INFLIGHT;
  uint32_t receive_maximum = MQTT_DEFAULT_RECEIVE_MAXIMUM;  // 5.0: told to the broker
  uint32_t max_packet_size = MQTT_DEFAULT_MAX_PACKET_SIZE;  // incoming; 5.0: told to the broker
  uint32_t topic_alias_maximum = 0;                          // 5.0: aliases we accept from the broker

  // 5.0 CONNECT extras.
  std::vector<OwnedUserProperty> user_properties;
  std::string authentication_method;  // non-empty: enhanced authentication (AUTH exchange)
  std::vector<uint8_t> authentication_data;

  TlsOptions tls;
};

struct SubscribeRequest {
  std::string_view topic;
  int qos = 0;
  // 5.0 subscription options.
  bool no_local = false;
  bool retain_as_published = false;
  int retain_handling = 0;
  uint32_t subscription_identifier = 0;  // 0: none
  std::vector<UserProperty> user_properties;
};

struct UnsubscribeRequest {
  std::string_view topic;
  std::vector<UserProperty> user_properties;
};

struct PublishRequest {
  std::string_view topic;
  Bytes payload;
  int qos = 0;
  bool retain = false;
  // 5.0: payload_format_indicator, message_expiry_interval, content_type, response_topic,
  // correlation_data, user_properties. Topic alias and subscription identifiers are the client's.
  Properties properties;
};

}  // namespace mqtt
