// mqtt::Client: listeners, request callbacks and threading around one Connection (Host + Engine).
#include "mqtt/client.h"

#include <cstdio>
#include <iterator>
#include <unordered_map>
#include <variant>

#include "../runtime/connection.h"

namespace mqtt {

namespace {

enum class EventKind : uint8_t { connect, disconnect, reconnect, message, error, close };

bool event_kind(std::string_view name, EventKind& kind) {
  static constexpr std::string_view names[] = {"connect", "disconnect", "reconnect",
                                               "message", "error",      "close"};
  for (size_t i = 0; i < std::size(names); ++i)
    if (names[i] == name) {
      kind = static_cast<EventKind>(i);
      return true;
    }
  return false;
}

bool is_transport_code(ErrorCode code) {
  return code >= ErrorCode::connect_failed && code <= ErrorCode::websocket_failed;
}

}  // namespace

// The handle the application holds is this object's base: one allocation per client (plus the
// shared_ptr's control block), not a handle pointing at a separately allocated record.
class Client::Impl final : public Client, public Events {
 public:
  using Listeners = std::variant<Listener, ErrorListener, MessageListener, MessageInfoListener>;
  struct Entry {
    ListenerId id;
    EventKind kind;
    bool once;
    Listeners fn;
  };
  struct Callbacks {
    SuccessCallback success;
    FailCallback fail;
  };

  Impl(Loop& loop, const Options& options)
      : connect_callbacks_(options.success || options.fail
                               ? new Callbacks{options.success, options.fail}
                               : nullptr),
        connection_(loop, *this, ClientOptions(options)) {}  // slices off the callbacks

  // connection_, the last member, goes first: the Engine closes if still open, and what it
  // reports meanwhile reaches no listener or request callback.
  ~Impl() { destroying_ = true; }

  // The deleter of the handle createClient returns. Everything touching the loop (the Engine,
  // its connection, timer and socket) dies on the loop's thread, and never inside one of this
  // client's own callbacks (the Engine is still on the stack then).
  static void destroy(Client* handle) {
    Impl* impl = static_cast<Impl*>(handle);
    Loop& loop = impl->loop();
    if (!loop.in_loop_thread()) {
      loop.call([impl] { delete impl; });
    } else if (impl->depth_ == 0) {
      delete impl;
    } else {
      // Silent from now on: what the Engine still reports during this round (the other
      // messages of the same read, a completion) reaches nobody.
      impl->destroying_ = true;
      loop.post([impl] { delete impl; });
    }
  }

  Loop& loop() { return connection_.loop(); }

  // Runs `fn` on the loop's thread.
  template <class F>
  void on_loop(F&& fn) {
    if (loop().in_loop_thread())
      fn();
    else
      loop().call(fn);
  }

  ErrorInfo info(const Error& error) const {
    ErrorInfo out;
    out.code = error.code;
    out.reason_code = error.reason_code;
    out.reason_string = std::string(error.reason_string);
    out.message = std::string(error_message(error.code));
    const native::StreamError& failure = connection_.last_failure();
    if (is_transport_code(error.code) && error.code == failure.code && !failure.detail.empty())
      out.message += ": " + failure.detail;
    if (!out.reason_string.empty()) out.message += ": " + out.reason_string;
    if (error.reason_code != 0 && !error.ok()) {
      char hex[8];
      snprintf(hex, sizeof hex, "0x%02X", error.reason_code);
      out.message += std::string(" (reason code ") + hex + ")";
    }
    return out;
  }

  ErrorInfo info(ErrorCode code) const {
    Error e;
    e.code = code;
    return info(e);
  }

  ListenerId add(std::string_view name, bool once, Listeners fn) {
    EventKind kind;
    if (!event_kind(name, kind) || !fits(kind, fn)) return 0;
    ListenerId id = 0;
    on_loop([&] {
      id = next_listener_++;
      listeners_.push_back({id, kind, once, std::move(fn)});
    });
    return id;
  }

  // Whether `kind` supplies the listener's parameters (emit() calls no other): a message
  // listener on "close" or an error listener on "connect" would never be called.
  static bool fits(EventKind kind, const Listeners& fn) {
    if (std::holds_alternative<Listener>(fn)) return true;
    if (std::holds_alternative<ErrorListener>(fn))
      return kind == EventKind::disconnect || kind == EventKind::error;
    return kind == EventKind::message;
  }

  void remove(std::string_view name, ListenerId id, bool all) {
    EventKind kind;
    if (!event_kind(name, kind)) return;
    on_loop([&] {
      auto& list = listeners_;
      for (auto it = list.begin(); it != list.end();)
        it = it->kind == kind && (all || it->id == id) ? list.erase(it) : it + 1;
      if (list.empty()) list.shrink_to_fit();
    });
  }

  bool listened(EventKind kind) const {
    for (auto& entry : listeners_)
      if (entry.kind == kind) return true;
    return false;
  }

