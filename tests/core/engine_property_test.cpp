// Engine property test: long random interleavings of requests (while connected, connecting and
// offline), broker answers (right, refused, stale, out of order, hostile), connection drops,
// time jumps past keep-alive and connect timeouts, reconnections with and without a session,
// both protocol versions and tight limits, and re-entrant requests and close() from inside every
// event and completion. Seeded: a failure names its seed and replays
// (MQTT_PROPERTY_SEEDS=first-last runs other seeds).
//
// A model of the broker's side reads what the client sends and checks, after every step:
//  - every request refused at the call completed once, with the code the call returned, before
//    the call returned; every accepted one completes at most once, and exactly once by close;
//  - a valid answer from the broker completes its request at once with the matching result,
//    and never counts as a violation; a hostile one (an acknowledgement for an identifier not in
//    flight or of the wrong kind, a second CONNACK) is a violation that ends the connection and
//    completes nothing;
//  - packet identifiers are unique among those in flight; the client respects the broker's
//    Receive Maximum, Maximum QoS, Retain Available and Maximum Packet Size, and its own queue
//    and window limits;
//  - events keep their order (connect, (disconnect, reconnect)*, close), `message` only while
//    connected, nothing after `close`, and a wake-up is always held while connecting, waiting to
//    reconnect, or connected with keep-alive (else a dead broker would go unnoticed);
//  - after close nothing is left queued or in flight.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <random>
#include <string>

#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

enum class Kind { connect, publish, subscribe, unsubscribe };

struct Call {
  Kind kind;
  int qos;
  ErrorCode returned;
};

// A packet the client sent on the current connection that the broker has not finished with.
struct Outstanding {
  Kind kind;
  Token token;  // 0: not one of the application's (a restored subscription, an unmapped filter)
  int qos;
  bool released;  // QoS 2 publish: PUBREC sent, PUBREL seen
};

struct Answer {
  PacketType type;
  uint16_t id;
  size_t connection;  // index of the open it belongs to
};

// "p17" → 17, "s/17/#" → 17; 0 when the text names no token.
Token token_in(std::string_view text) {
  size_t start = text.find_first_of("0123456789");
  if (start == std::string_view::npos) return 0;
  Token t = 0;
  for (size_t i = start; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) t = t * 10 + (text[i] - '0');
  return t;
}

class RandomRun {
 public:
  explicit RandomRun(uint32_t seed) : seed_(seed), rng_(seed), options_(options(seed)), h_(options_) {
    h_.events.complete_hook = [this](Token, const Error&) {
      if (rng_() % 8 == 0) publish();  // re-entrant request from a completion
    };
    // Re-entrant calls from every event: requests, and now and then close().
    h_.events.connect_hook = [this] { reenter(64); };
    h_.events.reconnect_hook = [this] { reenter(64); };
    h_.events.disconnect_hook = [this](const Error&) { reenter(64); };
    h_.events.error_hook = [this](const Error&) { reenter(128); };
    h_.events.message_hook = [this](const Message&) {
      EXPECT_EQ(h_.engine->state(), State::connected) << where() << "message while not connected";
      if (rng_() % 4 == 0) publish();
      if (rng_() % 64 == 0) h_.engine->close();
    };
  }

  void run(int steps) {
    issue(Kind::connect, 0, [&](Token t) { return h_.engine->connect(t); });
    for (step_ = 0; step_ < steps && h_.engine->state() != State::closed; ++step_) {
      step();
      check_step();
      if (::testing::Test::HasFailure()) return;
    }
    h_.engine->close();
    check_step();
  }

