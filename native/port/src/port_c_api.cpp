// The C API (mqtt.h) on the device port: the same functions as the native runtime's, over
// PortClient, so firmware written in C uses the same names on the board as on Linux.
//
// There is no background thread on a device: a loop (mqtt_loop_create(), or NULL for the
// port's default loop) is driven by the firmware's task with mqtt_loop_run_once(loop, ms) or
// mqtt_loop_run(loop); every callback runs inside those calls.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "../../api/c_shared.h"
#include "mqtt.h"
#include "mqtt/port_client.h"
#include "mqtt_port.h"

struct mqtt_loop {
  std::vector<mqtt_client*> clients;
  bool stop = false;
};

namespace {

mqtt_loop& default_loop() {
  static mqtt_loop loop;
  return loop;
}

constexpr mqtt::Token kConnectToken = 1;

struct Callbacks {
  mqtt_success_cb success = nullptr;
  mqtt_fail_cb fail = nullptr;
  void* user = nullptr;
};

}  // namespace

struct mqtt_client final : mqtt::Events {
  // The Engine goes first, while the listeners and callbacks it may still reach exist.
  ~mqtt_client() { port.reset(); }

  mqtt_loop* loop = nullptr;
  std::unique_ptr<mqtt::port::PortClient> port;
  std::string client_id;
  mqtt::c_api::Listeners listeners;
  std::vector<std::pair<mqtt::Token, Callbacks>> pending;
  mqtt::Token next_token = kConnectToken + 1;
  int depth = 0;           // > 0 while one of its callbacks runs
  bool destroyed = false;  // mqtt_destroy was called from inside a callback

  void emit(mqtt_event_type_t type, mqtt_event_t& e) {
    e.type = type;
    ++depth;
    listeners.emit(this, e);  // mqtt_destroy from a listener clears them: the rest are skipped
    --depth;
  }

  static mqtt::c_api::CError c_error(const mqtt::Error& error) {
    const int code = static_cast<int>(error.code);
    return {code, mqtt_error_message(code), error.reason_code, error.reason_string};
  }

  void on_connect() override {
    mqtt_event_t e{};
    emit(MQTT_EVENT_CONNECT, e);
  }
  void on_reconnect() override {
    mqtt_event_t e{};
    emit(MQTT_EVENT_RECONNECT, e);
  }
  void on_close() override {
    mqtt_event_t e{};
    emit(MQTT_EVENT_CLOSE, e);
  }
  void on_disconnect(const mqtt::Error& reason) override {
    mqtt::c_api::CError error = c_error(reason);
    mqtt_event_t e{};
    e.error = &error.error;
    emit(MQTT_EVENT_DISCONNECT, e);
  }
  void on_error(const mqtt::Error& reason) override {
    mqtt::c_api::CError error = c_error(reason);
    mqtt_event_t e{};
    e.error = &error.error;
    emit(MQTT_EVENT_ERROR, e);
  }
  void on_message(const mqtt::Message& m) override {
    std::string topic(m.topic);  // NUL-terminated for C
    mqtt_event_t e{};
    e.topic = topic.c_str();
    e.message = m.payload.data;
    e.message_len = m.payload.size;
    e.qos = m.qos;
    e.retain = m.retain;
    e.dup = m.dup;
    // A 3.1.1-only build has no properties: the conversion is left out of it.
    if (!MQTT_CONFIG_V5 || !m.properties) return emit(MQTT_EVENT_MESSAGE, e);
    mqtt::c_api::CProperties properties(*m.properties);
    e.properties = properties.get();
    emit(MQTT_EVENT_MESSAGE, e);
  }
  void on_complete(mqtt::Token token, const mqtt::Error& result) override {
    auto it =
        std::find_if(pending.begin(), pending.end(),
                     [&](const std::pair<mqtt::Token, Callbacks>& p) { return p.first == token; });
    if (it == pending.end()) return;
    Callbacks c = it->second;
    pending.erase(it);
    ++depth;
    if (result.ok()) {
      if (c.success) c.success(this, c.user);
    } else if (c.fail) {
      mqtt::c_api::CError e = c_error(result);
      c.fail(token == kConnectToken && port == nullptr ? nullptr : this, &e.error, c.user);
    }
    --depth;
  }

  // Registers the callbacks, makes the request. The Engine completes and reports what it
  // refuses; a refusal by our own checks (a missing message, a bad property) is answered the
  // same way: `fail`, then an `error` event (none after close).
  template <class Make>
  int request(mqtt_success_cb success, mqtt_fail_cb fail, void* user, Make&& make) {
    mqtt::Token token = next_token++;
    pending.push_back({token, {success, fail, user}});
    mqtt::ErrorCode rc = make(token);
    if (rc != mqtt::ErrorCode::ok &&
        std::any_of(pending.begin(), pending.end(), [&](const auto& p) { return p.first == token; })) {
      mqtt::Error e;
      e.code = rc;
      on_complete(token, e);
      if (port->engine().state() != mqtt::State::closed) on_error(e);
    }
    return static_cast<int>(rc);
  }
};

namespace {

void release_if_destroyed(mqtt_client* c) {
  if (c->destroyed && c->depth == 0) {
    auto& v = c->loop->clients;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    delete c;
  }
}

}  // namespace

