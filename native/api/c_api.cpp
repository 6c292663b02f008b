// The C API (mqtt.h) over the C++ API: plain structs and function pointers in, the same
// client underneath.
#include <list>
#include <string>

#include "mqtt.h"
#include "mqtt/client.h"

struct mqtt_loop {
  mqtt::Loop loop;
};

struct mqtt_client {
  struct Registration {
    mqtt_event_type_t event;
    mqtt_event_cb cb;
    void* user;
    mqtt::Client::ListenerId id;
  };
  std::shared_ptr<mqtt::Client> client;
  std::string client_id;
  std::list<Registration> registrations;
  int depth = 0;           // > 0 while one of its callbacks runs
  bool destroyed = false;  // mqtt_destroy was called from inside a callback
  bool creating = false;   // inside mqtt_create_client
};

namespace {

const char* kEventNames[] = {"connect", "disconnect", "reconnect", "message", "error", "close"};

// Runs a user callback; a client destroyed from inside it is freed afterwards.
template <class F>
void guarded(mqtt_client* c, F&& f) {
  if (c->destroyed) return;
  ++c->depth;
  f();
  if (--c->depth == 0 && c->destroyed) delete c;
}

struct CError {
  mqtt_error_t error;
  std::string message;
  explicit CError(const mqtt::ErrorInfo& info) : message(info.message) {
    error.code = info.value();
    error.message = message.c_str();
    error.reason_code = info.reason_code;
  }
};

mqtt::SuccessCallback success_of(mqtt_client* c, mqtt_success_cb cb, void* user) {
  if (!cb) return nullptr;
  return [c, cb, user] { guarded(c, [&] { cb(c, user); }); };
}

mqtt::FailCallback fail_of(mqtt_client* c, mqtt_fail_cb cb, void* user) {
  if (!cb) return nullptr;
  return [c, cb, user](const mqtt::ErrorInfo& info) {
    CError e(info);
    guarded(c, [&] { cb(c, &e.error, user); });
  };
}

void call_fail(mqtt_fail_cb fail, mqtt_client* c, int code, void* user) {
  if (!fail) return;
  mqtt_error_t e{code, mqtt_error_message(code), 0};
  fail(c, &e, user);
}

int add_listener(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user,
                 bool once) {
  if (!c || !cb || event < MQTT_EVENT_CONNECT || event > MQTT_EVENT_CLOSE)
    return MQTT_ERR_INVALID_ARGUMENT;
  const char* name = kEventNames[event];
  mqtt::Client::ListenerId id = 0;
  if (event == MQTT_EVENT_MESSAGE) {
    mqtt::MessageInfoListener fn = [c, cb, user](const std::string& topic,
                                                 const std::vector<uint8_t>& message,
                                                 const mqtt::Message& info) {
      mqtt_event_t e{};
      e.type = MQTT_EVENT_MESSAGE;
      e.topic = topic.c_str();
      e.message = message.data();
      e.message_len = message.size();
      e.qos = info.qos;
      e.retain = info.retain;
      e.dup = info.dup;
      guarded(c, [&] { cb(c, &e, user); });
    };
    id = once ? c->client->once(name, std::move(fn)) : c->client->on(name, std::move(fn));
  } else if (event == MQTT_EVENT_DISCONNECT || event == MQTT_EVENT_ERROR) {
    mqtt::ErrorListener fn = [c, cb, user, event](const mqtt::ErrorInfo& info) {
      CError error(info);
      mqtt_event_t e{};
      e.type = event;
      e.error = &error.error;
      guarded(c, [&] { cb(c, &e, user); });
    };
    id = once ? c->client->once(name, std::move(fn)) : c->client->on(name, std::move(fn));
  } else {
    mqtt::Listener fn = [c, cb, user, event] {
      mqtt_event_t e{};
      e.type = event;
      guarded(c, [&] { cb(c, &e, user); });
    };
    id = once ? c->client->once(name, std::move(fn)) : c->client->on(name, std::move(fn));
  }
  c->registrations.push_back({event, cb, user, id});
  return MQTT_ERR_OK;
}

}  // namespace