  void check_end() {
    for (const auto& [token, call] : calls_) ASSERT_EQ(h_.events.count(token), 1u) << where() << "token " << token;
    ASSERT_EQ(h_.events.after_close, 0u) << where();
    ASSERT_EQ(h_.engine->queued(), 0u) << where();
    ASSERT_EQ(h_.engine->inflight(), 0u) << where();
    // A request after close fails at once with `closed`.
    h_.events.complete_hook = nullptr;
    h_.events.error_hook = nullptr;
    Token late = next_++;
    ASSERT_EQ(h_.engine->publish(make_publish("a", "x", 1), late), ErrorCode::closed);
    ASSERT_EQ(h_.events.result(late), ErrorCode::closed);
    // connect, (disconnect, reconnect)*, [disconnect], close
    std::vector<std::string> life;
    for (const std::string& e : h_.events.events())
      if (e.rfind("error:", 0) != 0) life.push_back(e.substr(0, e.find(':')));
    ASSERT_FALSE(life.empty());
    ASSERT_EQ(life.back(), "close") << where();
    for (size_t i = 0; i + 1 < life.size(); ++i) {
      const char* expected = i == 0 ? "connect" : i % 2 ? "disconnect" : "reconnect";
      ASSERT_EQ(life[i], expected) << where() << "event " << i;
    }
  }

 private:
  static ClientOptions options(uint32_t seed) {
    ClientOptions o = basic_options(MQTT_CONFIG_V5 && seed % 2 ? 5 : 4);
    o.clean = seed % 3 == 0;
    o.keepalive_interval = 5;
    o.reconnect_min_ms = 100;
    o.reconnect_max_ms = 1000;
    o.reconnect_jitter_percent = 30;
    o.connect_timeout_ms = 2000;
    o.max_inflight = 1 + seed % 4;
    o.queue_max_messages = seed % 5 == 0 ? 3 : 40;
    if (seed % 7 == 0) o.queue_max_bytes = 120;
    o.topic_alias_maximum = 4;
    o.receive_maximum = 3;
    o.reconnect = seed % 11 != 0;
    return o;
  }

  std::string dump() const {
    std::string out;
    size_t from = h_.events.log.size() > 40 ? h_.events.log.size() - 40 : 0;
    for (size_t i = from; i < h_.events.log.size(); ++i) out += "\n  " + h_.events.log[i];
    return out;
  }
  std::string where() const {
    return "seed " + std::to_string(seed_) + " step " + std::to_string(step_) + dump() + "\n: ";
  }

  template <class F>
  void issue(Kind kind, int qos, F call) {
    Token t = next_++;
    ErrorCode rc = call(t);
    calls_[t] = {kind, qos, rc};
    if (rc != ErrorCode::ok) {  // refused at the call: its one completion came before the return
      EXPECT_EQ(h_.events.count(t), 1u) << where() << "refused token " << t << dump();
      EXPECT_EQ(h_.events.result(t), rc) << where() << "refused token " << t;
    }
  }

  void publish() {
    static const char* topics[] = {"a", "b/c", "d", "a", "b/c", "d", "e", "f", "a/+", ""};
    int qos = rng_() % 16 == 0 ? 3 : static_cast<int>(rng_() % 3);  // 3 and the last two topics: invalid
    const char* topic = topics[rng_() % 10];
    bool retain = rng_() % 8 == 0;
    std::string payload = "p" + std::to_string(next_) + std::string(rng_() % 4 == 0 ? 60 : 0, '.');
    issue(Kind::publish, qos, [&](Token t) {
      PublishRequest r = make_publish(topic, payload, qos);
      r.retain = retain;
      return h_.engine->publish(r, t);
    });
  }

  void reenter(uint32_t close_one_in) {
    switch (rng_() % 6) {
      case 0: publish(); break;
      case 1: subscribe(); break;
      case 2: unsubscribe(); break;
      default: break;
    }
    if (rng_() % close_one_in == 0) h_.engine->close();
  }

  void subscribe() {
    std::string filter = "s/" + std::to_string(next_) + (rng_() % 2 ? "/#" : "/+");
    subscribed_.push_back(filter);
    int qos = static_cast<int>(rng_() % 3);
    issue(Kind::subscribe, qos, [&](Token t) { return h_.engine->subscribe(make_subscribe(filter, qos), t); });
  }

