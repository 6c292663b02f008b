// Events for tests: a log of everything in order ("connect", "disconnect:ping_timeout",
// "complete:7:ok", …), per-token completion counts, copies of received messages, and optional
// hooks so a test can call back into the engine from inside a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mqtt/engine.h"

namespace mqtt::test {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  uint8_t qos;
  bool retain;
  bool dup;
};

class RecordingEvents : public Events {
 public:
  std::vector<std::string> log;
  std::map<Token, std::vector<Error>> completions;  // reason_string dropped (only valid in the call)
  std::vector<ReceivedMessage> messages;
  std::vector<Error> errors;
  std::vector<Error> disconnects;
  bool closed = false;
  // Events after on_close, and completions after it other than `closed` (must stay 0).
  size_t after_close = 0;

  std::function<void(const Message&)> message_hook;
  std::function<void(Token, const Error&)> complete_hook;
  std::function<void()> connect_hook;
  std::function<void()> reconnect_hook;
  std::function<void(const Error&)> disconnect_hook;
  std::function<void(const Error&)> error_hook;
  std::function<void(const Auth&)> auth_hook;

  void on_connect() override {
    note("connect");
    if (connect_hook) connect_hook();
  }
  void on_disconnect(const Error& reason) override {
    note("disconnect:" + std::string(error_name(reason.code)));
    disconnects.push_back(strip(reason));
    if (disconnect_hook) disconnect_hook(reason);
  }
  void on_reconnect() override {
    note("reconnect");
    if (reconnect_hook) reconnect_hook();
  }
  void on_message(const Message& m) override {
    note("message:" + std::string(m.topic));
    messages.push_back({std::string(m.topic), std::string(m.payload.as_string()), m.qos, m.retain, m.dup});
    if (message_hook) message_hook(m);
  }
  void on_error(const Error& e) override {
    note("error:" + std::string(error_name(e.code)));
    errors.push_back(strip(e));
    if (error_hook) error_hook(e);
  }
  void on_close() override {
    note("close");
    closed = true;
  }
  void on_complete(Token token, const Error& result) override {
    // A request made after close is still answered, with `closed`: the call's own `fail`.
    if (closed && result.code == ErrorCode::closed) {
      log.push_back("complete:" + std::to_string(token) + ":closed");
    } else {
      note("complete:" + std::to_string(token) + ":" + std::string(error_name(result.code)));
    }
    completions[token].push_back(strip(result));
    if (complete_hook) complete_hook(token, result);
  }
  void on_auth(const Auth& packet) override {
    note("auth");
    if (auth_hook) auth_hook(packet);
  }

  size_t count(Token token) const {
    auto it = completions.find(token);
    return it == completions.end() ? 0 : it->second.size();
  }
  // The last result for `token`; unknown_packet_id stands for "never completed".
  ErrorCode result(Token token) const {
    auto it = completions.find(token);
    return it == completions.end() || it->second.empty() ? ErrorCode::unknown_packet_id : it->second.back().code;
  }
  // The log without completions and messages: just the six events.
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const std::string& s : log)
      if (s.rfind("complete:", 0) != 0 && s.rfind("message:", 0) != 0 && s != "auth") out.push_back(s);
    return out;
  }

 private:
  void note(std::string entry) {
    if (closed) ++after_close;
    log.push_back(std::move(entry));
  }
  static Error strip(const Error& e) {
    Error out = e;
    out.reason_string = {};
    return out;
  }
};

}  // namespace mqtt::test
