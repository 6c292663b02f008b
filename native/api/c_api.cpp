// The C API (mqtt.h) over the C++ API: plain structs and function pointers in, the same
// client underneath.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "c_shared.h"
#include "mqtt.h"
#include "mqtt/client.h"

struct mqtt_loop {
  mqtt::Loop loop;
};

struct mqtt_client {
  std::shared_ptr<mqtt::Client> client;
  std::string client_id;
  mqtt::c_api::Listeners listeners;
  unsigned hooked = 0;     // bit per event: the C++ listener that feeds `listeners` is on
  int depth = 0;           // > 0 while one of its callbacks runs
  bool destroyed = false;  // mqtt_destroy was called from inside a callback
  bool creating = false;   // inside mqtt_create_client
  bool background = false;  // on the background loop (options.loop NULL)
};

namespace {

const char* kEventNames[] = {"connect", "disconnect", "reconnect", "message", "error", "close"};

// The loop NULL stands for: the background loop runs its clients on its own thread, so
// mqtt_loop_run(NULL) and mqtt_loop_run_once(NULL, ms) wait for its callbacks instead of
// returning at once. A program written for the device port (where NULL is a loop the program
// drives) then neither exits early nor spins.
class BackgroundWaiter {
 public:
  static BackgroundWaiter& get() {
    static BackgroundWaiter* waiter = new BackgroundWaiter();  // kept: used by the loop thread
    return *waiter;
  }
  void callback_ran() {
    std::lock_guard<std::mutex> lock(m_);
    ++callbacks_;
    cv_.notify_all();
  }
  // A stop is kept until a run(NULL) takes it: one asked from a callback before this thread
  // reached run(NULL) still ends it.
  void stop() {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
    cv_.notify_all();
  }
  void run() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return stop_; });
    stop_ = false;
  }
  void run_once(int timeout_ms) {
    std::unique_lock<std::mutex> lock(m_);
    const uint64_t seen = callbacks_;
    auto done = [&] { return stop_ || callbacks_ != seen; };
    if (timeout_ms < 0)
      cv_.wait(lock, done);
    else
      cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), done);
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  uint64_t callbacks_ = 0;
  bool stop_ = false;
};

// Runs a user callback; a client destroyed from inside it is freed afterwards.
template <class F>
void guarded(mqtt_client* c, F&& f) {
  if (c->destroyed) return;
  const bool background = c->background;
  ++c->depth;
  f();
  if (--c->depth == 0 && c->destroyed) delete c;
  if (background) BackgroundWaiter::get().callback_ran();
}

using mqtt::c_api::CError;

// The C view of an ErrorInfo, which outlives it (both live for the callback).
CError c_error(const mqtt::ErrorInfo& info) {
  return CError(info.value(), info.message.c_str(), info.reason_code, info.reason_string);
}

mqtt::SuccessCallback success_of(mqtt_client* c, mqtt_success_cb cb, void* user) {
  if (!cb) return nullptr;
  return [c, cb, user] { guarded(c, [&] { cb(c, user); }); };
}

mqtt::FailCallback fail_of(mqtt_client* c, mqtt_fail_cb cb, void* user) {
  if (!cb) return nullptr;
  return [c, cb, user](const mqtt::ErrorInfo& info) {
    CError e = c_error(info);
    guarded(c, [&] { cb(c, &e.error, user); });
  };
}

void deliver(mqtt_client* c, const mqtt_event_t& e) {
  guarded(c, [&] { c->listeners.emit(c, e); });
}

// One C++ listener per event, added with the first C listener of that event, hands the event
// to the shared registry (which does once, off and on during delivery for both C APIs).
void hook(mqtt_client* c, mqtt_event_type_t event) {
  unsigned bit = 1u << event;
  if (c->hooked & bit) return;
  c->hooked |= bit;
  const char* name = kEventNames[event];
  if (event == MQTT_EVENT_MESSAGE) {
    c->client->on(name, [c](const std::string& topic, const std::vector<uint8_t>& message,
                            const mqtt::Message& info) {
      mqtt_event_t e{};
      e.type = MQTT_EVENT_MESSAGE;
      e.topic = topic.c_str();
      e.message = message.data();
      e.message_len = message.size();
      e.qos = info.qos;
      e.retain = info.retain;
      e.dup = info.dup;
      if (!info.properties) return deliver(c, e);
      mqtt::c_api::CProperties properties(*info.properties);
      e.properties = properties.get();
      deliver(c, e);
    });
  } else if (event == MQTT_EVENT_DISCONNECT || event == MQTT_EVENT_ERROR) {
    c->client->on(name, [c, event](const mqtt::ErrorInfo& info) {
      CError error = c_error(info);
      mqtt_event_t e{};
      e.type = event;
      e.error = &error.error;
      deliver(c, e);
    });
  } else {
    c->client->on(name, mqtt::Listener([c, event] {
                    mqtt_event_t e{};
                    e.type = event;
                    deliver(c, e);
                  }));
  }
}

// The registry is read by deliveries on the client's loop thread: changes are made there too
// (a client on the background loop may be changed from any thread).
template <class F>
int on_loop(mqtt_client* c, F&& fn) {
  mqtt::Loop& loop = c->client->loop();
  if (loop.in_loop_thread()) return fn();
  int rc = MQTT_ERR_OK;
  loop.call([&] { rc = fn(); });
  return rc;
}

