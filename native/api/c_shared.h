// What the two implementations of the C API (mqtt.h) share: the native one over mqtt::Client
// (c_api.cpp) and the device port's over PortClient (port/src/port_c_api.cpp). Listeners are
// kept and called here, and options are converted here, so both behave the same. Built for the
// microcontroller too: no threads, no OS headers.
#pragma once

#include <cstring>
#include <type_traits>
#include <vector>

#include "mqtt.h"
#include "mqtt/options.h"

namespace mqtt::c_api {

// The listeners of one client, called in the order they were added.
//
// Safe to change from inside a listener: off() only marks an entry (it is erased once no
// delivery is running), so a listener removed during a delivery is not called by it; a listener
// added during a delivery is called from the next event on.
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
  struct Entry {
    mqtt_event_type_t event;
    mqtt_event_cb cb;
    void* user;
    bool once;
    bool removed;
  };
  void compact();

  std::vector<Entry> entries_;
  int delivering_ = 0;  // > 0 while emit() runs (it may nest: a listener runs the loop)
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

// Calls `fail` (when given) with `code` and its message.
void fail_now(mqtt_fail_cb fail, mqtt_client_t* client, int code, void* user);

// The checks every request makes before it reaches the client: MQTT_ERR_OK, or the error to
// return (a missing topic also goes to the request's fail callback).
template <class RequestOptions>
int check_request(mqtt_client_t* client, const RequestOptions* o) {
  if (!client || !o) return MQTT_ERR_INVALID_ARGUMENT;
  if (o->topic) return MQTT_ERR_OK;
  fail_now(o->fail, client, MQTT_ERR_MISSING_TOPIC, o->user);
  return MQTT_ERR_MISSING_TOPIC;
}

}  // namespace mqtt::c_api
