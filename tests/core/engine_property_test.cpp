// Engine property test: random interleavings of requests, broker answers, connection drops,
// timeouts and re-entrant calls (seeded, so a failure names its seed and replays). Whatever
// happens, every token completes exactly once, nothing follows `close`, and the events keep
// their order.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "support/scripted_broker.h"

namespace mqtt::test {
namespace {

struct Answer {
  PacketType type;
  uint16_t id;
};

class RandomRun {
 public:
  explicit RandomRun(uint32_t seed) : rng_(seed), h_(options(seed)) {
    h_.events.complete_hook = [this](Token, const Error&) {
      if (rng_() % 8 == 0) publish();  // re-entrant request from a completion
    };
    h_.events.message_hook = [this](const Message&) {
      if (rng_() % 4 == 0) publish();
      if (rng_() % 64 == 0) h_.engine->close();
    };
  }

  void run(int steps) {
    issue([&](Token t) { return h_.engine->connect(t); });
    for (int i = 0; i < steps && h_.engine->state() != State::closed; ++i) step();
    h_.engine->close();
  }

  void check(uint32_t seed) {
    for (Token t : issued_) ASSERT_EQ(h_.events.count(t), 1u) << "seed " << seed << " token " << t;
    ASSERT_EQ(h_.events.after_close, 0u) << "seed " << seed;
    // connect, (disconnect, reconnect)*, [disconnect], close
    std::vector<std::string> life;
    for (const std::string& e : h_.events.events())
      if (e.rfind("error:", 0) != 0) life.push_back(e.substr(0, e.find(':')));
    ASSERT_FALSE(life.empty());
    ASSERT_EQ(life.back(), "close") << "seed " << seed;
    for (size_t i = 0; i + 1 < life.size(); ++i) {
      const char* expected = i == 0 ? "connect" : i % 2 ? "disconnect" : "reconnect";
      ASSERT_EQ(life[i], expected) << "seed " << seed << " event " << i;
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
    o.queue_max_messages = 40;
    o.topic_alias_maximum = 4;
    o.receive_maximum = 3;
    o.reconnect = seed % 11 != 0;
    return o;
  }

  template <class F>
  void issue(F call) {
    Token t = next_++;
    issued_.insert(t);
    call(t);
  }

  void publish() {
    static const char* topics[] = {"a", "b/c", "d", "a", "b/c", "d", "e", "f", "a/+", ""};
    int qos = rng_() % 16 == 0 ? 3 : static_cast<int>(rng_() % 3);  // 3 and the last two topics: invalid
    const char* topic = topics[rng_() % 10];
    issue([&](Token t) { return h_.engine->publish(make_publish(topic, "payload", qos), t); });
  }

  // The scripted broker reads what the client sent and decides later whether to answer.
  void read_client() {
    while (h_.pending()) {
      Packet p = h_.next();
      if (auto* pub = std::get_if<Publish>(&p)) {
        if (pub->qos == 1) answers_.push_back({PacketType::puback, pub->packet_id});
        if (pub->qos == 2) answers_.push_back({PacketType::pubrec, pub->packet_id});
      } else if (auto* ack = std::get_if<Ack>(&p)) {
        if (ack->type == PacketType::pubrel) answers_.push_back({PacketType::pubcomp, ack->packet_id});
      } else if (auto* s = std::get_if<Subscribe>(&p)) {
        answers_.push_back({PacketType::suback, s->packet_id});
      } else if (auto* u = std::get_if<Unsubscribe>(&p)) {
        answers_.push_back({PacketType::unsuback, u->packet_id});
      } else if (std::holds_alternative<Connect>(p)) {
        answers_.push_back({PacketType::connack, 0});
      } else if (auto* ping = std::get_if<Ping>(&p)) {
        if (ping->type == PacketType::pingreq) answers_.push_back({PacketType::pingresp, 0});
      }
    }
  }

  bool link_up() {
    if (h_.host.opens.size() != seen_opens_ || h_.host.closes != seen_closes_) {
      // A new connection, or the engine closed the old one: the broker's answers are void.
      seen_opens_ = h_.host.opens.size();
      seen_closes_ = h_.host.closes;
      up_ = false;
      opening_ = seen_opens_ > 0 && h_.engine->state() == State::connecting;
      if (rng_() % 4) answers_.clear();  // sometimes keep stale answers: they must be survived
    }
    return up_;
  }

  void answer() {
    if (answers_.empty()) return;
    size_t i = rng_() % 3 == 0 ? rng_() % answers_.size() : 0;
    Answer a = answers_[i];
    answers_.erase(answers_.begin() + static_cast<long>(i));
    uint8_t reason = rng_() % 6 == 0 ? 0x80 : 0;
    switch (a.type) {
      case PacketType::connack:
        if (rng_() % 10 == 0) h_.connack(false, h_.version == Version::v5 ? 0x87 : 5);
        else h_.connack(!h_.engine->options().clean && rng_() % 2);
        break;
      case PacketType::suback: h_.suback(a.id, reason ? 0x80 : 1); break;
      case PacketType::unsuback: h_.unsuback(a.id, reason); break;
      case PacketType::pingresp: h_.deliver(Ping{PacketType::pingresp}); break;
      default: h_.ack(a.type, a.id, h_.version == Version::v5 ? reason : 0); break;
    }
  }

  void step() {
    link_up();
    read_client();
    switch (rng_() % 14) {
      case 0:
      case 1: publish(); break;
      case 2:
        issue([&](Token t) { return h_.engine->subscribe(make_subscribe(rng_() % 2 ? "s/#" : "s/+", 2), t); });
        break;
      case 3: issue([&](Token t) { return h_.engine->unsubscribe({"s/#", {}}, t); }); break;
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
        break;
      default: h_.advance(rng_() % 200); break;
    }
  }

  std::mt19937 rng_;
  Harness h_;
  Token next_ = 1;
  std::set<Token> issued_;
  std::vector<Answer> answers_;
  size_t seen_opens_ = 0;
  size_t seen_closes_ = 0;
  bool opening_ = false;
  bool up_ = false;
};

TEST(EngineProperty, EveryTokenCompletesExactlyOnceUnderRandomInterleavings) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomRun run(seed);
    run.run(400);
    run.check(seed);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace mqtt::test
