// One application request (publish, subscribe, unsubscribe) as the session keeps it: already
// encoded, so the caller's views can go away when the call returns, and so a retransmission is
// the same bytes with the DUP bit and packet identifier patched in place.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mqtt::session {

enum class RequestKind : uint8_t { publish, subscribe, unsubscribe };

enum class Stage : uint8_t {
  queued,    // waiting for a connection or an in-flight slot
  sent,      // on the wire, waiting for PUBACK/PUBREC/SUBACK/UNSUBACK
  released,  // QoS 2: PUBREC received and PUBREL sent, waiting for PUBCOMP
};

struct Request {
  RequestKind kind = RequestKind::publish;
  Stage stage = Stage::queued;
  uint8_t qos = 0;  // publish QoS, or the requested subscription QoS
  bool has_token = false;  // false for the client's own requests (subscription restore)
  uint32_t token = 0;
  uint16_t packet_id = 0;
  // Subscribe/unsubscribe: the filter is the packet's last string (SUBSCRIBE: then one options
  // byte), not a second copy.
  uint16_t filter_size = 0;
  uint32_t id_offset = 0;  // where the packet identifier sits in `packet`; 0: none
  std::vector<uint8_t> packet;

  bool needs_packet_id() const { return id_offset != 0; }
  std::string_view filter() const {
    const size_t end = packet.size() - (kind == RequestKind::subscribe ? 1 : 0);
    return {reinterpret_cast<const char*>(packet.data()) + end - filter_size, filter_size};
  }
  bool is_windowed() const { return kind == RequestKind::publish && qos > 0; }

  void set_packet_id(uint16_t id) {
    packet_id = id;
    packet[id_offset] = static_cast<uint8_t>(id >> 8);
    packet[id_offset + 1] = static_cast<uint8_t>(id & 0xFF);
  }
  void set_dup(bool dup) {
    if (dup) packet[0] |= 0x08;
    else packet[0] &= static_cast<uint8_t>(~0x08u);
  }
};

// Offset of the first byte after the fixed header (type byte + remaining length).
uint32_t fixed_header_size(const std::vector<uint8_t>& packet);

// Removes and returns items[index], keeping the order of the others (the queue and the
// in-flight table share this one copy of the erase loop).
Request take_at(std::vector<Request>& items, size_t index);

}  // namespace mqtt::session
