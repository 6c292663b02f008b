// The C ABI between mqtt::Engine and the JavaScript API in js/: plain wasm exports (mqtt_*) and
// imports (module "env", MQTT_IMPORT below), integers and heap addresses only. Thin on
// purpose: every behaviour lives in the engine; js/binding.js (built into dist/mqtt_wasm.mjs)
// is the other half.
//
//  - A client is an address (mqtt_client_new). Its JavaScript peer is a small integer id: every
//    Host and Events call of the engine goes to an import with that id, unchanged.
//  - Bytes out (send buffer, payloads, strings) are passed as address + size into the heap: no
//    copy here; they are valid only during the call, so JavaScript copies what it keeps.
//  - Bytes in are written by JavaScript into the input area (mqtt_input) and copied out here
//    before the engine runs, since a callback may write the area again.
//  - Structured values (options, request extras, MQTT 5 properties both ways, the error table)
//    are records: a sequence of fields `key (1 byte), size (u32 LE), value (size bytes)`. A
//    number is 4 bytes (u32 LE; signed values as two's complement), a Boolean the number 0 or 1,
//    text is UTF-8, a list repeats its key, a user property is two fields 0x26 (key, value).
//    Keys are the MQTT 5 property identifiers where one exists, else the Key values below.
//    js/binding.js has the same table, by name.
//  - js/ has already checked the types of every value; ranges and meanings are the engine's.
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <forward_list>
#include <string>
#include <utility>
#include <vector>

#include "mqtt/engine.h"

#define MQTT_IMPORT(name) extern "C" __attribute__((import_module("env"), import_name(#name)))
MQTT_IMPORT(host_open) void host_open(int peer, const char* scheme, const char* host, size_t host_size, int port,
                                      const char* path, size_t path_size);
MQTT_IMPORT(host_send) void host_send(int peer);
MQTT_IMPORT(host_close) void host_close(int peer);
MQTT_IMPORT(host_now) double host_now(int peer);
MQTT_IMPORT(host_wake_at) void host_wake_at(int peer, double deadline);
MQTT_IMPORT(host_random) uint32_t host_random(int peer);
MQTT_IMPORT(on_connect) void on_connect(int peer);
MQTT_IMPORT(on_disconnect) void on_disconnect(int peer, int code, int reason_code, const char* text, size_t size);
MQTT_IMPORT(on_reconnect) void on_reconnect(int peer);
MQTT_IMPORT(on_message) void on_message(int peer, const char* topic, size_t topic_size, const uint8_t* data,
                                        size_t size, int flags, const uint8_t* record, size_t record_size);
MQTT_IMPORT(on_error) void on_error(int peer, int code, int reason_code, const char* text, size_t size);
MQTT_IMPORT(on_close) void on_close(int peer);
MQTT_IMPORT(on_complete) void on_complete(int peer, uint32_t token, int code, int reason_code, const char* text,
                                          size_t size);
MQTT_IMPORT(on_auth) void on_auth(int peer, int reason_code, const uint8_t* record, size_t record_size);
#undef MQTT_IMPORT

namespace {

// Record keys that are not MQTT 5 property identifiers.
enum Key : uint8_t {
  kUserProperty = 0x26,  // MQTT: User Property
  kTopic = 0x80,
  kQos,
  kNoLocal,
  kRetainAsPublished,
  kRetainHandling,
  kHost,
  kPort,
  kProtocol,
  kPath,
  kUrl,
  kServer,
  kClientId,
  kUsername,
  kPassword,
  kKeepalive,
  kProtocolVersion,
  kClean,
  kWillTopic,
  kWillPayload,
  kWillQos,
  kWillRetain,
  kConnectTimeout,
  kReconnect,
  kReconnectMinDelay,
  kReconnectMaxDelay,
  kReconnectJitter,
  kRefusedRetryDelay,
  kQueueMaxMessages,
  kQueueMaxBytes,
  kMaxInflight,
  // The error table's rows (mqtt_error_table): name, value, fatal, message.
  kErrorName,
  kErrorValue,
  kErrorFatal,
  kErrorMessage,
};

struct Field {
  uint8_t key = 0;
  std::string_view value;