  void unsubscribe() {
    // Its own token in the filter (so the model knows whose UNSUBACK it is), or a filter
    // subscribed earlier (which the model cannot map back to this request).
    std::string filter = "s/" + std::to_string(next_) + "/#";
    if (rng_() % 3 == 0 && !subscribed_.empty()) filter = subscribed_[rng_() % subscribed_.size()];
    issue(Kind::unsubscribe, 0, [&](Token t) { return h_.engine->unsubscribe({filter, {}}, t); });
  }

  bool is_call(Token t, Kind kind) const {
    auto it = calls_.find(t);
    return it != calls_.end() && it->second.kind == kind;
  }

  size_t connection() const { return h_.host.opens.empty() ? 0 : h_.host.opens.size() - 1; }

  // A new connection, or the engine closed the old one: the broker's state of it is void.
  bool link_up() {
    if (h_.host.opens.size() != seen_opens_ || h_.host.closes != seen_closes_) {
      seen_opens_ = h_.host.opens.size();
      seen_closes_ = h_.host.closes;
      up_ = false;
      connacked_ = false;
      outstanding_.clear();
      opening_ = seen_opens_ > 0 && h_.engine->state() == State::connecting;
      if (rng_() % 4) answers_.clear();  // sometimes keep stale answers: they must be survived
    }
    return up_;
  }

  void add_outstanding(uint16_t id, Outstanding o) {
    EXPECT_NE(id, 0) << where() << "packet identifier 0";
    EXPECT_EQ(outstanding_.count(id), 0u) << where() << "packet identifier " << id << " reused while in flight";
    outstanding_[id] = o;
  }

  // The scripted broker reads what the client sent and decides later whether to answer.
  void read_client() {
    link_up();
    while (h_.pending()) {
      size_t on = h_.host.sent[h_.next_sent].connection;
      size_t size = h_.host.sent[h_.next_sent].bytes.size();
      Packet p = h_.next();
      if (on != connection() || !up_) continue;  // sent on a connection that is gone
      if (limits_.maximum_packet_size) {
        EXPECT_LE(size, *limits_.maximum_packet_size) << where() << "packet above the broker's Maximum Packet Size";
      }
      if (auto* pub = std::get_if<Publish>(&p)) {
        if (limits_.maximum_qos) {
          EXPECT_LE(pub->qos, *limits_.maximum_qos) << where() << "above Maximum QoS";
        }
        if (limits_.retain_available && !*limits_.retain_available) {
          EXPECT_FALSE(pub->retain) << where() << "retain while not available";
        }
        if (pub->qos == 0) continue;
        Token t = token_in(pub->payload.as_string());
        add_outstanding(pub->packet_id, {Kind::publish, t, pub->qos, false});
        last_publish_[pub->packet_id] = t;
        answers_.push_back({pub->qos == 1 ? PacketType::puback : PacketType::pubrec, pub->packet_id, on});
        if (limits_.receive_maximum) {
          size_t unacked = 0;
          for (const auto& [id, o] : outstanding_) unacked += o.kind == Kind::publish;
          EXPECT_LE(unacked, *limits_.receive_maximum) << where() << "above the broker's Receive Maximum";
        }
      } else if (auto* ack = std::get_if<Ack>(&p)) {
        if (ack->type != PacketType::pubrel) continue;
        auto it = outstanding_.find(ack->packet_id);
        if (it == outstanding_.end()) {  // PUBREL resent into a resumed session
          add_outstanding(ack->packet_id, {Kind::publish, last_publish_[ack->packet_id], 2, true});
        } else {
          EXPECT_TRUE(it->second.kind == Kind::publish && it->second.qos == 2) << where() << "PUBREL for a non QoS 2 id";
          it->second.released = true;
        }
        answers_.push_back({PacketType::pubcomp, ack->packet_id, on});
      } else if (auto* s = std::get_if<Subscribe>(&p)) {
        Token t = token_in(s->topics.empty() ? "" : s->topics[0].filter);
        if (!is_call(t, Kind::subscribe)) t = 0;
        add_outstanding(s->packet_id, {Kind::subscribe, t, 0, false});
        answers_.push_back({PacketType::suback, s->packet_id, on});
      } else if (auto* u = std::get_if<Unsubscribe>(&p)) {
        Token t = token_in(u->filters.empty() ? "" : u->filters[0]);
        if (!is_call(t, Kind::unsubscribe)) t = 0;
        add_outstanding(u->packet_id, {Kind::unsubscribe, t, 0, false});
        answers_.push_back({PacketType::unsuback, u->packet_id, on});
      } else if (std::holds_alternative<Connect>(p)) {
        answers_.push_back({PacketType::connack, 0, on});
      } else if (auto* ping = std::get_if<Ping>(&p)) {
        if (ping->type == PacketType::pingreq) answers_.push_back({PacketType::pingresp, 0, on});
      }
    }
  }

