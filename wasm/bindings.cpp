// Embind binding of mqtt::Engine: a raw `_Client` class that takes and returns bytes, for the
// hand-written JavaScript API in js/. Thin on purpose: every behaviour lives in the engine.
//
//  - The JavaScript "peer" object passed to the constructor is both the engine's Host (it opens
//    the transport, sends bytes, reads the clock, arms the timer) and its Events sink. Every
//    Host and Events call is forwarded to one of the peer's methods, unchanged.
//  - Bytes out (send, message payloads, binary properties) are typed_memory_views into the wasm
//    heap: no copy here; they are valid only during the call, so JavaScript copies what it keeps.
//  - Bytes in (received data, publish payloads) are copied into the heap once, by
//    Uint8Array.prototype.set on a view of a C++ buffer.
//  - The JavaScript wrapper has already checked the types of every value (String, Number,
//    Boolean, Uint8Array); the ranges and meanings are checked by the engine.
#include <emscripten/bind.h>
#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <forward_list>
#include <string>
#include <utility>
#include <vector>

#include "mqtt/engine.h"

namespace {

using emscripten::typed_memory_view;
using emscripten::val;

val bytes_view(const uint8_t* data, size_t size) { return val(typed_memory_view(size, data)); }

// The calls made per message and per request (and the clock and timer the engine reads on each) go to JavaScript as plain wasm imports with
// integer arguments: Embind's generic method call (argument packing, a method-caller lookup,
// `apply`) cost more than the work they carry. `peer` and `topic` are val handles.
EM_JS(void, js_on_message, (emscripten::EM_VAL peer, emscripten::EM_VAL topic, const uint8_t* data, size_t size, int flags), {
  Emval.toValue(peer).onMessage(Emval.toValue(topic), data, size, flags);
});
EM_JS(double, js_now, (emscripten::EM_VAL peer), { return Emval.toValue(peer).now(); });
EM_JS(void, js_wake_at, (emscripten::EM_VAL peer, double deadline), { Emval.toValue(peer).wakeAt(deadline); });
EM_JS(void, js_send, (emscripten::EM_VAL peer), { Emval.toValue(peer).send(); });
EM_JS(void, js_on_complete, (emscripten::EM_VAL peer, uint32_t token, int code, int reason_code), {
  Emval.toValue(peer).onComplete(token >>> 0, code, reason_code);
});

// The common publish (no properties, a short topic, a payload up to 16 KiB) takes no Embind
// call: JavaScript writes the topic's UTF-8 at the start of this buffer and the payload at
// kScratchTopic, through a view it keeps, and calls the plain export mqtt_publish below.
constexpr size_t kScratchTopic = 1024;
constexpr size_t kScratchSize = kScratchTopic + 16 * 1024;
uint8_t scratch_buffer[kScratchSize];
val scratch() { return bytes_view(scratch_buffer, kScratchSize); }

// Copies a Uint8Array into a C++ buffer: the one copy of incoming bytes into the wasm heap.
void copy_in(const val& array, std::vector<uint8_t>& out) {
  out.resize(array["length"].as<size_t>());
  if (!out.empty()) bytes_view(out.data(), out.size()).call<void>("set", array);
}

std::vector<uint8_t> bytes_in(const val& array) {
  std::vector<uint8_t> out;
  copy_in(array, out);
  return out;
}

// object[key], or undefined when the object itself is undefined: one property read per option.
val get(const val& object, const char* key) { return object.isUndefined() ? val::undefined() : object[key]; }

template <class T>
void read(const val& object, const char* key, T& out) {
  val v = get(object, key);
  if (!v.isUndefined()) out = static_cast<T>(v.as<double>());
}
void read(const val& object, const char* key, std::string& out) {
  val v = get(object, key);
  if (!v.isUndefined()) out = v.as<std::string>();
}
void read(const val& object, const char* key, bool& out) {
  val v = get(object, key);
  if (!v.isUndefined()) out = v.as<bool>();
}
// For Opt<std::string> and Opt<string_view> kept in a PropertyStrings.
bool read_string(const val& object, const char* key, std::string& out) {
  val v = get(object, key);
  if (v.isUndefined()) return false;
  out = v.as<std::string>();
  return true;
}

// String storage for the views of a request's MQTT 5 properties, alive during the call.
// Node-based lists: adding to them never moves the strings that earlier views point into.
struct PropertyStrings {
  std::forward_list<std::string> strings;
  std::forward_list<std::vector<uint8_t>> blobs;

