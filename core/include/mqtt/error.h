// The one error enumeration of the project. Every value has a stable number, a name, a message
// that names the problem (and the specification rule, where one is broken), and a class:
// fatal errors end the connection, the others fail one request.
// The JavaScript constants are generated from this table (see wasm/), and a test checks both agree.
#pragma once

#include <cstdint>
#include <string_view>

#include "mqtt/config.h"

namespace mqtt {

//        name                          value  fatal  message
#define MQTT_ERRORS(X)                                                                                         \
  X(ok,                               0,  0, "success")                                                       \
  /* Invalid arguments from the application: the request is refused, nothing is sent. */                     \
  X(invalid_argument,                 1,  0, "invalid argument")                                              \
  X(invalid_options,                  2,  0, "invalid client options")                                        \
  X(missing_host,                     3,  0, "option 'host' is required")                                     \
  X(invalid_port,                     4,  0, "option 'port' must be an integer from 1 to 65535")              \
  X(invalid_client_id,                5,  0, "client id is not valid UTF-8 or longer than 65535 bytes")       \
  X(invalid_keepalive,                6,  0, "keepalive_interval must be an integer from 0 to 65535 seconds") \
  X(invalid_protocol_version,         7,  0, "protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0)")        \
  X(invalid_url,                      8,  0, "url is not a valid mqtt://, mqtts://, ws:// or wss:// address") \
  X(missing_topic,                    9,  0, "option 'topic' is required")                                    \
  X(invalid_topic,                   10,  0, "a topic name must not be empty or contain + or # [MQTT-3.3.2-2]") \
  X(invalid_topic_filter,            11,  0, "invalid topic filter: # must be last and + or # must fill a whole level [MQTT-4.7.1]") \
  X(topic_too_long,                  12,  0, "topic is longer than 65535 bytes")                              \
  X(invalid_utf8,                    13,  0, "string is not well-formed UTF-8 (or contains U+0000) [MQTT-1.5.4]") \
  X(invalid_qos,                     14,  0, "qos must be 0, 1 or 2")                                         \
  X(missing_message,                 15,  0, "option 'message' is required (String or ArrayBuffer)")          \
  X(payload_too_large,               16,  0, "packet would exceed the maximum packet size")                   \
  X(invalid_property,                17,  0, "invalid MQTT 5 property value")                                 \
  X(not_supported,                   18,  0, "not supported by this protocol version or this build")          \
  /* The client's own state. */                                                                               \
  X(queue_full,                      20,  0, "offline queue is full: request refused")                        \
  X(closed,                          21,  0, "client is closed")                                              \
  X(not_connected,                   22,  0, "not connected")                                                 \
  X(busy,                            23,  0, "a request of this kind is already in progress")                 \
  /* Connection: reported by the host's transport or detected by the core. */                                 \
  X(connect_failed,                  30,  1, "could not connect to the broker")                               \
  X(connect_timeout,                 31,  1, "connection attempt timed out")                                  \
  X(dns_failed,                      32,  1, "broker host name could not be resolved")                        \
  X(connection_lost,                 33,  1, "connection lost")                                               \
  X(ping_timeout,                    34,  1, "no PINGRESP within the keep-alive interval: connection lost")   \
  X(tls_failed,                      35,  1, "TLS handshake failed")                                          \
  X(tls_certificate_invalid,         36,  1, "TLS: the broker's certificate is not trusted by the CA")        \
  X(tls_hostname_mismatch,           37,  1, "TLS: the broker's certificate does not match the host name")    \
  X(websocket_failed,                38,  1, "WebSocket connection failed")                                   \
  X(connection_refused,              39,  1, "the broker refused the connection (CONNACK)")                   \
  X(not_authorized,                  40,  1, "the broker refused the connection: bad user name or password or not authorized") \
  X(server_disconnect,               41,  1, "the broker closed the connection with DISCONNECT")              \
  /* Refusals of single requests by the broker. */                                                            \
  X(subscribe_refused,               50,  0, "the broker refused the subscription (SUBACK failure)")          \
  X(unsubscribe_refused,             51,  0, "the broker refused the unsubscription (UNSUBACK failure)")      \
  X(publish_refused,                 52,  0, "the broker refused the publish (reason code >= 0x80)")          \
  X(auth_failed,                     53,  1, "enhanced authentication failed")                                \
  /* Protocol violations by the broker: the connection is closed. */                                          \
  X(malformed_remaining_length,      60,  1, "remaining length uses more than 4 bytes [MQTT-1.5.5]")          \
  X(packet_too_large,                61,  1, "packet exceeds the maximum packet size [MQTT-3.1.2-24]")        \
  X(malformed_packet,                62,  1, "malformed packet: length does not match its contents [MQTT-4.13]") \
  X(invalid_packet_type,             63,  1, "invalid or unexpected packet type from the broker")             \
  X(invalid_flags,                   64,  1, "reserved flag bits are set [MQTT-2.2.2-2]")                     \
  X(malformed_utf8,                  65,  1, "string in packet is not well-formed UTF-8 [MQTT-1.5.4-1]")      \
  X(malformed_topic,                 66,  1, "topic name in PUBLISH is empty or has wildcards [MQTT-3.3.2-2]") \
  X(zero_packet_id,                  67,  1, "packet identifier is zero [MQTT-2.2.1-3]")                      \
  X(unknown_packet_id,               68,  1, "acknowledgement for a packet identifier that is not in flight") \
  X(unexpected_packet,               69,  1, "packet not allowed in this state (e.g. before CONNACK, second CONNACK) [MQTT-3.2.0-1]") \
  X(duplicate_property,              70,  1, "property appears more than once [MQTT-2.2.2-1]")               \
  X(property_not_allowed,            71,  1, "property not allowed in this packet [MQTT-2.2.2-1]")            \
  X(malformed_property,              72,  1, "malformed property value")                                      \
  X(invalid_reason_code,             73,  1, "reason code not allowed in this packet")                        \
  X(invalid_qos_from_server,         74,  1, "QoS 3 or both QoS bits set in PUBLISH [MQTT-3.3.1-4]")          \
  X(topic_alias_invalid,             75,  1, "topic alias is 0, above the maximum, or unknown [MQTT-3.3.2-8]") \
  X(receive_maximum_exceeded,        76,  1, "broker sent more QoS > 0 PUBLISH than Receive Maximum [MQTT-3.3.4-9]") \
  X(protocol_error,                  77,  1, "protocol error")

enum class ErrorCode : uint16_t {
#define MQTT_ERROR_ENUM(name, value, fatal, message) name = value,
  MQTT_ERRORS(MQTT_ERROR_ENUM)
#undef MQTT_ERROR_ENUM
};

// "invalid_topic" for ErrorCode::invalid_topic; "unknown" for a value not in the table.
std::string_view error_name(ErrorCode code);
// The human message of the table; its name (error_name()) in a build with
// MQTT_CONFIG_ERROR_MESSAGES=0.
std::string_view error_message(ErrorCode code);
// Fatal errors end the connection (and are followed by reconnection); the others fail one request.
bool error_is_fatal(ErrorCode code);

// What a completion or an event carries: the code, and what the broker said where it said something.
struct Error {
  ErrorCode code = ErrorCode::ok;
  // MQTT reason code from the broker (CONNACK return code, SUBACK/PUBACK/DISCONNECT reason);
  // on a successful SUBACK it is the granted QoS.
  uint8_t reason_code = 0;
  // MQTT 5 Reason String from the broker, valid only during the callback.
  std::string_view reason_string;

  bool ok() const { return code == ErrorCode::ok; }
};

}  // namespace mqtt