  // Calls the listeners of one event; a copy lets them add and remove listeners meanwhile.
  template <class Call>
  void emit(EventKind kind, Call&& call) {
    if (destroying_ || !listened(kind)) return;
    std::vector<Entry> snapshot;
    for (auto it = listeners_.begin(); it != listeners_.end();) {
      if (it->kind != kind) {
        ++it;
        continue;
      }
      snapshot.push_back(*it);
      it = it->once ? listeners_.erase(it) : it + 1;
    }
    ++depth_;
    for (auto& entry : snapshot) {
      // A listener closed the client: `close` was the last event, the rest of this one is
      // not delivered.
      if (closed_ && kind != EventKind::close) break;
      call(entry.fn);
    }
    --depth_;
  }

  void emit_plain(EventKind kind) {
    emit(kind, [](Listeners& fn) {
      if (auto* plain = std::get_if<Listener>(&fn); plain && *plain) (*plain)();
    });
  }

  // The ErrorInfo (strings) is built only for a listened event, never during destruction.
  void emit_error(EventKind kind, const Error& reason) {
    if (destroying_ || !listened(kind)) return;
    const ErrorInfo error = info(reason);
    emit(kind, [&](Listeners& fn) {
      if (auto* with_error = std::get_if<ErrorListener>(&fn); with_error && *with_error)
        (*with_error)(error);
      else if (auto* plain = std::get_if<Listener>(&fn); plain && *plain)
        (*plain)();
    });
  }

  // Events.
  void on_connect() override { emit_plain(EventKind::connect); }
  void on_reconnect() override { emit_plain(EventKind::reconnect); }
  void on_close() override {
    closed_ = true;
    emit_plain(EventKind::close);
  }
  void on_disconnect(const Error& reason) override { emit_error(EventKind::disconnect, reason); }
  void on_error(const Error& error) override { emit_error(EventKind::error, error); }

  void on_message(const Message& message) override {
    if (!listened(EventKind::message)) return;
    std::string topic(message.topic);
    std::vector<uint8_t> payload(message.payload.data, message.payload.data + message.payload.size);
    emit(EventKind::message, [&](Listeners& fn) {
      if (auto* with_info = std::get_if<MessageInfoListener>(&fn); with_info && *with_info)
        (*with_info)(topic, payload, message);
      else if (auto* with_message = std::get_if<MessageListener>(&fn); with_message && *with_message)
        (*with_message)(topic, payload);
      else if (auto* plain = std::get_if<Listener>(&fn); plain && *plain)
        (*plain)();
    });
  }

  void on_complete(Token token, const Error& result) override {
    if (destroying_) return;  // the application let go of the client: nobody to tell
    Callbacks callbacks;
    if (token == kConnectToken) {
      if (!connect_callbacks_) return;
      callbacks = std::move(*connect_callbacks_);
      connect_callbacks_.reset();
    } else {
      if (!pending_) return;
      auto it = pending_->find(token);
      if (it == pending_->end()) return;
      callbacks = std::move(it->second);
      pending_->erase(it);
    }
    ++depth_;
    if (result.ok()) {
      if (callbacks.success) callbacks.success();
    } else if (callbacks.fail) {
      callbacks.fail(info(result));
    }
    --depth_;
  }

  // Registers the callbacks of a request, then makes it: the Engine may complete it (fail)
  // before returning.
  template <class Request>
  int request(SuccessCallback success, FailCallback fail, Request&& make) {
    int rc = 0;
    on_loop([&] {
      Token token = next_token_++;
      if (next_token_ == 0) next_token_ = kConnectToken + 1;
      if (!pending_) pending_ = std::make_unique<std::unordered_map<Token, Callbacks>>();
      (*pending_)[token] = {std::move(success), std::move(fail)};
      ErrorCode code = make(token);
      rc = static_cast<int>(code);
      if (code != ErrorCode::ok) {
        // The Engine completes and reports what it refuses; a refusal by this layer's own
        // checks (a missing message) is answered here the same way: `fail`, then an `error`
        // event (API: "a bad argument"), none after `close`.
        auto it = pending_->find(token);
        if (it != pending_->end()) {
          Callbacks callbacks = std::move(it->second);
          pending_->erase(it);
          if (callbacks.fail) callbacks.fail(info(code));
          if (!closed_) emit_error(EventKind::error, Error{code, 0, {}});
        }
      }
    });
    return rc;
  }

  static constexpr Token kConnectToken = 1;

