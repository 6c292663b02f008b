// The MQTT client engine (mqtt::Engine): all behaviour of the `mqtt` API, with no I/O of its own.
//
// The host (native/, wasm/, or a test) supplies a Host: it opens the transport the core asks for,
// sends the bytes the core hands it, tells the core the time, and wakes it when asked. The host
// reports back by calling on_open(), on_bytes(), on_closed() and on_wake(). The application gets
// Events: the six events of the API plus the completion of every request.
//
// Contract with the host:
//  - The host never calls into the engine from inside a Host method; it reports later.
//  - After open(), it calls on_open() when the connection (TLS and WebSocket handshakes included)
//    is up, then on_bytes() as data arrives, and on_closed(reason) exactly once when the connection
//    fails or ends; but never on_closed() for a connection the core ended with close().
//  - wake_at(t) replaces any earlier request; at or after time t it calls on_wake().
//  - The engine must not be destroyed from inside one of its own callbacks.
//
// Guarantees to the application:
//  - Every request call returns ErrorCode::ok (accepted) or an error; for every request made with
//    a token, on_complete(token, result) is called exactly once, also when the call itself failed
//    (then before the call returns).
//  - Events come in the order: connect, then (disconnect, reconnect)*, then close; message and
//    error in between. No event follows on_close(); a request made after it still gets its
//    on_complete(token, closed) before the call returns.
//  - Memory is bounded by the options (queue, in-flight and packet-size limits); a closed engine
//    releases its session (buffers, subscriptions, identifier tables, topic aliases).
//  - After a reconnection, what is still in flight is sent again within the broker's new limits:
//    no more than its Receive Maximum at once; a request its Maximum QoS, Retain Available or
//    Maximum Packet Size no longer allows fails (not_supported, payload_too_large).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "mqtt/error.h"
#include "mqtt/options.h"
#include "mqtt/packets.h"

namespace mqtt {

using Token = uint32_t;
constexpr uint64_t kNever = UINT64_MAX;

class Host {
 public:
  virtual void open(const Endpoint& endpoint) = 0;
  virtual void send(const uint8_t* data, size_t size) = 0;
  virtual void close() = 0;
  virtual uint64_t now_ms() = 0;  // a monotonic clock, milliseconds
  virtual void wake_at(uint64_t deadline_ms) = 0;  // kNever: no wake-up needed
  virtual uint32_t random() = 0;  // for client ids and reconnection jitter

 protected:
  ~Host() = default;
};

// A received message; every view is valid only during the on_message call.
struct Message {
  std::string_view topic;
  Bytes payload;
  uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  const Properties* properties = nullptr;  // 5.0 only (null for 3.1.1)
};

class Events {
 public:
  virtual void on_connect() {}
  virtual void on_disconnect(const Error& reason) { (void)reason; }
  virtual void on_reconnect() {}
  virtual void on_message(const Message& message) { (void)message; }
  virtual void on_error(const Error& error) { (void)error; }
  virtual void on_close() {}
  // The end of a request (connect, subscribe, unsubscribe, publish): result.ok() is `success`.
  virtual void on_complete(Token token, const Error& result) { (void)token, (void)result; }
  // 5.0 enhanced authentication: the broker sent AUTH (continue); answer with Engine::auth().
  virtual void on_auth(const Auth& packet) { (void)packet; }

 protected:
  ~Events() = default;
};

enum class State : uint8_t {
  idle,        // created, connect() not called yet
  connecting,  // transport opening or CONNECT sent, waiting for CONNACK
  connected,
  waiting,     // offline, waiting to reconnect
  closed,
};

class Engine {
 public:
  Engine(Host& host, Events& events, ClientOptions options);
  ~Engine();  // closes first if still open
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Application side (createClient, subscribe, unsubscribe, publish, close).
  // connect() validates the options and starts connecting; `token` completes with the first
  // CONNACK (success) or the first failure to connect (fail). Reconnection goes on after a fail.
  ErrorCode connect(Token token);
  ErrorCode subscribe(const SubscribeRequest& request, Token token);
  ErrorCode unsubscribe(const UnsubscribeRequest& request, Token token);
  ErrorCode publish(const PublishRequest& request, Token token);
  // Sends DISCONNECT if connected, fails every pending request with `closed`, emits close.
  ErrorCode close();
  // 5.0 enhanced authentication: answers an AUTH challenge (reason 0x18 continue).
  ErrorCode auth(uint8_t reason_code, Bytes data);

  // Host side.
  void on_open();
  void on_bytes(const uint8_t* data, size_t size);
  void on_closed(ErrorCode reason);
  void on_wake();

  State state() const;
  std::string_view client_id() const;
  // The options as given. The engine keeps them packed: the first call builds a full copy
  // (kept until the engine goes); a host that needs only the TLS settings calls tls().
  const ClientOptions& options() const;
  // options().tls without building the rest (no allocation when the TLS settings are defaults).
  const TlsOptions& tls() const;
  // Requests waiting to be sent, and QoS 1/2 publishes sent and not yet acknowledged.
  size_t queued() const;
  size_t inflight() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Checks options as connect() does, without an engine (hosts use it to refuse early).
ErrorCode validate_options(const ClientOptions& options);
// Topic rules shared by the client and the hosts.
ErrorCode validate_topic_name(std::string_view topic);
ErrorCode validate_topic_filter(std::string_view filter);
bool is_valid_utf8(std::string_view text);  // well-formed, no U+0000 [MQTT-1.5.4]

}  // namespace mqtt
