// What the two implementations of the C API (mqtt.h) share: the native one over mqtt::Client
// (c_api.cpp) and the device port's over PortClient (port/src/port_c_api.cpp). Listeners are
// kept and called here, and options are converted here, so both behave the same. Built for the
// microcontroller too: no threads, no OS headers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mqtt.h"
#include "mqtt/options.h"

namespace mqtt::c_api {

// The listeners of one client, called in the order they were added.
//
// The rule of the C++ API and of Node's EventEmitter: a delivery calls the listeners present
// when it began, even one removed meanwhile; one added meanwhile is called from the next event
// on. While a delivery runs, off() only marks an entry with the moment of its removal (erased
// once no delivery runs), so each delivery, nested ones too, tells which listeners it began with.
class Listeners {
 public:
  // `event` as event_number() read it: any int, checked here.
  int add(int event, mqtt_event_cb cb, void* user, bool once);
  int remove(int event, mqtt_event_cb cb, void* user);
  void clear();  // every listener (mqtt_destroy, which may also run inside a delivery)
  bool has(mqtt_event_type_t event) const;
  // Calls the listeners of e.type. The client may be destroyed by one of them: its owner keeps
  // this object alive until the call returns, and clear() stops the delivery. A listener that
  // closes the client ends the delivery too (close is the last event).
  void emit(mqtt_client_t* client, const mqtt_event_t& e);

 private:
  // removed_at: 0 while registered; else the value of changes_ it was removed at, or kGone
  // (cleared): called by the deliveries that began before that value.
  struct Entry {
    mqtt_event_type_t event;
    mqtt_event_cb cb;
    void* user;
    bool once;
    uint32_t removed_at;
  };
  static constexpr uint32_t kGone = 1;
  void compact();

  std::vector<Entry> entries_;
  int delivering_ = 0;  // > 0 while emit() runs (it may nest: a listener runs the loop)
  uint32_t changes_ = kGone;  // removals during the deliveries running now
  bool closed_ = false;  // close was delivered: a delivery it interrupted goes no further
};

bool valid_event(int event);

// The event a C caller passed, as the int it is: C allows any int value in an enum, C++ only
// the enumerators' range (0..7 here), so reading a bad value as the enum would be undefined
// behaviour before it could be refused.
inline int event_number(const mqtt_event_type_t& event) {
  std::underlying_type_t<mqtt_event_type_t> value;  // a byte with -fshort-enums (arm-none-eabi)
  std::memcpy(&value, &event, sizeof value);
  return static_cast<int>(value);
}

// mqtt_options_t -> the core's options (all of them; the port refuses TLS when it connects).
void convert(const mqtt_options_t& in, ClientOptions& out);

// A publish's C properties -> the core's (views of the caller's memory, read before the request
// returns). MQTT_ERR_OK, or MQTT_ERR_INVALID_PROPERTY for what C can pass and MQTT cannot carry
// (a NULL key or value, a payload format indicator other than 0 or 1).
int convert(const mqtt_properties_t& in, Properties& out);

// A received message's properties as C reads them: strings NUL-terminated (copied into one
// buffer), correlation data a view. Valid while this object lives: the message callback.
class CProperties {
 public:
  explicit CProperties(const Properties& in);
  CProperties(const CProperties&) = delete;  // out_ points into text_ and user_
  CProperties& operator=(const CProperties&) = delete;
  const mqtt_properties_t* get() const { return &out_; }

 private:
  mqtt_properties_t out_{};
  std::string text_;  // content type, response topic, then each key and value, each ending in NUL
  std::vector<mqtt_user_property_t> user_;
};

// An error as C reads it: reason_string NUL-terminated, NULL when absent. `message` is not
// copied: it and this object are valid during the callback.
struct CError {
  CError(int code, const char* message, int reason_code, std::string_view reason);
  CError(const CError&) = delete;  // error.reason_string points into reason_string
  CError& operator=(const CError&) = delete;
  mqtt_error_t error{};
  std::string reason_string;
};

// Calls `fail` (when given) with `code` and its message.
void fail_now(mqtt_fail_cb fail, mqtt_client_t* client, int code, void* user);

// A request's topic as the client takes it: NULL is the empty topic, which the Engine refuses
// as missing (`fail` and an `error` event, like any bad argument).
inline const char* topic_of(const char* topic) { return topic ? topic : ""; }

}  // namespace mqtt::c_api