  // An idle client keeps this record: what it does not use (listeners, requests, the connect
  // callbacks once connected) costs a null pointer or an empty vector, not an empty container;
  // the scalars fill one word (232 B in all, a 240 B heap chunk).
  std::unique_ptr<Callbacks> connect_callbacks_;  // until the connection attempt completes
  std::unique_ptr<std::unordered_map<Token, Callbacks>> pending_;  // from the first request
  std::vector<Entry> listeners_;
  ListenerId next_listener_ = 1;
  Token next_token_ = kConnectToken + 1;
  uint16_t depth_ = 0;      // > 0 while a user callback runs
  bool destroying_ = false;  // the handle was dropped: no callback runs any more
  bool closed_ = false;      // `close` was emitted: no other event follows
  native::Connection connection_;  // last: destroyed first (see ~Impl)
};

namespace {

// The handle's const queries still run on the loop's thread through the non-const Impl (as
// they did through the pointer to it the handle used to hold).
Client::Impl& impl(const Client* client) {
  return static_cast<Client::Impl&>(const_cast<Client&>(*client));
}

}  // namespace

Client::ListenerId Client::on(std::string_view e, Listener fn) {
  return impl(this).add(e, false, std::move(fn));
}
Client::ListenerId Client::on(std::string_view e, ErrorListener fn) {
  return impl(this).add(e, false, std::move(fn));
}
Client::ListenerId Client::on(std::string_view e, MessageListener fn) {
  return impl(this).add(e, false, std::move(fn));
}
Client::ListenerId Client::on(std::string_view e, MessageInfoListener fn) {
  return impl(this).add(e, false, std::move(fn));
}
Client::ListenerId Client::once(std::string_view e, Listener fn) {
  return impl(this).add(e, true, std::move(fn));
}
Client::ListenerId Client::once(std::string_view e, ErrorListener fn) {
  return impl(this).add(e, true, std::move(fn));
}
Client::ListenerId Client::once(std::string_view e, MessageListener fn) {
  return impl(this).add(e, true, std::move(fn));
}
Client::ListenerId Client::once(std::string_view e, MessageInfoListener fn) {
  return impl(this).add(e, true, std::move(fn));
}
void Client::off(std::string_view e, ListenerId id) { impl(this).remove(e, id, false); }
void Client::off(std::string_view e) { impl(this).remove(e, 0, true); }

int Client::subscribe(const SubscribeOptions& o) {
  return impl(this).request(o.success, o.fail, [&](Token token) {
    SubscribeRequest r;
    r.topic = o.topic;
    r.qos = o.qos;
    r.no_local = o.no_local;
    r.retain_as_published = o.retain_as_published;
    r.retain_handling = o.retain_handling;
    r.subscription_identifier = o.subscription_identifier;
    for (auto& p : o.user_properties) r.user_properties.push_back({p.key, p.value});
    return impl(this).connection_.engine().subscribe(r, token);
  });
}

int Client::unsubscribe(const UnsubscribeOptions& o) {
  return impl(this).request(o.success, o.fail, [&](Token token) {
    UnsubscribeRequest r;
    r.topic = o.topic;
    for (auto& p : o.user_properties) r.user_properties.push_back({p.key, p.value});
    return impl(this).connection_.engine().unsubscribe(r, token);
  });
}

int Client::publish(const PublishOptions& o) {
  return impl(this).request(o.success, o.fail, [&](Token token) {
    // After the topic, which the Engine checks first (a missing one), as JavaScript does.
    if (!o.message.present && !o.topic.empty()) return ErrorCode::missing_message;
    PublishRequest r;
    r.topic = o.topic;
    r.payload = Bytes(o.message.data, o.message.size);
    r.qos = o.qos;
    r.retain = o.retain;
    r.properties = o.properties;
    for (auto& p : o.user_properties) r.properties.user_properties.push_back({p.key, p.value});
    return impl(this).connection_.engine().publish(r, token);
  });
}

int Client::close() {
  int rc = 0;
  impl(this).on_loop([&] { rc = static_cast<int>(impl(this).connection_.engine().close()); });
  return rc;
}

State Client::state() const {
  State s = State::closed;
  impl(this).on_loop([&] { s = impl(this).connection_.engine().state(); });
  return s;
}

std::string Client::client_id() const {
  std::string id;
  impl(this).on_loop([&] { id = std::string(impl(this).connection_.engine().client_id()); });
  return id;
}

size_t Client::queued() const {
  size_t n = 0;
  impl(this).on_loop([&] { n = impl(this).connection_.engine().queued(); });
  return n;
}

size_t Client::inflight() const {
  size_t n = 0;
  impl(this).on_loop([&] { n = impl(this).connection_.engine().inflight(); });
  return n;
}

uint32_t Client::connection_attempts() const {
  uint32_t n = 0;
  impl(this).on_loop([&] { n = impl(this).connection_.attempts(); });
  return n;
}

Loop& Client::loop() const { return impl(this).loop(); }

std::shared_ptr<Client> createClient(const Options& options) {
  Loop& loop = options.loop ? *options.loop : Loop::background();
  std::shared_ptr<Client> client;
  auto create = [&] {
    ErrorCode code = validate_options(options);
    if (code != ErrorCode::ok) {
      if (options.fail) {
        ErrorInfo error;
        error.code = code;
        error.message = std::string(error_message(code));
        options.fail(error);
      }
      return;
    }
    auto* record = new Client::Impl(loop, options);
    // A captureless deleter: the control block stores no function pointer (24 B, not 32).
    client = std::shared_ptr<Client>(record, [](Client* c) { Client::Impl::destroy(c); });
    code = record->connection_.engine().connect(Client::Impl::kConnectToken);
    if (code != ErrorCode::ok) client.reset();  // fail was called through on_complete
  };
  if (loop.in_loop_thread())
    create();
  else
    loop.call(create);
  return client;
}

}  // namespace mqtt
