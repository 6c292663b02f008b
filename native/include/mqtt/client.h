// The native C++ API: the `mqtt` module of the API contract (createClient, on/once/off,
// subscribe, unsubscribe, publish, close) with the same names and meaning. Every behaviour comes
// from the core's mqtt::Engine; this layer adapts it to a socket loop and std::function.
//
//   mqtt::Options options;
//   options.host = "127.0.0.1";
//   options.success = [] { puts("connected"); };
//   auto client = mqtt::createClient(options);      // null when the options are invalid
//   client->on("message", [](const std::string& topic, const std::vector<uint8_t>& message) {});
//   client->subscribe({"sensors/#", 1});
//
// Threads: each client lives on a Loop. By default that is Loop::background(), a loop on its
// own thread; the methods may then be called from any thread (they run on the loop thread and
// wait for it), and every callback runs on the loop thread. With `options.loop` set to a Loop
// that you run yourself, call everything on that loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/engine.h"
#include "mqtt/loop.h"

namespace mqtt {

// What `fail` callbacks and the `error` and `disconnect` events receive (the contract's
// Error-like object): a code from error.h and a message naming the problem, including what the
// transport or the broker said.
struct ErrorInfo {
  ErrorCode code = ErrorCode::ok;
  std::string message;
  uint8_t reason_code = 0;    // the broker's reason code, when it gave one
  std::string reason_string;  // MQTT 5 reason string, when the broker gave one

  int value() const { return static_cast<int>(code); }
  std::string_view name() const { return error_name(code); }
};

// A message body: text or bytes. Absent (default-constructed) means "no message given".
// From an lvalue (a variable, a literal) it is a view, read when publish() is called; from a
// temporary std::string or std::vector it keeps its own copy, so
// `PublishOptions p(topic, std::to_string(n));` stays valid until publish(p).
class Payload {
 public:
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool present = false;

  Payload() = default;
  Payload(std::string_view text)  // NOLINT: implicit, like the JavaScript String
      : data(reinterpret_cast<const uint8_t*>(text.data())), size(text.size()), present(true) {}
  // A null pointer is no message (missing_message), like the C API's NULL.
  Payload(const char* text)  // NOLINT
      : Payload(text ? Payload(std::string_view(text)) : Payload()) {}
  Payload(const std::string& text) : Payload(std::string_view(text)) {}  // NOLINT
  Payload(std::string&& text) : owned_(std::move(text)), owns_(true) {
    point_at_owned();
  }                                           // NOLINT
  Payload(const std::vector<uint8_t>& bytes)  // NOLINT: the ArrayBuffer
      : data(bytes.data()), size(bytes.size()), present(true) {}
  Payload(std::vector<uint8_t>&& bytes)  // NOLINT
      : owned_(bytes.begin(), bytes.end()), owns_(true) {
    point_at_owned();
  }
  Payload(const uint8_t* bytes, size_t length) : data(bytes), size(length), present(true) {}

  Payload(const Payload& other) { *this = other; }
  Payload& operator=(const Payload& other) {
    if (this == &other) return *this;
    data = other.data, size = other.size, present = other.present, owns_ = other.owns_;
    if (owns_) {
      owned_ = other.owned_;
      point_at_owned();
    }
    return *this;
  }

 private:
  void point_at_owned() {
    data = reinterpret_cast<const uint8_t*>(owned_.data());
    size = owned_.size();
    present = true;
  }
  std::string owned_;
  bool owns_ = false;
};

using SuccessCallback = std::function<void()>;
using FailCallback = std::function<void(const ErrorInfo&)>;

// createClient's options: the core's ClientOptions (host, port, client_id, username, password,
// keepalive_interval, protocol_version, clean, will, url, tls, limits...) plus the callbacks.
struct Options : ClientOptions {
  SuccessCallback success;  // connected: CONNACK accepted
  FailCallback fail;        // could not connect (also for invalid options)
  Loop* loop = nullptr;     // null: Loop::background()
};

struct SubscribeOptions {
  SubscribeOptions() = default;
  SubscribeOptions(std::string topic_, int qos_ = 0, SuccessCallback success_ = {},
                   FailCallback fail_ = {})
      : topic(std::move(topic_)), qos(qos_), success(std::move(success_)), fail(std::move(fail_)) {}

  std::string topic;
  int qos = 0;
  SuccessCallback success;  // SUBACK granted it
  FailCallback fail;
  // MQTT 5 subscription options.
  bool no_local = false;
  bool retain_as_published = false;
  int retain_handling = 0;
  uint32_t subscription_identifier = 0;
  std::vector<OwnedUserProperty> user_properties;
};

struct UnsubscribeOptions {
  UnsubscribeOptions() = default;
  UnsubscribeOptions(std::string topic_, SuccessCallback success_ = {}, FailCallback fail_ = {})
      : topic(std::move(topic_)), success(std::move(success_)), fail(std::move(fail_)) {}