  std::string_view keep(std::string s) {
    strings.push_front(std::move(s));
    return strings.front();
  }
};

// userProperties arrive as an array of [key, value] String pairs.
void read_user_properties(const val& list, PropertyStrings& store, std::vector<mqtt::UserProperty>& out) {
  if (list.isUndefined()) return;
  const size_t n = list["length"].as<size_t>();
  for (size_t i = 0; i < n; ++i) {
    val pair = list[i];
    std::string_view key = store.keep(pair[0].as<std::string>());
    std::string_view value = store.keep(pair[1].as<std::string>());
    out.push_back({key, value});
  }
}

// The PUBLISH properties an application may set (js/ names them in camelCase).
void read_publish_properties(const val& p, PropertyStrings& store, mqtt::Properties& out) {
  if (p.isUndefined()) return;
  val v = p["payloadFormatIndicator"];
  if (!v.isUndefined()) out.payload_format_indicator = static_cast<uint8_t>(v.as<double>());
  v = p["messageExpiryInterval"];
  if (!v.isUndefined()) out.message_expiry_interval = static_cast<uint32_t>(v.as<double>());
  std::string text;
  if (read_string(p, "contentType", text)) out.content_type = store.keep(std::move(text));
  if (read_string(p, "responseTopic", text)) out.response_topic = store.keep(std::move(text));
  v = p["correlationData"];
  if (!v.isUndefined()) {
    store.blobs.push_front(bytes_in(v));
    out.correlation_data = mqtt::Bytes(store.blobs.front().data(), store.blobs.front().size());
  }
  read_user_properties(p["userProperties"], store, out.user_properties);
}

// Properties the broker sent, as a plain object with camelCase names; absent ones are left out.
val properties_out(const mqtt::Properties& p) {
  val o = val::object();
  auto num = [&o](const char* key, auto& opt) {
    if (opt) o.set(key, static_cast<double>(*opt));
  };
  auto str = [&o](const char* key, const mqtt::Opt<std::string_view>& opt) {
    if (opt) o.set(key, std::string(*opt));
  };
  auto bin = [&o](const char* key, const mqtt::Opt<mqtt::Bytes>& opt) {
    if (opt) o.set(key, bytes_view((*opt).data, (*opt).size).call<val>("slice"));
  };
  num("payloadFormatIndicator", p.payload_format_indicator);
  num("messageExpiryInterval", p.message_expiry_interval);
  str("contentType", p.content_type);
  str("responseTopic", p.response_topic);
  bin("correlationData", p.correlation_data);
  if (!p.subscription_identifiers.empty()) {
    val ids = val::array();
    for (uint32_t id : p.subscription_identifiers) ids.call<void>("push", static_cast<double>(id));
    o.set("subscriptionIdentifier", ids);
  }
  num("sessionExpiryInterval", p.session_expiry_interval);
  str("assignedClientIdentifier", p.assigned_client_identifier);
  num("serverKeepAlive", p.server_keep_alive);
  str("authenticationMethod", p.authentication_method);
  bin("authenticationData", p.authentication_data);
  str("responseInformation", p.response_information);
  str("serverReference", p.server_reference);
  str("reasonString", p.reason_string);
  num("receiveMaximum", p.receive_maximum);
  num("topicAliasMaximum", p.topic_alias_maximum);
  num("topicAlias", p.topic_alias);
  num("maximumQoS", p.maximum_qos);
  num("retainAvailable", p.retain_available);
  num("maximumPacketSize", p.maximum_packet_size);
  num("wildcardSubscriptionAvailable", p.wildcard_subscription_available);
  num("subscriptionIdentifiersAvailable", p.subscription_identifier_available);
  num("sharedSubscriptionAvailable", p.shared_subscription_available);
  if (!p.user_properties.empty()) {
    val list = val::array();
    for (const auto& up : p.user_properties) {
      val pair = val::array();
      pair.call<void>("push", std::string(up.key));
      pair.call<void>("push", std::string(up.value));
      list.call<void>("push", pair);
    }
    o.set("userProperties", list);
  }
  return o;
}

mqtt::Scheme scheme_of(const std::string& name) {
  if (name == "mqtts") return mqtt::Scheme::mqtts;
  if (name == "ws") return mqtt::Scheme::ws;
  if (name == "wss") return mqtt::Scheme::wss;
  return mqtt::Scheme::mqtt;
}

const char* scheme_name(mqtt::Scheme s) {
  switch (s) {
    case mqtt::Scheme::mqtts: return "mqtts";
    case mqtt::Scheme::ws: return "ws";
    case mqtt::Scheme::wss: return "wss";
    default: return "mqtt";
  }
}

// createClient options, already type-checked by js/options.js, into the engine's options.
mqtt::ClientOptions client_options(const val& o) {
  mqtt::ClientOptions c;
  read(o, "host", c.host);
  read(o, "port", c.port);
  std::string text;
  if (read_string(o, "protocol", text)) c.protocol = scheme_of(text);
  read(o, "path", c.path);
  read(o, "url", c.url);
  val list = o["servers"];
  if (!list.isUndefined()) {
    const size_t n = list["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i) c.servers.push_back(list[i].as<std::string>());
  }
  read(o, "clientId", c.client_id);
  if (read_string(o, "username", text)) c.username = text;
  if (read_string(o, "password", text)) c.password = text;
  read(o, "keepalive_interval", c.keepalive_interval);
  read(o, "protocolVersion", c.protocol_version);
  read(o, "clean", c.clean);
  read(o, "sessionExpiryInterval", c.session_expiry_interval);
  val w = o["will"];
  if (!w.isUndefined()) {
    mqtt::WillOptions will;
    read(w, "topic", will.topic);
    val payload = w["payload"];
    if (!payload.isUndefined()) copy_in(payload, will.payload);
    read(w, "qos", will.qos);
    read(w, "retain", will.retain);
    read(w, "delayInterval", will.delay_interval);
    c.will = std::move(will);
  }
  read(o, "connectTimeout", c.connect_timeout_ms);
  read(o, "reconnect", c.reconnect);
  read(o, "reconnectMinDelay", c.reconnect_min_ms);
  read(o, "reconnectMaxDelay", c.reconnect_max_ms);
  read(o, "reconnectJitter", c.reconnect_jitter_percent);
  read(o, "refusedRetryDelay", c.refused_retry_ms);
  read(o, "queueMaxMessages", c.queue_max_messages);
  read(o, "queueMaxBytes", c.queue_max_bytes);
  read(o, "maxInflight", c.max_inflight);
  read(o, "receiveMaximum", c.receive_maximum);
  read(o, "maximumPacketSize", c.max_packet_size);
  read(o, "topicAliasMaximum", c.topic_alias_maximum);
  list = o["userProperties"];
  if (!list.isUndefined()) {
    const size_t n = list["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i)
      c.user_properties.push_back({list[i][0].as<std::string>(), list[i][1].as<std::string>()});
  }
  read(o, "authenticationMethod", c.authentication_method);
  val data = o["authenticationData"];
  if (!data.isUndefined()) copy_in(data, c.authentication_data);
  return c;
}

int code(mqtt::ErrorCode c) { return static_cast<int>(c); }

// The JavaScript peer as the engine's Host and Events: each call is forwarded unchanged.
class Peer final : public mqtt::Host, public mqtt::Events {
 public:
  explicit Peer(val peer) : peer_(std::move(peer)) {}

  // mqtt::Host
  void open(const mqtt::Endpoint& e) override {
    discard_output();  // nothing of an earlier connection goes out on this one
    peer_.call<void>("open", std::string(scheme_name(e.scheme)), e.host, static_cast<int>(e.effective_port()), e.path);
  }
  // Outgoing bytes collect in out_; JavaScript is told once (when out_ stops being empty) and
  // takes them all at the end of its turn with output(): one copy per flush, not per packet.
  void send(const uint8_t* data, size_t size) override {
    if (taken_) discard_output();
    const bool first = out_.empty();
    out_.insert(out_.end(), data, data + size);
    if (first) js_send(peer_.as_handle());
  }
  void close() override { peer_.call<void>("close"); }
  uint64_t now_ms() override { return static_cast<uint64_t>(js_now(peer_.as_handle())); }
  void wake_at(uint64_t deadline_ms) override {
    js_wake_at(peer_.as_handle(), deadline_ms == mqtt::kNever ? -1.0 : static_cast<double>(deadline_ms));
  }
  uint32_t random() override { return static_cast<uint32_t>(peer_.call<double>("random")); }

  // mqtt::Events
  void on_connect() override { peer_.call<void>("onConnect"); }
  void on_disconnect(const mqtt::Error& e) override {
    peer_.call<void>("onDisconnect", code(e.code), e.reason_code, std::string(e.reason_string));
  }
  void on_reconnect() override { peer_.call<void>("onReconnect"); }
  // A stream of messages usually repeats one topic: its JS string is made once and reused.
  void on_message(const mqtt::Message& m) override {
    if (!has_topic_ || m.topic != last_topic_) {
      last_topic_.assign(m.topic.data(), m.topic.size());
      topic_ = val(last_topic_);
      has_topic_ = true;
    }
    const int flags = m.qos | (m.retain ? 4 : 0) | (m.dup ? 8 : 0);
    if (m.properties) {
      peer_.call<void>("onMessage", topic_, reinterpret_cast<uintptr_t>(m.payload.data), m.payload.size, flags,
                       properties_out(*m.properties));
    } else {
      js_on_message(peer_.as_handle(), topic_.as_handle(), m.payload.data, m.payload.size, flags);
    }
  }
  void on_error(const mqtt::Error& e) override {
    peer_.call<void>("onError", code(e.code), e.reason_code, std::string(e.reason_string));
  }
  void on_close() override { peer_.call<void>("onClose"); }
  void on_complete(mqtt::Token token, const mqtt::Error& r) override {
    if (token == 0) return;  // a request without success/fail: nobody to tell
    if (r.reason_string.empty()) {
      js_on_complete(peer_.as_handle(), token, code(r.code), r.reason_code);
    } else {
      peer_.call<void>("onComplete", token, code(r.code), r.reason_code, std::string(r.reason_string));
    }
  }
  void on_auth(const mqtt::Auth& a) override { peer_.call<void>("onAuth", a.reason_code, properties_out(a.properties)); }

  // The bytes sent since the last output(), as a view valid until the next engine call.
  val output() {
    taken_ = true;
    return bytes_view(out_.data(), out_.size());
  }
  void discard_output() {
    taken_ = false;
    out_.clear();
    if (out_.capacity() > kKeptOutputCapacity) std::vector<uint8_t>().swap(out_);
  }

 private:
  static constexpr size_t kKeptOutputCapacity = 256 * 1024;  // a larger output buffer is freed once taken
  val peer_;
  std::vector<uint8_t> out_;
  bool taken_ = false;
  std::string last_topic_;
  val topic_ = val::undefined();
  bool has_topic_ = false;
};

// The `_Client` class seen by JavaScript: the application's requests and the host's reports.
class RawClient {
 public:
  RawClient(val peer, val options) : peer_(std::move(peer)), engine_(peer_, peer_, client_options(options)) {}

  int connect(uint32_t token) { return code(engine_.connect(token)); }

  int subscribe(std::string topic, int qos, val options, uint32_t token) {
    mqtt::SubscribeRequest r;
    r.topic = topic;
    r.qos = qos;
    PropertyStrings store;
    read(options, "nl", r.no_local);
    read(options, "rap", r.retain_as_published);
    read(options, "rh", r.retain_handling);
    read(options, "subscriptionIdentifier", r.subscription_identifier);
    read_user_properties(get(options, "userProperties"), store, r.user_properties);
    return code(engine_.subscribe(r, token));
  }

  int unsubscribe(std::string topic, val options, uint32_t token) {
    mqtt::UnsubscribeRequest r;
    r.topic = topic;
    PropertyStrings store;
    read_user_properties(get(options, "userProperties"), store, r.user_properties);
    return code(engine_.unsubscribe(r, token));
  }

  int publish(std::string topic, val payload, int qos, bool retain, val properties, uint32_t token) {
    std::vector<uint8_t> bytes;
    copy_in(payload, bytes);
    mqtt::PublishRequest r;
    r.topic = topic;
    r.payload = mqtt::Bytes(bytes.data(), bytes.size());
    r.qos = qos;
    r.retain = retain;
    if (properties.isUndefined()) return code(engine_.publish(r, token));
    PropertyStrings store;
    read_publish_properties(properties, store, r.properties);
    return code(engine_.publish(r, token));
  }

  // The fast publish: topic and payload in the scratch buffer (see kScratchTopic). They are copied
  // out first, since a callback run by the engine may publish again and refill the buffer.
  int publish_scratch(size_t topic_size, size_t payload_size, int qos, bool retain, uint32_t token) {
    topic_size = std::min(topic_size, kScratchTopic);
    payload_size = std::min(payload_size, kScratchSize - kScratchTopic);
    const std::string topic(reinterpret_cast<const char*>(scratch_buffer), topic_size);
    const std::vector<uint8_t> bytes(scratch_buffer + kScratchTopic, scratch_buffer + kScratchTopic + payload_size);
    mqtt::PublishRequest r;
    r.topic = topic;
    r.payload = mqtt::Bytes(bytes.data(), bytes.size());
    r.qos = qos;
    r.retain = retain;
    return code(engine_.publish(r, token));
  }

  // For the plain exports: JavaScript keeps this address beside the Embind handle.
  uintptr_t address() { return reinterpret_cast<uintptr_t>(this); }

  int close() { return code(engine_.close()); }

  int auth(int reason_code, val data) {
    std::vector<uint8_t> bytes;
    if (!data.isUndefined()) copy_in(data, bytes);
    return code(engine_.auth(static_cast<uint8_t>(reason_code), mqtt::Bytes(bytes.data(), bytes.size())));
  }

  // Reports of the transport and the timer in js/.
  void on_open() { engine_.on_open(); }
  void on_bytes(val data) {
    copy_in(data, receive_);
    engine_.on_bytes(receive_.data(), receive_.size());
    if (receive_.capacity() > kKeptReceiveCapacity) std::vector<uint8_t>().swap(receive_);
  }
  void on_closed(int reason) {
    peer_.discard_output();  // the connection is gone with whatever was not written yet
    engine_.on_closed(static_cast<mqtt::ErrorCode>(reason));
  }
  val output() { return peer_.output(); }
  void on_wake() { engine_.on_wake(); }

  int state() const { return static_cast<int>(engine_.state()); }
  std::string client_id() const { return std::string(engine_.client_id()); }
  double queued() const { return static_cast<double>(engine_.queued()); }
  double inflight() const { return static_cast<double>(engine_.inflight()); }

 private:
  static constexpr size_t kKeptReceiveCapacity = 64 * 1024;  // a larger receive buffer is freed after use
  Peer peer_;
  std::vector<uint8_t> receive_;
  mqtt::Engine engine_;  // last: destroyed first, while the peer is still there
};

// The error table (MQTT_ERRORS), as [name, value, fatal, message] rows: one static array and a
// loop, so the table costs data, not code.
struct ErrorRow {
  const char* name;
  int value;
  bool fatal;
  const char* message;
};
constexpr ErrorRow kErrorRows[] = {
#define MQTT_ERROR_ROW(name, value, fatal, message) {#name, value, fatal != 0, message},
    MQTT_ERRORS(MQTT_ERROR_ROW)
#undef MQTT_ERROR_ROW
};

val error_table() {
  val rows = val::array();
  for (const ErrorRow& e : kErrorRows) {
    val row = val::array();
    row.call<void>("push", std::string(e.name));
    row.call<void>("push", e.value);
    row.call<void>("push", e.fatal);
    row.call<void>("push", std::string(e.message));
    rows.call<void>("push", row);
  }
  return rows;
}

// The wasm heap and the allocator, for the leak test.
val heap_stats() {
  struct mallinfo mi = mallinfo();
  val o = val::object();
  o.set("heapSize", static_cast<double>(emscripten_get_heap_size()));
  o.set("allocated", static_cast<double>(mi.uordblks));
  return o;
}

}  // namespace

// A plain export (no Embind invoker): the publish of the common case, see publish_scratch.
extern "C" EMSCRIPTEN_KEEPALIVE int mqtt_publish(RawClient* client, size_t topic_size, size_t payload_size, int qos,
                                                 int retain, uint32_t token) {
  return client->publish_scratch(topic_size, payload_size, qos, retain != 0, token);
}

EMSCRIPTEN_BINDINGS(mqtt_wasm) {
  using namespace emscripten;
  class_<RawClient>("_Client")
      .constructor<val, val>()
      .function("connect", &RawClient::connect)
      .function("subscribe", &RawClient::subscribe)
      .function("unsubscribe", &RawClient::unsubscribe)
      .function("publish", &RawClient::publish)
      .function("close", &RawClient::close)
      .function("auth", &RawClient::auth)
      .function("onOpen", &RawClient::on_open)
      .function("onBytes", &RawClient::on_bytes)
      .function("onClosed", &RawClient::on_closed)
      .function("onWake", &RawClient::on_wake)
      .function("output", &RawClient::output)
      .function("address", &RawClient::address)
      .function("state", &RawClient::state)
      .function("clientId", &RawClient::client_id)
      .function("queued", &RawClient::queued)
      .function("inflight", &RawClient::inflight);
  function("errorTable", &error_table);
  function("heapStats", &heap_stats);
  function("scratch", &scratch);
}
