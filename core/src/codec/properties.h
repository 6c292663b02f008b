// MQTT 5 properties (section 2.2.2): where each may appear, its value rules, and its encoding.
// In a 3.1.1-only build (MQTT_CONFIG_V5=0) these are empty and the packet units never call them.
#pragma once

#include <cstdint>

#include "codec/wire.h"
#include "mqtt/packets.h"

namespace mqtt::codec {

// Where a property list sits: bit n for packet type n, bit 0 for the will properties of CONNECT.
using Where = uint16_t;
constexpr Where kWillProperties = 1;
constexpr Where where(PacketType type) { return Where(1u << unsigned(type)); }

#if MQTT_CONFIG_V5
// Writes the property length and the properties; property_not_allowed for one that may not appear
// `where`, invalid_property for a value outside its range. Returns the property length.
uint32_t write_properties(Writer& w, const Properties& props, Where where);
// Reads a property length and the properties: property_not_allowed (identifier unknown or not
// valid `where`), malformed_property (value out of range), duplicate_property; strings and binary
// data are views.
void read_properties(Reader& r, Properties& props, Where where);
#else
inline uint32_t write_properties(Writer&, const PacketProperties&, Where) { return 0; }
inline void read_properties(Reader& r, PacketProperties&, Where) { r.fail(ErrorCode::not_supported); }
#endif

}  // namespace mqtt::codec