  void connack() {
    bool v5 = h_.version == Version::v5;
    if (rng_() % 10 == 0) {
      h_.connack(false, v5 ? 0x87 : 5);
      return;
    }
    Properties props;
    limits_ = Properties();
    if (v5) {
      if (rng_() % 3 == 0) props.receive_maximum = static_cast<uint16_t>(1 + rng_() % 3);
      if (rng_() % 5 == 0) props.maximum_qos = static_cast<uint8_t>(rng_() % 2);
      if (rng_() % 5 == 0) props.retain_available = 0;
      if (rng_() % 5 == 0) props.maximum_packet_size = 64;
      if (rng_() % 3 == 0) props.topic_alias_maximum = static_cast<uint16_t>(rng_() % 3);
      limits_ = props;
    }
    bool session = !options_.clean && rng_() % 2;
    h_.connack(session, 0, props);
    connacked_ = h_.engine->state() == State::connected;
  }

  // The result a valid answer must complete its request with now (ok: nothing to complete).
  bool expected_result(const Answer& a, uint8_t reason, Token& token, ErrorCode& code) {
    auto it = outstanding_.find(a.id);
    if (it == outstanding_.end()) return false;
    Outstanding o = it->second;
    token = o.token;
    bool refused = reason >= 0x80;
    switch (a.type) {
      case PacketType::puback: code = refused ? ErrorCode::publish_refused : ErrorCode::ok; break;
      case PacketType::pubrec:
        if (!refused) {
          outstanding_[a.id].released = true;  // waits for PUBREL, then PUBCOMP
          return false;
        }
        code = ErrorCode::publish_refused;
        break;
      case PacketType::pubcomp: code = ErrorCode::ok; break;
      case PacketType::suback: code = refused ? ErrorCode::subscribe_refused : ErrorCode::ok; break;
      case PacketType::unsuback: code = refused ? ErrorCode::unsubscribe_refused : ErrorCode::ok; break;
      default: return false;
    }
    outstanding_.erase(it);
    return token != 0;
  }