  uint32_t number() const {
    uint32_t n = 0;
    std::memcpy(&n, value.data(), std::min(value.size(), sizeof n));
    return n;
  }
  int integer() const { return static_cast<int32_t>(number()); }
  bool boolean() const { return number() != 0; }
  std::string text() const { return std::string(value); }
  std::vector<uint8_t> bytes() const { return {value.begin(), value.end()}; }
};

class RecordReader {
 public:
  RecordReader(const uint8_t* data, size_t size) : p_(reinterpret_cast<const char*>(data)), end_(p_ + size) {}

  // The next field; false at the end (or at a truncated field, which js/ never writes).
  bool next(Field& f) {
    if (end_ - p_ < 5) return false;
    uint32_t size = 0;
    std::memcpy(&size, p_ + 1, sizeof size);
    if (static_cast<size_t>(end_ - p_ - 5) < size) return false;
    f.key = static_cast<uint8_t>(*p_);
    f.value = std::string_view(p_ + 5, size);
    p_ += 5 + size;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

class RecordWriter {
 public:
  explicit RecordWriter(std::vector<uint8_t>& out) : out_(out) { out_.clear(); }

  void bytes(uint8_t key, const void* data, size_t size) {
    const uint32_t n = static_cast<uint32_t>(size);
    const size_t at = out_.size();
    out_.resize(at + 5 + size);
    out_[at] = key;
    std::memcpy(&out_[at + 1], &n, sizeof n);
    if (size) std::memcpy(&out_[at + 5], data, size);
  }
  void text(uint8_t key, std::string_view s) { bytes(key, s.data(), s.size()); }
  void number(uint8_t key, uint32_t n) { bytes(key, &n, sizeof n); }

 private:
  std::vector<uint8_t>& out_;
};

// Where JavaScript writes what a call reads (mqtt_input): one area for requests and one for
// received bytes, so that a request made by a callback never overwrites bytes the engine is still
// reading. A fixed buffer serves the common sizes; a larger one is freed once read.
class InputArea {
 public:
  uint8_t* get(size_t size) {
    if (size <= sizeof fixed_) return fixed_;
    large_.resize(size);
    return large_.data();
  }
  void release() {
    if (!large_.empty()) std::vector<uint8_t>().swap(large_);
  }

 private:
  uint8_t fixed_[16 * 1024];
  std::vector<uint8_t> large_;
};
InputArea requests;
InputArea received;
void release_input() { requests.release(); }

// Reused for the records this file writes (properties out, the error table, the client id).
std::vector<uint8_t> record_out;

// Text kept alive for the string_views of one request (user properties, publish properties).
// Node-based: adding never moves the strings earlier views point into.
struct Strings {
  std::forward_list<std::string> list;
  std::string_view keep(std::string_view s) {
    list.emplace_front(s);
    return list.front();
  }
};

void add_user_property(RecordReader& r, const Field& key, Strings& store, std::vector<mqtt::UserProperty>& out) {
  Field value;
  if (r.next(value)) out.push_back({store.keep(key.value), store.keep(value.value)});
}

// The PUBLISH properties an application may set; false for a key that is not one.
bool read_publish_property(RecordReader& r, const Field& f, Strings& store, mqtt::Properties& p) {
  switch (f.key) {
    case 0x01: p.payload_format_indicator = static_cast<uint8_t>(f.number()); return true;
    case 0x02: p.message_expiry_interval = f.number(); return true;
    case 0x03: p.content_type = store.keep(f.value); return true;
    case 0x08: p.response_topic = store.keep(f.value); return true;
    case 0x09: p.correlation_data = mqtt::Bytes::of(store.keep(f.value)); return true;
    case kUserProperty: add_user_property(r, f, store, p.user_properties); return true;
    default: return false;
  }
}

// Properties the broker sent, as a record; absent ones are left out.
void write_properties(const mqtt::Properties& p, RecordWriter& w) {
  auto num = [&w](uint8_t key, const auto& opt) {
    if (opt) w.number(key, *opt);
  };
  auto str = [&w](uint8_t key, const mqtt::Opt<std::string_view>& opt) {
    if (opt) w.text(key, *opt);
  };
  auto bin = [&w](uint8_t key, const mqtt::Opt<mqtt::Bytes>& opt) {
    if (opt) w.bytes(key, (*opt).data, (*opt).size);
  };
  num(0x01, p.payload_format_indicator);
  num(0x02, p.message_expiry_interval);
  str(0x03, p.content_type);
  str(0x08, p.response_topic);
  bin(0x09, p.correlation_data);
  for (uint32_t id : p.subscription_identifiers) w.number(0x0B, id);
  num(0x11, p.session_expiry_interval);
  str(0x12, p.assigned_client_identifier);
  num(0x13, p.server_keep_alive);
  str(0x15, p.authentication_method);
  bin(0x16, p.authentication_data);
  str(0x1A, p.response_information);
  str(0x1C, p.server_reference);
  str(0x1F, p.reason_string);
  num(0x21, p.receive_maximum);
  num(0x22, p.topic_alias_maximum);
  num(0x23, p.topic_alias);
  num(0x24, p.maximum_qos);
  num(0x25, p.retain_available);
  for (const auto& up : p.user_properties) {
    w.text(kUserProperty, up.key);
    w.text(kUserProperty, up.value);
  }
  num(0x27, p.maximum_packet_size);
  num(0x28, p.wildcard_subscription_available);
  num(0x29, p.subscription_identifier_available);
  num(0x2A, p.shared_subscription_available);
}

mqtt::Scheme scheme_of(std::string_view name) {
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

// createClient options (a record) into the engine's options.
mqtt::ClientOptions client_options(RecordReader r) {
  mqtt::ClientOptions c;
  mqtt::WillOptions will;
  bool has_will = false;
  Field f;
  while (r.next(f)) {
    switch (f.key) {
      case kHost: c.host = f.text(); break;
      case kPort: c.port = f.integer(); break;
      case kProtocol: c.protocol = scheme_of(f.value); break;
      case kPath: c.path = f.text(); break;
      case kUrl: c.url = f.text(); break;
      case kServer: c.servers.push_back(f.text()); break;
      case kClientId: c.client_id = f.text(); break;
      case kUsername: c.username = f.text(); break;
      case kPassword: c.password = f.text(); break;
      case kKeepalive: c.keepalive_interval = f.integer(); break;
      case kProtocolVersion: c.protocol_version = f.integer(); break;
      case kClean: c.clean = f.boolean(); break;
      case 0x11: c.session_expiry_interval = f.number(); break;
      case kWillTopic: will.topic = f.text(), has_will = true; break;
      case kWillPayload: will.payload = f.bytes(); break;
      case kWillQos: will.qos = f.integer(); break;
      case kWillRetain: will.retain = f.boolean(); break;
      case 0x18: will.delay_interval = f.number(); break;
      case kConnectTimeout: c.connect_timeout_ms = f.number(); break;
      case kReconnect: c.reconnect = f.boolean(); break;
      case kReconnectMinDelay: c.reconnect_min_ms = f.number(); break;
      case kReconnectMaxDelay: c.reconnect_max_ms = f.number(); break;
      case kReconnectJitter: c.reconnect_jitter_percent = f.number(); break;
      case kRefusedRetryDelay: c.refused_retry_ms = f.number(); break;
      case kQueueMaxMessages: c.queue_max_messages = f.number(); break;
      case kQueueMaxBytes: c.queue_max_bytes = f.number(); break;
      case kMaxInflight: c.max_inflight = f.number(); break;
      case 0x21: c.receive_maximum = f.number(); break;
      case 0x27: c.max_packet_size = f.number(); break;
      case 0x22: c.topic_alias_maximum = f.number(); break;
      case kUserProperty: {
        Field value;
        if (r.next(value)) c.user_properties.push_back({f.text(), value.text()});
        break;
      }
      case 0x15: c.authentication_method = f.text(); break;
      case 0x16: c.authentication_data = f.bytes(); break;
      default: break;
    }
  }
  if (has_will) c.will = std::move(will);
  return c;
}

int code(mqtt::ErrorCode c) { return static_cast<int>(c); }

// The engine's Host and Events: each call goes to the JavaScript peer `id_`, unchanged.
class Peer final : public mqtt::Host, public mqtt::Events {
 public:
  explicit Peer(int id) : id_(id) {}

  // mqtt::Host
  void open(const mqtt::Endpoint& e) override {
    discard_output();  // nothing of an earlier connection goes out on this one
    host_open(id_, scheme_name(e.scheme), e.host.data(), e.host.size(), static_cast<int>(e.effective_port()),
              e.path.data(), e.path.size());
  }
  // Outgoing bytes collect in out_; JavaScript is told once (when out_ stops being empty) and
  // takes them all at the end of its turn with mqtt_output: one copy per flush, not per packet.
  void send(const uint8_t* data, size_t size) override {
    if (taken_) discard_output();
    const bool first = out_.empty();
    out_.insert(out_.end(), data, data + size);
    if (first) host_send(id_);
  }
  void close() override { host_close(id_); }
  uint64_t now_ms() override { return static_cast<uint64_t>(host_now(id_)); }
  void wake_at(uint64_t deadline_ms) override {
    host_wake_at(id_, deadline_ms == mqtt::kNever ? -1.0 : static_cast<double>(deadline_ms));
  }
  uint32_t random() override { return host_random(id_); }

  // mqtt::Events
  void on_connect() override { ::on_connect(id_); }
  void on_disconnect(const mqtt::Error& e) override {
    ::on_disconnect(id_, code(e.code), e.reason_code, e.reason_string.data(), e.reason_string.size());
  }
  void on_reconnect() override { ::on_reconnect(id_); }
  // A stream of messages usually repeats one topic: flag 16 tells JavaScript to reuse the string
  // it made for the previous message, instead of decoding it again.
  void on_message(const mqtt::Message& m) override {
    int flags = m.qos | (m.retain ? 4 : 0) | (m.dup ? 8 : 0);
    if (has_topic_ && m.topic == last_topic_) {
      flags |= 16;
    } else {
      last_topic_.assign(m.topic.data(), m.topic.size());
      has_topic_ = true;
    }
    if (m.properties) {
      RecordWriter w(record_out);
      write_properties(*m.properties, w);
      flags |= 32;
    }
    ::on_message(id_, m.topic.data(), m.topic.size(), m.payload.data, m.payload.size, flags, record_out.data(),
                 m.properties ? record_out.size() : 0);
  }
  void on_error(const mqtt::Error& e) override {
    ::on_error(id_, code(e.code), e.reason_code, e.reason_string.data(), e.reason_string.size());
  }
  void on_close() override { ::on_close(id_); }
  void on_complete(mqtt::Token token, const mqtt::Error& r) override {
    if (token == 0) return;  // a request without success/fail: nobody to tell
    ::on_complete(id_, token, code(r.code), r.reason_code, r.reason_string.data(), r.reason_string.size());
  }
  void on_auth(const mqtt::Auth& a) override {
    RecordWriter w(record_out);
    write_properties(a.properties, w);
    ::on_auth(id_, a.reason_code, record_out.data(), record_out.size());
  }

  // The bytes sent since the last output, valid until the next engine call.
  const std::vector<uint8_t>& output() {
    taken_ = true;
    return out_;
  }
  void discard_output() {
    taken_ = false;
    out_.clear();
    if (out_.capacity() > kKeptOutputCapacity) std::vector<uint8_t>().swap(out_);
  }

 private:
  static constexpr size_t kKeptOutputCapacity = 256 * 1024;  // a larger output buffer is freed once taken
  int id_;
  std::vector<uint8_t> out_;
  bool taken_ = false;
  std::string last_topic_;
  bool has_topic_ = false;
};

}  // namespace

// One client: the engine and its peer.
struct MqttClient {
  MqttClient(int peer_id, mqtt::ClientOptions options) : peer(peer_id), engine(peer, peer, std::move(options)) {}

  Peer peer;
  mqtt::Engine engine;  // last: destroyed first, while the peer is still there
};

extern "C" {

// The address where JavaScript writes the `size` bytes the next call reads: area 0 for a request
// (mqtt_client_new, mqtt_subscribe, mqtt_unsubscribe, mqtt_publish, mqtt_auth), 1 for
// mqtt_on_bytes.
EMSCRIPTEN_KEEPALIVE uint8_t* mqtt_input(int area, size_t size) { return (area ? received : requests).get(size); }

// options: a record at the input address. Never null (the engine checks the options in connect).
EMSCRIPTEN_KEEPALIVE MqttClient* mqtt_client_new(int peer_id, const uint8_t* options, size_t size) {
  mqtt::ClientOptions o = client_options(RecordReader(options, size));
  release_input();
  return new MqttClient(peer_id, std::move(o));
}

EMSCRIPTEN_KEEPALIVE void mqtt_client_delete(MqttClient* c) { delete c; }

EMSCRIPTEN_KEEPALIVE int mqtt_connect(MqttClient* c, uint32_t token) { return code(c->engine.connect(token)); }

// The topic and every extra (qos, nl, rap, rh, subscription identifier, user properties) as a record.
EMSCRIPTEN_KEEPALIVE int mqtt_subscribe(MqttClient* c, const uint8_t* record, size_t size, uint32_t token) {
  mqtt::SubscribeRequest req;
  Strings store;
  RecordReader r(record, size);
  Field f;
  while (r.next(f)) {
    switch (f.key) {
      case kTopic: req.topic = store.keep(f.value); break;
      case kQos: req.qos = f.integer(); break;
      case kNoLocal: req.no_local = f.boolean(); break;
      case kRetainAsPublished: req.retain_as_published = f.boolean(); break;
      case kRetainHandling: req.retain_handling = f.integer(); break;
      case 0x0B: req.subscription_identifier = f.number(); break;
      case kUserProperty: add_user_property(r, f, store, req.user_properties); break;
      default: break;
    }
  }
  release_input();
  return code(c->engine.subscribe(req, token));
}

EMSCRIPTEN_KEEPALIVE int mqtt_unsubscribe(MqttClient* c, const uint8_t* record, size_t size, uint32_t token) {
  mqtt::UnsubscribeRequest req;
  Strings store;
  RecordReader r(record, size);
  Field f;
  while (r.next(f)) {
    if (f.key == kTopic) req.topic = store.keep(f.value);
    if (f.key == kUserProperty) add_user_property(r, f, store, req.user_properties);
  }
  release_input();
  return code(c->engine.unsubscribe(req, token));
}

// The topic's UTF-8 at `topic`, the payload at `payload`, then `properties_size` bytes of a
// properties record; flags: qos | retain << 2. All copied out first, since a callback run by the
// engine may publish again and refill the input area.
EMSCRIPTEN_KEEPALIVE int mqtt_publish(MqttClient* c, const char* topic, size_t topic_size, const uint8_t* payload,
                                      size_t payload_size, size_t properties_size, int flags, uint32_t token) {
  const std::string topic_copy(topic, topic_size);
  const std::vector<uint8_t> bytes(payload, payload + payload_size);
  mqtt::PublishRequest req;
  req.topic = topic_copy;
  req.payload = mqtt::Bytes(bytes.data(), bytes.size());
  req.qos = flags & 3;
  req.retain = (flags & 4) != 0;
  Strings store;
  RecordReader r(payload + payload_size, properties_size);
  Field f;
  while (r.next(f)) read_publish_property(r, f, store, req.properties);
  release_input();
  return code(c->engine.publish(req, token));
}

EMSCRIPTEN_KEEPALIVE int mqtt_close(MqttClient* c) { return code(c->engine.close()); }

EMSCRIPTEN_KEEPALIVE int mqtt_auth(MqttClient* c, int reason_code, const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  release_input();
  return code(c->engine.auth(static_cast<uint8_t>(reason_code), mqtt::Bytes(bytes.data(), bytes.size())));
}

// Reports of the transport and the timer in js/.
EMSCRIPTEN_KEEPALIVE void mqtt_on_open(MqttClient* c) { c->engine.on_open(); }

// Received bytes, written at mqtt_input(1, size).
EMSCRIPTEN_KEEPALIVE void mqtt_on_bytes(MqttClient* c, const uint8_t* data, size_t size) {
  c->engine.on_bytes(data, size);
  received.release();
}

EMSCRIPTEN_KEEPALIVE void mqtt_on_closed(MqttClient* c, int reason) {
  c->peer.discard_output();  // the connection is gone with whatever was not written yet
  c->engine.on_closed(static_cast<mqtt::ErrorCode>(reason));
}

EMSCRIPTEN_KEEPALIVE void mqtt_on_wake(MqttClient* c) { c->engine.on_wake(); }

// The bytes sent since the last call: their size; the address is mqtt_output_data's.
EMSCRIPTEN_KEEPALIVE size_t mqtt_output(MqttClient* c) { return c->peer.output().size(); }
EMSCRIPTEN_KEEPALIVE const uint8_t* mqtt_output_data(MqttClient* c) { return c->peer.output().data(); }

EMSCRIPTEN_KEEPALIVE int mqtt_state(MqttClient* c) { return static_cast<int>(c->engine.state()); }

// Records as a u32 size followed by the fields, valid until the next call.
const uint8_t* sized_record() {
  const uint32_t n = static_cast<uint32_t>(record_out.size());
  record_out.insert(record_out.begin(), reinterpret_cast<const uint8_t*>(&n), reinterpret_cast<const uint8_t*>(&n) + 4);
  return record_out.data();
}

EMSCRIPTEN_KEEPALIVE const uint8_t* mqtt_client_id(MqttClient* c) {
  RecordWriter(record_out).text(kClientId, c->engine.client_id());
  return sized_record();
}

// The error table (MQTT_ERRORS) as one record of (name, value, fatal, message) fields per row.
// One static array and a loop, so that the table costs data, not code.
EMSCRIPTEN_KEEPALIVE const uint8_t* mqtt_error_table() {
  struct Row {
    const char* name;
    uint32_t value;
    uint32_t fatal;
    const char* message;
  };
  static constexpr Row kRows[] = {
#define MQTT_ERROR_ROW(name, value, fatal, message) {#name, value, fatal != 0, message},
      MQTT_ERRORS(MQTT_ERROR_ROW)
#undef MQTT_ERROR_ROW
  };
  RecordWriter w(record_out);
  for (const Row& row : kRows) {
    w.text(kErrorName, row.name);
    w.number(kErrorValue, row.value);
    w.number(kErrorFatal, row.fatal);
    w.text(kErrorMessage, row.message);
  }
  return sized_record();
}

// The allocator's bytes in use, for the leak test.
EMSCRIPTEN_KEEPALIVE size_t mqtt_allocated() { return mallinfo().uordblks; }

}  // extern "C"