extern "C" {

mqtt_client_t* mqtt_create_client(const mqtt_options_t* o) {
  if (!o) return nullptr;
  mqtt::ClientOptions options;
  mqtt::c_api::convert(*o, options);  // TLS is refused when connecting: plain TCP only
  mqtt::ErrorCode rc = mqtt::validate_options(options);
  if (rc != mqtt::ErrorCode::ok) {
    mqtt::c_api::fail_now(o->fail, nullptr, static_cast<int>(rc), o->user);
    return nullptr;
  }
  auto* c = new mqtt_client();
  c->loop = o->loop ? o->loop : &default_loop();
  c->pending.push_back({kConnectToken, {o->success, o->fail, o->user}});
  c->port = std::make_unique<mqtt::port::PortClient>(*c, std::move(options));
  c->client_id = std::string(c->port->engine().client_id());
  if (c->port->engine().connect(kConnectToken) != mqtt::ErrorCode::ok) {
    c->port.reset();
    delete c;
    return nullptr;
  }
  c->client_id = std::string(c->port->engine().client_id());
  c->loop->clients.push_back(c);
  return c;
}

// event_number(): a C caller may pass any int as the event; it is checked as an int.
int mqtt_on(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return c ? c->listeners.add(mqtt::c_api::event_number(event), cb, user, false)
           : MQTT_ERR_INVALID_ARGUMENT;
}

int mqtt_once(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return c ? c->listeners.add(mqtt::c_api::event_number(event), cb, user, true)
           : MQTT_ERR_INVALID_ARGUMENT;
}

int mqtt_off(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return c ? c->listeners.remove(mqtt::c_api::event_number(event), cb, user)
           : MQTT_ERR_INVALID_ARGUMENT;
}

int mqtt_subscribe(mqtt_client_t* c, const mqtt_subscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  return c->request(o->success, o->fail, o->user, [&](mqtt::Token token) {
    mqtt::SubscribeRequest r;
    r.topic = mqtt::c_api::topic_of(o->topic);
    r.qos = o->qos;
    r.no_local = o->no_local != 0;
    r.retain_as_published = o->retain_as_published != 0;
    r.retain_handling = o->retain_handling;
    return c->port->engine().subscribe(r, token);
  });
}

int mqtt_unsubscribe(mqtt_client_t* c, const mqtt_unsubscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  return c->request(o->success, o->fail, o->user, [&](mqtt::Token token) {
    mqtt::UnsubscribeRequest r;
    r.topic = mqtt::c_api::topic_of(o->topic);
    return c->port->engine().unsubscribe(r, token);
  });
}

int mqtt_publish(mqtt_client_t* c, const mqtt_publish_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  return c->request(o->success, o->fail, o->user, [&](mqtt::Token token) {
    // After the topic, which the Engine checks first (a missing one), as JavaScript does.
    if (!o->message && o->topic && *o->topic) return mqtt::ErrorCode::missing_message;
    mqtt::PublishRequest r;
    r.topic = mqtt::c_api::topic_of(o->topic);
    r.payload = mqtt::Bytes(static_cast<const uint8_t*>(o->message), o->message_len);
    r.qos = o->qos;
    r.retain = o->retain != 0;
    if (MQTT_CONFIG_V5 && o->properties) {  // 3.1.1 only: none is ever sent
      int rc = mqtt::c_api::convert(*o->properties, r.properties);
      if (rc != MQTT_ERR_OK) return static_cast<mqtt::ErrorCode>(rc);
    }
    return c->port->engine().publish(r, token);
  });
}

int mqtt_close(mqtt_client_t* c) {
  if (!c) return MQTT_ERR_INVALID_ARGUMENT;
  return static_cast<int>(c->port->engine().close());
}

void mqtt_destroy(mqtt_client_t* c) {
  if (!c) return;
  c->listeners.clear();
  c->pending.clear();
  if (c->depth > 0) {
    c->destroyed = true;  // released by the loop once the callback returns
    return;
  }
  c->destroyed = true;
  release_if_destroyed(c);
}

const char* mqtt_client_id(mqtt_client_t* c) { return c ? c->client_id.c_str() : ""; }

mqtt_loop_t* mqtt_loop_create(void) { return new mqtt_loop(); }

void mqtt_loop_destroy(mqtt_loop_t* loop) { delete loop; }

void mqtt_loop_run_once(mqtt_loop_t* loop, int timeout_ms) {
  mqtt_loop& l = loop ? *loop : default_loop();
  // One client waits on its socket for the whole timeout; more share it out.
  std::vector<mqtt_client*> clients = l.clients;
  uint32_t wait = timeout_ms < 0 ? 1000u : static_cast<uint32_t>(timeout_ms);
  if (!clients.empty()) wait /= static_cast<uint32_t>(clients.size());
  for (mqtt_client* c : clients) {
    if (!c->destroyed) c->port->poll(wait);
  }
  for (mqtt_client* c : clients) release_if_destroyed(c);
}

void mqtt_loop_run(mqtt_loop_t* loop) {
  mqtt_loop& l = loop ? *loop : default_loop();
  l.stop = false;
  while (!l.stop) mqtt_loop_run_once(&l, 100);
}

void mqtt_loop_stop(mqtt_loop_t* loop) { (loop ? *loop : default_loop()).stop = true; }

}  // extern "C"