  void answer() {
    if (answers_.empty()) return;
    size_t i = rng_() % 3 == 0 ? rng_() % answers_.size() : 0;  // sometimes out of order
    Answer a = answers_[i];
    answers_.erase(answers_.begin() + static_cast<long>(i));
    bool v5 = h_.version == Version::v5;
    uint8_t reason = v5 && rng_() % 6 == 0 ? 0x80 : 0;
    if (a.type == PacketType::unsuback && !v5) reason = 0;
    if (a.type == PacketType::pubcomp) reason = v5 && reason ? 0x92 : 0;  // its only codes; 0x92 is no failure
    bool current = a.connection == connection() && (a.type == PacketType::connack || connacked_);
    Token token = 0;
    ErrorCode code = ErrorCode::ok;
    bool expect = current && expected_result(a, reason, token, code) && h_.events.count(token) == 0;
    size_t errors = h_.events.errors.size();
    switch (a.type) {
      case PacketType::connack: connack(); break;
      case PacketType::suback: h_.suback(a.id, reason ? 0x80 : 1); break;
      case PacketType::unsuback: h_.unsuback(a.id, reason); break;
      case PacketType::pingresp: h_.deliver(Ping{PacketType::pingresp}); break;
      default: h_.ack(a.type, a.id, reason); break;
    }
    if (a.type == PacketType::connack) return;
    if (!current) {  // a stale answer: survived, and it may have ended a request of this connection
      if (outstanding_.erase(a.id)) {
        for (size_t j = answers_.size(); j-- > 0;)
          if (answers_[j].id == a.id && answers_[j].connection == connection()) answers_.erase(answers_.begin() + static_cast<long>(j));
      }
      return;
    }
    for (size_t e = errors; e < h_.events.errors.size(); ++e)
      EXPECT_FALSE(error_is_fatal(h_.events.errors[e].code))
          << where() << "a valid answer was taken as a violation: " << error_name(h_.events.errors[e].code);
    if (expect) {
      EXPECT_EQ(h_.events.count(token), 1u) << where() << "token " << token << " (kind " << static_cast<int>(calls_[token].kind)
                                         << ") not completed by its answer " << static_cast<int>(a.type) << " id " << a.id;
      EXPECT_EQ(h_.events.result(token), code) << where() << "token " << token;
    }
  }

  // Acknowledgements the broker must not send: for an identifier never used, or of the wrong
  // kind for the one in flight. Each is a violation: an error, the connection ends, and no
  // request completes (but with `closed` if the client gives up).
  void hostile() {
    if (!connacked_ || h_.engine->state() != State::connected) return;
    static const PacketType types[] = {PacketType::puback, PacketType::pubcomp, PacketType::suback,
                                       PacketType::unsuback};
    PacketType type = types[rng_() % 4];
    uint16_t id = static_cast<uint16_t>(60000 + rng_() % 1000);  // never reached in a run
    if (rng_() % 8 == 0) type = PacketType::connack;  // a second CONNACK
    if (!outstanding_.empty() && rng_() % 2) {
      auto it = outstanding_.begin();
      std::advance(it, static_cast<long>(rng_() % outstanding_.size()));
      const Outstanding& o = it->second;
      if (o.kind != Kind::publish) type = PacketType::puback;  // a publish ack for a SUBSCRIBE
      else if (o.qos == 1) type = rng_() % 2 ? PacketType::pubcomp : PacketType::suback;
      else type = o.released ? PacketType::puback : PacketType::pubcomp;
      id = it->first;
    }
    std::map<Token, size_t> before;
    for (const auto& [token, call] : calls_) before[token] = h_.events.count(token);
    size_t errors = h_.events.errors.size();
    size_t closes = h_.host.closes;
    if (type == PacketType::connack) h_.connack();
    else if (type == PacketType::suback) h_.suback(id, 0);
    else if (type == PacketType::unsuback) h_.unsuback(id, 0);
    else h_.ack(type, id, 0);
    ASSERT_GT(h_.events.errors.size(), errors) << where() << "hostile ack " << static_cast<int>(type) << " id " << id;
    EXPECT_TRUE(error_is_fatal(h_.events.errors[errors].code)) << where();
    EXPECT_GT(h_.host.closes, closes) << where() << "connection kept after a violation";
    for (const auto& [token, count] : before) {
      if (h_.events.count(token) == count) continue;
      EXPECT_EQ(h_.events.result(token), ErrorCode::closed) << where() << "token " << token << " completed by a hostile ack";
    }
  }

