// MQTT control packets as plain structs (3.1.1 section 3 / 5.0 section 3). The same structs
// serve both versions: fields that exist only in 5.0 (reason codes, properties) are ignored when
// encoding 3.1.1 and left at their defaults when decoding it. A 3.1.1-only build
// (MQTT_CONFIG_V5=0) gives the packets an empty PacketProperties instead: every packet struct
// would otherwise construct, copy and destroy a full Properties (two vectors) for nothing.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "mqtt/properties.h"

namespace mqtt {

#if MQTT_CONFIG_V5
using PacketProperties = Properties;
#else
struct PacketProperties {};
#endif

enum class PacketType : uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,  // 5.0 only
};

struct Will {
  std::string_view topic;
  Bytes payload;
  uint8_t qos = 0;
  bool retain = false;
  PacketProperties properties;  // 5.0 will properties
};

struct Connect {
  Version version = Version::v311;
  bool clean_start = true;  // Clean Session in 3.1.1
  uint16_t keep_alive = 0;
  std::string_view client_id;
  Opt<Will> will;
  Opt<std::string_view> username;
  Opt<Bytes> password;
  PacketProperties properties;
};

struct Connack {
  bool session_present = false;
  // 3.1.1: the return code (0-5); 5.0: the reason code.
  uint8_t reason_code = 0;
  PacketProperties properties;
};

struct Publish {
  uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::string_view topic;  // may be empty in 5.0 when a topic alias is used
  uint16_t packet_id = 0;  // QoS 1 and 2 only
  Bytes payload;
  PacketProperties properties;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share one layout; `type` says which.
struct Ack {
  PacketType type = PacketType::puback;
  uint16_t packet_id = 0;
  uint8_t reason_code = 0;  // 5.0
  PacketProperties properties;    // 5.0
};

struct SubscribeTopic {
  std::string_view filter;
  uint8_t qos = 0;
  // 5.0 subscription options
  bool no_local = false;
  bool retain_as_published = false;
  uint8_t retain_handling = 0;
};

struct Subscribe {
  uint16_t packet_id = 0;
  std::vector<SubscribeTopic> topics;
  PacketProperties properties;
};

// SUBACK and UNSUBACK: one reason code per topic (UNSUBACK has none in 3.1.1).
struct Suback {
  PacketType type = PacketType::suback;
  uint16_t packet_id = 0;
  Bytes reason_codes;
  PacketProperties properties;
};

struct Unsubscribe {
  uint16_t packet_id = 0;
  std::vector<std::string_view> filters;
  PacketProperties properties;
};

// PINGREQ and PINGRESP carry nothing but their type.
struct Ping {
  PacketType type = PacketType::pingreq;
};

struct Disconnect {
  uint8_t reason_code = 0;  // 5.0
  PacketProperties properties;    // 5.0
};

struct Auth {
  uint8_t reason_code = 0;
  PacketProperties properties;
};

using Packet = std::variant<Connect, Connack, Publish, Ack, Subscribe, Suback, Unsubscribe, Ping,
                            Disconnect, Auth>;

PacketType packet_type(const Packet& packet);

}  // namespace mqtt