int add_listener(mqtt_client_t* c, const mqtt_event_type_t& event, mqtt_event_cb cb, void* user,
                 bool once) {
  if (!c) return MQTT_ERR_INVALID_ARGUMENT;
  const int number = mqtt::c_api::event_number(event);
  return on_loop(c, [&] {
    int rc = c->listeners.add(number, cb, user, once);
    if (rc == MQTT_ERR_OK) hook(c, static_cast<mqtt_event_type_t>(number));
    return rc;
  });
}

}  // namespace

extern "C" {

mqtt_client_t* mqtt_create_client(const mqtt_options_t* o) {
  if (!o) return nullptr;
  auto* c = new mqtt_client();
  c->background = o->loop == nullptr;
  mqtt::Options options;
  mqtt::c_api::convert(*o, options);
  if (o->loop) options.loop = &o->loop->loop;
  options.success = success_of(c, o->success, o->user);
  mqtt_fail_cb fail = o->fail;
  void* user = o->user;
  if (fail) {
    options.fail = [c, fail, user](const mqtt::ErrorInfo& info) {
      CError e = c_error(info);
      // Invalid options: the client does not exist (and never will), so the callback gets NULL.
      if (c->creating)
        fail(nullptr, &e.error, user);
      else
        guarded(c, [&] { fail(c, &e.error, user); });
    };
  }
  // On the loop's thread: the first events (a refusal, the CONNACK) run there and must find
  // the client complete; on the background loop they could otherwise come before this thread
  // has stored it (the callbacks got NULL, or used a client not set yet).
  mqtt::Loop& loop = options.loop ? *options.loop : mqtt::Loop::background();
  auto create = [&] {
    c->creating = true;  // until createClient returns, a fail means invalid options
    c->client = mqtt::createClient(options);
    c->creating = false;
    if (c->client) c->client_id = c->client->client_id();
  };
  if (loop.in_loop_thread())
    create();
  else
    loop.call(create);
  if (!c->client) {
    delete c;
    return nullptr;
  }
  return c;
}

int mqtt_on(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return add_listener(c, event, cb, user, false);
}

int mqtt_once(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  return add_listener(c, event, cb, user, true);
}

int mqtt_off(mqtt_client_t* c, mqtt_event_type_t event, mqtt_event_cb cb, void* user) {
  if (!c) return MQTT_ERR_INVALID_ARGUMENT;
  const int number = mqtt::c_api::event_number(event);
  return on_loop(c, [&] { return c->listeners.remove(number, cb, user); });
}

int mqtt_subscribe(mqtt_client_t* c, const mqtt_subscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  mqtt::SubscribeOptions s;
  s.topic = mqtt::c_api::topic_of(o->topic);
  s.qos = o->qos;
  s.no_local = o->no_local != 0;
  s.retain_as_published = o->retain_as_published != 0;
  s.retain_handling = o->retain_handling;
  s.success = success_of(c, o->success, o->user);
  s.fail = fail_of(c, o->fail, o->user);
  return c->client->subscribe(s);
}

int mqtt_unsubscribe(mqtt_client_t* c, const mqtt_unsubscribe_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  mqtt::UnsubscribeOptions u;
  u.topic = mqtt::c_api::topic_of(o->topic);
  u.success = success_of(c, o->success, o->user);
  u.fail = fail_of(c, o->fail, o->user);
  return c->client->unsubscribe(u);
}

int mqtt_publish(mqtt_client_t* c, const mqtt_publish_options_t* o) {
  if (!c || !o) return MQTT_ERR_INVALID_ARGUMENT;
  mqtt::PublishOptions p;
  p.topic = mqtt::c_api::topic_of(o->topic);
  if (o->message)
    p.message = mqtt::Payload(static_cast<const uint8_t*>(o->message), o->message_len);
  p.qos = o->qos;
  p.retain = o->retain != 0;
  if (o->properties) {
    if (int rc = mqtt::c_api::convert(*o->properties, p.properties)) {
      mqtt::c_api::fail_now(o->fail, c, rc, o->user);
      return rc;
    }
  }
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
  // On the loop's thread, which keeps `depth`: from another thread (a background client) this
  // runs between two callbacks, never beside one.
  on_loop(c, [c] {
    if (c->depth > 0) {
      // Inside one of its callbacks: release the client now (deferred by the C++ layer) and
      // the C struct when the callback returns.
      c->destroyed = true;
      c->listeners.clear();  // the delivery running now stops
      c->client.reset();
      return MQTT_ERR_OK;
    }
    c->client.reset();
    delete c;
    return MQTT_ERR_OK;
  });
}

const char* mqtt_client_id(mqtt_client_t* c) { return c ? c->client_id.c_str() : ""; }

mqtt_loop_t* mqtt_loop_create(void) { return new mqtt_loop(); }
void mqtt_loop_destroy(mqtt_loop_t* loop) { delete loop; }
// NULL: the background loop, which runs on its own thread: these wait for its callbacks.
void mqtt_loop_run(mqtt_loop_t* loop) {
  if (loop)
    loop->loop.run();
  else
    BackgroundWaiter::get().run();
}
void mqtt_loop_run_once(mqtt_loop_t* loop, int timeout_ms) {
  if (loop)
    loop->loop.run_once(timeout_ms);
  else
    BackgroundWaiter::get().run_once(timeout_ms);
}
void mqtt_loop_stop(mqtt_loop_t* loop) {
  if (loop)
    loop->loop.stop();
  else
    BackgroundWaiter::get().stop();
}

}  // extern "C"