  std::string topic;
  SuccessCallback success;
  FailCallback fail;
  std::vector<OwnedUserProperty> user_properties;
};

struct PublishOptions {
  PublishOptions() = default;
  PublishOptions(std::string topic_, Payload message_, int qos_ = 0, SuccessCallback success_ = {},
                 FailCallback fail_ = {})
      : topic(std::move(topic_)),
        message(message_),
        qos(qos_),
        success(std::move(success_)),
        fail(std::move(fail_)) {}

  std::string topic;
  Payload message;
  int qos = 0;
  bool retain = false;
  SuccessCallback success;  // written (QoS 0), PUBACK (1), PUBCOMP (2)
  FailCallback fail;
  // MQTT 5: payload_format_indicator, message_expiry_interval, content_type, response_topic,
  // correlation_data (views, read before publish() returns) and these user properties.
  Properties properties;
  std::vector<OwnedUserProperty> user_properties;
};

// connect, reconnect, close (and any event whose arguments you do not need).
using Listener = std::function<void()>;
// disconnect (the reason), error.
using ErrorListener = std::function<void(const ErrorInfo&)>;
// message: topic and the exact payload bytes.
using MessageListener =
    std::function<void(const std::string& topic, const std::vector<uint8_t>& message)>;
// message with the extension argument: qos, retain, dup and MQTT 5 properties (views valid during
// the call).
using MessageInfoListener = std::function<void(
    const std::string& topic, const std::vector<uint8_t>& message, const Message& info)>;

// The client, held by the shared_ptr createClient returns. Dropping the last reference closes
// it (DISCONNECT) and releases it; no callback of it (listener, success, fail) runs after that,
// not even `close` or a pending request's `fail`: call close() first to hear them. It may be
// dropped inside its own callbacks (released once they return) and, on the background loop,
// from any thread.
class Client {
 public:
  // 0: not registered: an unknown event name, or a listener whose parameters the event does
  // not supply (an ErrorListener on "connect", a MessageListener on "close"...).
  using ListenerId = uint64_t;

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Events: "connect", "disconnect", "reconnect", "message", "error", "close". Listeners run
  // on the loop's thread in the order they were added; `once` ones are removed before they
  // run. As in Node's EventEmitter, a delivery calls the listeners registered when it began:
  // one added or removed meanwhile counts from the next event on. A listener that closes the
  // client (or drops it) ends the delivery: `close` is the last event.
  ListenerId on(std::string_view event, Listener listener);
  ListenerId on(std::string_view event, ErrorListener listener);
  ListenerId on(std::string_view event, MessageListener listener);
  ListenerId on(std::string_view event, MessageInfoListener listener);
  ListenerId once(std::string_view event, Listener listener);
  ListenerId once(std::string_view event, ErrorListener listener);
  ListenerId once(std::string_view event, MessageListener listener);
  ListenerId once(std::string_view event, MessageInfoListener listener);
  void off(std::string_view event, ListenerId id);
  void off(std::string_view event);  // every listener of that event

  // Requests; the options are read (callbacks copied) before the call returns.
  // 0: accepted; `success` or `fail` then runs exactly once, on the loop's thread: subscribe
  // when the SUBACK grants it (fail: subscribe_refused), publish when written (QoS 0), PUBACK
  // (1) or PUBCOMP (2) (fail: publish_refused), any request `closed` when close() ends it
  // first. While offline, requests wait in the offline queue (queue_max_*) and are sent once
  // connected. Otherwise an ErrorCode value, after `fail` was called with it (and, before
  // close, an `error` event): missing_topic, invalid_topic, invalid_topic_filter, topic_too_long, invalid_utf8,
  // invalid_qos, missing_message, payload_too_large, invalid_property, not_supported,
  // queue_full, closed.
  int subscribe(const SubscribeOptions& options);
  int unsubscribe(const UnsubscribeOptions& options);
  int publish(const PublishOptions& options);
  // Sends DISCONNECT when connected, fails every pending request with `closed` and emits
  // `close`, all before it returns. 0, or closed (21) when already closed.
  int close();

  // Queries; from another thread they wait for the loop, like the methods.
  State state() const;
  std::string client_id() const;  // the one given or generated (23 characters of [0-9a-zA-Z])
  size_t queued() const;          // requests waiting to be sent
  size_t inflight() const;        // QoS 1/2 publishes sent and not yet acknowledged
  uint32_t connection_attempts() const;
  Loop& loop() const;

  class Impl;

 private:
  // Only Impl derives from Client, and only createClient makes one: the handle is the client's
  // record itself, destroyed by the deleter of the shared_ptr createClient returns.
  Client() = default;
  ~Client() = default;
};

// Creates a client and starts connecting. Returns null when the options are invalid
// (missing_host, invalid_port, invalid_keepalive, invalid_protocol_version, invalid_url...),
// after calling options.fail with the reason. Otherwise `success` follows the first CONNACK
// accepted, or `fail` the first failure to connect (connect_failed, dns_failed, tls_*,
// connect_timeout, not_authorized, connection_refused...), and reconnection goes on unless
// `reconnect` is false. On the background loop these may run before createClient has
// returned: they should not count on the returned pointer being stored yet (requests made
// right after createClient are queued until connected).
std::shared_ptr<Client> createClient(const Options& options);

}  // namespace mqtt
