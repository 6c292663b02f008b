// Compile-time limits and feature switches of the core, in one place.
// Every value can be overridden with -D at build time (a board sets smaller ones).
#pragma once

// MQTT 5.0 support. 0 builds a 3.1.1-only client: smaller code, no properties.
#ifndef MQTT_CONFIG_V5
#define MQTT_CONFIG_V5 1
#endif

// Human messages of the errors (error_message()). 0 leaves the message table out of the program
// (about 4.5 KB of flash on a Cortex-M4): error_message() then returns the error's name.
#ifndef MQTT_CONFIG_ERROR_MESSAGES
#define MQTT_CONFIG_ERROR_MESSAGES 1
#endif

// URL parsing: the url and servers options, and parse_url(). 0 leaves it out of a board build
// whose port passes host, port and protocol: a url or servers option is then refused with
// not_supported by connect() and validate_options(), and parse_url() returns false.
#ifndef MQTT_CONFIG_URL
#define MQTT_CONFIG_URL 1
#endif

// Largest packet the client accepts from the broker unless the options say otherwise.
// The decoder refuses a remaining length above it before buffering anything.
#ifndef MQTT_DEFAULT_MAX_PACKET_SIZE
#define MQTT_DEFAULT_MAX_PACKET_SIZE (4u * 1024u * 1024u)
#endif

// Offline queue bounds (requests waiting for a connection or for an in-flight slot).
#ifndef MQTT_DEFAULT_QUEUE_MAX_MESSAGES
#define MQTT_DEFAULT_QUEUE_MAX_MESSAGES 1000u
#endif
#ifndef MQTT_DEFAULT_QUEUE_MAX_BYTES
#define MQTT_DEFAULT_QUEUE_MAX_BYTES (8u * 1024u * 1024u)
#endif

// Outgoing QoS 1/2 messages on the wire at once (also capped by the broker's Receive Maximum).
// 20 is what Mosquitto accepts from a 3.1.1 client, which cannot be told a limit: past it the
// broker acknowledges a QoS 2 PUBLISH, drops it and resets the connection.
#ifndef MQTT_DEFAULT_MAX_INFLIGHT
#define MQTT_DEFAULT_MAX_INFLIGHT 20u
#endif

// Incoming QoS 2 packet identifiers held until PUBREL (our Receive Maximum).
#ifndef MQTT_DEFAULT_RECEIVE_MAXIMUM
#define MQTT_DEFAULT_RECEIVE_MAXIMUM 100u
#endif

#ifndef MQTT_DEFAULT_KEEPALIVE_S
#define MQTT_DEFAULT_KEEPALIVE_S 60u
#endif
#ifndef MQTT_DEFAULT_CONNECT_TIMEOUT_MS
#define MQTT_DEFAULT_CONNECT_TIMEOUT_MS 30000u
#endif
#ifndef MQTT_DEFAULT_RECONNECT_MIN_MS
#define MQTT_DEFAULT_RECONNECT_MIN_MS 1000u
#endif
#ifndef MQTT_DEFAULT_RECONNECT_MAX_MS
#define MQTT_DEFAULT_RECONNECT_MAX_MS 30000u
#endif
// Refused credentials are retried no faster than this (when retrying them at all).
#ifndef MQTT_DEFAULT_REFUSED_RETRY_MS
#define MQTT_DEFAULT_REFUSED_RETRY_MS 60000u
#endif