extern "C" {

mqtt_client_t* mqtt_create_client(const mqtt_options_t* o) {
  if (!o) return nullptr;
  auto* c = new mqtt_client();
  mqtt::Options options;
  if (o->host) options.host = o->host;
  options.port = o->port;
  if (o->client_id) options.client_id = o->client_id;
  if (o->username) options.username = std::string(o->username);
  if (o->password) options.password = std::string(o->password);
  if (o->keepalive_interval >= 0) options.keepalive_interval = o->keepalive_interval;
  if (o->protocol_version != 0) options.protocol_version = o->protocol_version;
  if (o->clean >= 0) options.clean = o->clean != 0;
  options.session_expiry_interval = o->session_expiry_interval;
  if (o->url) options.url = o->url;
  if (o->tls) options.protocol = mqtt::Scheme::mqtts;
  if (o->ca_file) options.tls.ca_file = o->ca_file;
  if (o->cert_file) options.tls.cert_file = o->cert_file;
  if (o->key_file) options.tls.key_file = o->key_file;
  options.tls.verify = !o->insecure;
  if (o->will_topic) {
    mqtt::WillOptions will;
    will.topic = o->will_topic;
    auto* bytes = static_cast<const uint8_t*>(o->will_message);
    if (bytes) will.payload.assign(bytes, bytes + o->will_message_len);
    will.qos = o->will_qos;
    will.retain = o->will_retain != 0;
    options.will = will;
  }
  if (o->reconnect >= 0) options.reconnect = o->reconnect != 0;
  if (o->loop) options.loop = &o->loop->loop;
  options.success = success_of(c, o->success, o->user);
  mqtt_fail_cb fail = o->fail;
  void* user = o->user;
  if (fail) {
    options.fail = [c, fail, user](const mqtt::ErrorInfo& info) {
      CError e(info);
      // Invalid options: the client does not exist (and never will), so the callback gets NULL.
      if (c->creating)
        fail(nullptr, &e.error, user);
      else
        guarded(c, [&] { fail(c, &e.error, user); });
    };
  }
  c->creating = true;  // until createClient returns, a fail means invalid options
  c->client = mqtt::createClient(options);
  c->creating = false;
  if (!c->client) {
    delete c;
    return nullptr;
  }
  c->client_id = c->client->client_id();
  return c;
}

int mqtt_on(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return add_listener(c, event, cb, user, false);
}

int mqtt_once(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return add_listener(c, event, cb, user, true);
}

int mqtt_off(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  if (!c || event < MQTT_EVENT_CONNECT || event > MQTT_EVENT_CLOSE)
    return MQTT_ERR_INVALID_ARGUMENT;
  for (auto it = c->registrations.begin(); it != c->registrations.end();) {
    if (it->event == event && it->cb == cb && it->user == user) {
      c->client->off(kEventNames[event], it->id);
      it = c->registrations.erase(it);
    } else {
      ++it;
    }
  }
  return MQTT_ERR_OK;
}

int mqtt_subscribe(mqtt_client_t* c, const mqtt_subscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  if (!o->topic) {
    call_fail(o->fail, c, MQTT_ERR_MISSING_TOPIC, o->user);
    return MQTT_ERR_MISSING_TOPIC;
  }
  mqtt::SubscribeOptions s;
  s.topic = o->topic;
  s.qos = o->qos;
  s.success = success_of(c, o->success, o->user);
  s.fail = fail_of(c, o->fail, o->user);
  return c->client->subscribe(s);
}

int mqtt_unsubscribe(mqtt_client_t* c, const mqtt_unsubscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  if (!o->topic) {
    call_fail(o->fail, c, MQTT_ERR_MISSING_TOPIC, o->user);
    return MQTT_ERR_MISSING_TOPIC;
  }
  mqtt::UnsubscribeOptions u;
  u.topic = o->topic;
  u.success = success_of(c, o->success, o->user);
  u.fail = fail_of(c, o->fail, o->user);
  return c->client->unsubscribe(u);
}

int mqtt_publish(mqtt_client_t* c, const mqtt_publish_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  if (!o->topic) {
    call_fail(o->fail, c, MQTT_ERR_MISSING_TOPIC, o->user);
    return MQTT_ERR_MISSING_TOPIC;
  }
  mqtt::PublishOptions p;
  p.topic = o->topic;
  if (o->message)
    p.message = mqtt::Payload(static_cast<const uint8_t*>(o->message), o->message_len);
  p.qos = o->qos;
  p.retain = o->retain != 0;
  p.success = success_of(c, o->success, o->user);
  p.fail = fail_of(c, o->fail, o->user);
  return c->client->publish(p);
}

int mqtt_close(mqtt_client_t* c) {
  if (!c) return MQTT_ERR_INVALID_ARGUMENT;
  return c->client->close();
}

void mqtt_destroy(mqtt_client_t* c) {
  if (!c) return;
  if (c->depth > 0) {
    // Inside one of its callbacks: release the client now (deferred by the C++ layer) and
    // the C struct when the callback returns.
    c->destroyed = true;
    c->client.reset();
    return;
  }
  c->client.reset();
  delete c;
}

const char* mqtt_client_id(mqtt_client_t* c) { return c ? c->client_id.c_str() : ""; }

mqtt_loop_t* mqtt_loop_create(void) { return new mqtt_loop(); }
void mqtt_loop_destroy(mqtt_loop_t* loop) { delete loop; }
// NULL: the background loop, which runs on its own thread: nothing to do.
void mqtt_loop_run(mqtt_loop_t* loop) {
  if (loop) loop->loop.run();
}
void mqtt_loop_run_once(mqtt_loop_t* loop, int timeout_ms) {
  if (loop) loop->loop.run_once(timeout_ms);
}
void mqtt_loop_stop(mqtt_loop_t* loop) {
  if (loop) loop->loop.stop();
}

}  // extern "C"