  void check_step() {
    for (const auto& [token, call] : calls_) {
      ASSERT_LE(h_.events.count(token), 1u) << where() << "token " << token << " completed twice";
    }
    ASSERT_EQ(h_.events.after_close, 0u) << where();
    ASSERT_EQ(h_.host.partial_bytes(), 0u) << where();
    EXPECT_LE(h_.engine->queued(), options_.queue_max_messages) << where();
    EXPECT_LE(h_.engine->inflight(), options_.max_inflight) << where();
    State s = h_.engine->state();
    if (s == State::waiting || s == State::connecting || (s == State::connected && options_.keepalive_interval)) {
      EXPECT_NE(h_.host.wake, kNever) << where() << "no wake-up held: the client would hang";
    }
  }

  void step() {
    read_client();
    switch (rng_() % 16) {
      case 0:
      case 1: publish(); break;
      case 2: subscribe(); break;
      case 3: unsubscribe(); break;
      case 4:
      case 5:
      case 6:
        if (link_up()) answer();
        break;
      case 7:
        if (opening_) {
          opening_ = false;
          up_ = true;
          h_.engine->on_open();
        }
        break;
      case 8:
        if (link_up() && rng_() % 3 == 0) {
          up_ = false;
          h_.engine->on_closed(ErrorCode::connection_lost);
        }
        break;
      case 9: h_.advance(rng_() % 3000); break;
      case 10:
        if (link_up()) {
          uint8_t qos = static_cast<uint8_t>(rng_() % 3);
          uint16_t id = qos ? static_cast<uint16_t>(1 + rng_() % 4) : 0;
          h_.publish("in/t", "m", qos, id, qos && rng_() % 2);
        }
        break;
      case 11:
        if (link_up()) h_.ack(PacketType::pubrel, static_cast<uint16_t>(1 + rng_() % 4));
        break;
      case 12:
        if (link_up() && rng_() % 10 == 0) h_.deliver_bytes({0x00, 0x00});  // reserved packet type
        else if (link_up() && connacked_ && h_.version == Version::v5 && rng_() % 10 == 0) {
          Disconnect d;
          d.reason_code = 0x8B;  // server shutting down: a loss like any other, then reconnection
          h_.deliver(d);
        }
        break;
      case 13:
        if (link_up() && rng_() % 4 == 0) hostile();
        break;
      case 14:
        if (rng_() % 8 == 0) h_.advance(5000 + rng_() % 60000);  // past keep-alive and timeouts
        break;
      default: h_.advance(rng_() % 200); break;
    }
  }

  uint32_t seed_;
  int step_ = 0;
  std::mt19937 rng_;
  ClientOptions options_;
  Harness h_;
  Token next_ = 1;
  std::map<Token, Call> calls_;
  std::vector<Answer> answers_;
  std::map<uint16_t, Outstanding> outstanding_;
  std::vector<std::string> subscribed_;     // every filter subscribe() was called with
  std::map<uint16_t, Token> last_publish_;  // the token of the last QoS > 0 PUBLISH on each id
  Properties limits_;                       // the broker's, from its last CONNACK
  size_t seen_opens_ = 0;
  size_t seen_closes_ = 0;
  bool opening_ = false;
  bool up_ = false;
  bool connacked_ = false;
};

TEST(EngineProperty, EveryRequestEndsOnceAndTheBrokersLimitsHoldUnderRandomInterleavings) {
  uint32_t first = 1, last = 1000;
  if (const char* range = std::getenv("MQTT_PROPERTY_SEEDS")) {  // "first-last"
    first = static_cast<uint32_t>(std::strtoul(range, nullptr, 10));
    const char* dash = std::strchr(range, '-');
    last = dash ? static_cast<uint32_t>(std::strtoul(dash + 1, nullptr, 10)) : first;
  }
  for (uint32_t seed = first; seed <= last; ++seed) {
    RandomRun run(seed);
    run.run(400);
    if (::testing::Test::HasFailure()) return;
    run.check_end();
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace mqtt::test
