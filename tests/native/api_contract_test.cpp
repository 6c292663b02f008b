// The API contract as a demanding user meets it, in C++ and in C: requests made from inside
// listeners, close and destroy with work in flight, and what every pending request hears.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "broker.h"
#include "harness.h"
#include "mqtt.h"

namespace mqtt::test {
namespace {

class Contract : public SharedBroker {
 protected:
  std::string topic(const char* base) {
    static int n = 0;
    return std::string("contract/") + base + "/" + std::to_string(getpid()) + "/" +
           std::to_string(++n);
  }
  Loop loop_;
};

// Publish from inside the connect listener, close from inside the message listener: the message
// arrives once, close is emitted once, nothing follows it, later requests fail with `closed`.
TEST_F(Contract, PublishInsideConnectAndCloseInsideMessage) {
  const std::string t = topic("reentrant");
  Options o = base_options(loop_, broker_->port());
  std::shared_ptr<Client> client;
  int published = 0, messages = 0, closes = 0, after_close = 0, subscribed = 0;
  o.success = [&] {
    // Inside `success`: subscribe, then publish to ourselves once the broker granted it.
    client->subscribe({t, 1, [&] {
                         ++subscribed;
                         client->publish({t, "one", 1, [&] { ++published; }});
                       }});
  };
  client = createClient(o);
  ASSERT_NE(client, nullptr);
  client->on("connect", [&] { client->publish({t, "from connect", 1, [&] { ++published; }}); });
  client->on("message", [&](const std::string&, const std::vector<uint8_t>&) {
    ++messages;
    EXPECT_EQ(client->close(), 0);
    EXPECT_EQ(client->state(), State::closed);
  });
  client->on("close", [&] { ++closes; });
  client->on("error", [&](const ErrorInfo&) { ++after_close; });
  ASSERT_TRUE(loop_.run_until([&] { return closes > 0; }, 5000));
  EXPECT_EQ(subscribed, 1);
  EXPECT_EQ(messages, 1);  // closed inside the first one: the other is not delivered
  EXPECT_EQ(closes, 1);

  // After close: each request returns `closed` and calls its fail once, never success.
  int fails = 0, successes = 0;
  ErrorInfo last;
  auto fail = [&](const ErrorInfo& e) {
    ++fails;
    last = e;
  };
  auto success = [&] { ++successes; };
  EXPECT_EQ(client->publish({t, "late", 1, success, fail}), static_cast<int>(ErrorCode::closed));
  EXPECT_EQ(client->subscribe({t, 0, success, fail}), static_cast<int>(ErrorCode::closed));
  EXPECT_EQ(client->unsubscribe({t, success, fail}), static_cast<int>(ErrorCode::closed));
  EXPECT_EQ(client->close(), static_cast<int>(ErrorCode::closed));
  loop_.run_until([] { return false; }, 100);
  EXPECT_EQ(fails, 3);
  EXPECT_EQ(successes, 0);
  EXPECT_EQ(last.code, ErrorCode::closed);
  EXPECT_FALSE(last.message.empty());
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(after_close, 0);  // no event follows close
}

// close() with publishes in flight (the broker frozen) and queued: each pending request fails
// exactly once with `closed`, and close is emitted, before close() returns.
TEST_F(Contract, CloseFailsEveryPendingRequestOnceBeforeReturning) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  Options o = base_options(loop_, broker.port());
  o.max_inflight = 2;  // two in flight, the rest queued
  auto r = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return r->connected; }, 5000));
  broker.pause();
  std::vector<int> successes(5), fails(5);
  std::vector<ErrorCode> codes(5);
  for (size_t i = 0; i < 5; ++i) {
    PublishOptions p(
        "contract/pending", "x", 1 + static_cast<int>(i % 2), [&, i] { ++successes[i]; },
        [&, i](const ErrorInfo& e) {
          ++fails[i];
          codes[i] = e.code;
        });
    ASSERT_EQ(r->client->publish(p), 0);
  }
  loop_.run_until([] { return false; }, 100);  // the first two leave, unanswered
  EXPECT_EQ(r->client->inflight(), 2u);
  EXPECT_EQ(r->client->close(), 0);
  EXPECT_EQ(r->count("close"), 1);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(successes[i], 0) << i;
    EXPECT_EQ(fails[i], 1) << i;
    EXPECT_EQ(codes[i], ErrorCode::closed) << i;
  }
  broker.resume();
  loop_.run_until([] { return false; }, 200);
  EXPECT_EQ(r->count("close"), 1);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(successes[i] + fails[i], 1) << i;
}

// Dropping the last handle with QoS 1/2 work in flight: nothing is called after (the documented
// rule), the connection goes, and AddressSanitizer finds nothing left or touched.
TEST_F(Contract, DroppedClientWithWorkInFlightCallsNothingMore) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  auto r = make_client(base_options(loop_, broker.port()));
  ASSERT_TRUE(loop_.run_until([&] { return r->connected; }, 5000));
  broker.pause();
  int calls = 0;
  for (int qos : {1, 2})
    ASSERT_EQ(r->client->publish({"contract/dropped", "x", qos, [&] { ++calls; },
                                  [&](const ErrorInfo&) { ++calls; }}),
              0);
  r->client->on("close", [&] { ++calls; });
  r->client.reset();
  EXPECT_TRUE(loop_.run_until([&] { return loop_.sources() == 0; }, 5000));
  broker.resume();
  loop_.run_until([] { return false; }, 200);
  EXPECT_EQ(calls, 0);
}

// The C API: unsubscribe stops delivery; mqtt_destroy inside the message listener, with a QoS 1
// publish in flight, ends the delivery (no other listener, no callback after).
struct CState {
  mqtt_loop_t* loop = nullptr;
  mqtt_client_t* client = nullptr;
  int connected = 0, subscribed = 0, unsubscribed = 0, published = 0, late_calls = 0;
  std::vector<std::string> payloads;
};

TEST_F(Contract, CUnsubscribeStopsDeliveryAndDestroyInsideMessage) {
  const std::string t = topic("c"), marker = topic("c-marker");
  CState s;
  s.loop = mqtt_loop_create();
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker_->port();
  options.loop = s.loop;
  options.user = &s;
  options.success = [](mqtt_client_t*, void* user) { ++static_cast<CState*>(user)->connected; };
  s.client = mqtt_create_client(&options);
  ASSERT_NE(s.client, nullptr);
  auto run_until = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) mqtt_loop_run_once(s.loop, 10);
    return done();
  };
  auto on_message = [](mqtt_client_t*, const mqtt_event_t* e, void* user) {
    static_cast<CState*>(user)->payloads.emplace_back(reinterpret_cast<const char*>(e->message),
                                                      e->message_len);
  };
  ASSERT_EQ(mqtt_on(s.client, MQTT_EVENT_MESSAGE, on_message, &s), 0);
  ASSERT_TRUE(run_until([&] { return s.connected == 1; }));
  for (const std::string* filter : {&t, &marker}) {
    mqtt_subscribe_options_t sub{};
    sub.topic = filter->c_str();
    sub.qos = 1;
    sub.user = &s;
    sub.success = [](mqtt_client_t*, void* user) { ++static_cast<CState*>(user)->subscribed; };
    ASSERT_EQ(mqtt_subscribe(s.client, &sub), 0);
  }
  ASSERT_TRUE(run_until([&] { return s.subscribed == 2; }));
  auto publish = [&](const std::string& to, const char* text) {
    mqtt_publish_options_t pub{};
    pub.topic = to.c_str();
    pub.message = text;
    pub.message_len = strlen(text);
    pub.qos = 1;
    pub.user = &s;
    pub.success = [](mqtt_client_t*, void* user) { ++static_cast<CState*>(user)->published; };
    pub.fail = [](mqtt_client_t*, const mqtt_error_t*, void* user) {
      ++static_cast<CState*>(user)->late_calls;
    };
    return mqtt_publish(s.client, &pub);
  };
  ASSERT_EQ(publish(t, "before"), 0);
  ASSERT_TRUE(run_until([&] { return s.payloads.size() == 1; }));

  mqtt_unsubscribe_options_t unsub{};
  unsub.topic = t.c_str();
  unsub.user = &s;
  unsub.success = [](mqtt_client_t*, void* user) { ++static_cast<CState*>(user)->unsubscribed; };
  ASSERT_EQ(mqtt_unsubscribe(s.client, &unsub), 0);
  ASSERT_TRUE(run_until([&] { return s.unsubscribed == 1; }));
  ASSERT_EQ(publish(t, "after"), 0);
  ASSERT_EQ(publish(marker, "marker"), 0);
  ASSERT_TRUE(run_until([&] { return s.payloads.size() == 2; }));
  EXPECT_EQ(s.payloads, (std::vector<std::string>{"before", "marker"}));

  // The first listener destroys the client with a publish in flight; the second is not called.
  auto destroyer = [](mqtt_client_t* c, const mqtt_event_t*, void* user) {
    auto* state = static_cast<CState*>(user);
    ASSERT_EQ(c, state->client);
    mqtt_publish_options_t pub{};
    pub.topic = "contract/in-flight";
    pub.message = "x";
    pub.message_len = 1;
    pub.qos = 1;
    pub.user = user;
    pub.success = [](mqtt_client_t*, void* u) { ++static_cast<CState*>(u)->late_calls; };
    pub.fail = [](mqtt_client_t*, const mqtt_error_t*, void* u) {
      ++static_cast<CState*>(u)->late_calls;
    };
    EXPECT_EQ(mqtt_publish(c, &pub), 0);
    mqtt_destroy(c);
    state->client = nullptr;
  };
  ASSERT_EQ(mqtt_off(s.client, MQTT_EVENT_MESSAGE, on_message, &s), 0);
  ASSERT_EQ(mqtt_on(s.client, MQTT_EVENT_MESSAGE, destroyer, &s), 0);
  ASSERT_EQ(mqtt_on(s.client, MQTT_EVENT_MESSAGE, on_message, &s), 0);
  ASSERT_EQ(publish(marker, "last"), 0);
  ASSERT_TRUE(run_until([&] { return s.client == nullptr; }));
  for (int i = 0; i < 20; ++i) mqtt_loop_run_once(s.loop, 10);
  EXPECT_EQ(s.payloads.size(), 2u);  // `on_message` was not called for "last"
  EXPECT_EQ(s.late_calls, 0);
  mqtt_loop_destroy(s.loop);
}

// Every event from C, with what it carries: connect, disconnect (the reason), reconnect after a
// broker restart, error (a refused request), message (qos, retain), close; mqtt_once fires once.
struct CEvents {
  std::vector<int> types;
  int disconnect_code = 0, error_code = 0, once_calls = 0;
  std::string disconnect_message;
  int message_qos = -1, message_retain = -1;
};

TEST_F(Contract, CEventsCarryTheirArguments) {
  Broker broker;
  ASSERT_TRUE(broker.running());
  mqtt_loop_t* loop = mqtt_loop_create();
  CEvents ev;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker.port();
  options.loop = loop;
  options.reconnect_min_ms = 100;  // the C option: reconnect soon after the restart
  options.reconnect_max_ms = 200;
  mqtt_client_t* c = mqtt_create_client(&options);
  ASSERT_NE(c, nullptr);
  auto record = [](mqtt_client_t*, const mqtt_event_t* e, void* user) {
    auto* r = static_cast<CEvents*>(user);
    r->types.push_back(e->type);
    if (e->type == MQTT_EVENT_DISCONNECT) {
      r->disconnect_code = e->error->code;
      r->disconnect_message = e->error->message;
    } else if (e->type == MQTT_EVENT_ERROR) {
      r->error_code = e->error->code;
    } else if (e->type == MQTT_EVENT_MESSAGE) {
      r->message_qos = e->qos;
      r->message_retain = e->retain;
    }
  };
  for (int type = MQTT_EVENT_CONNECT; type <= MQTT_EVENT_CLOSE; ++type)
    ASSERT_EQ(mqtt_on(c, static_cast<mqtt_event_type_t>(type), record, &ev), 0);
  ASSERT_EQ(mqtt_once(c, MQTT_EVENT_ERROR,
                      [](mqtt_client_t*, const mqtt_event_t*, void* user) {
                        ++static_cast<CEvents*>(user)->once_calls;
                      },
                      &ev),
            0);
  auto run_until = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) mqtt_loop_run_once(loop, 10);
    return done();
  };
  auto count = [&](int type) { return std::count(ev.types.begin(), ev.types.end(), type); };
  ASSERT_TRUE(run_until([&] { return count(MQTT_EVENT_CONNECT) == 1; }));

  broker.kill9();
  ASSERT_TRUE(run_until([&] { return count(MQTT_EVENT_DISCONNECT) == 1; }));
  EXPECT_EQ(ev.disconnect_code, MQTT_ERR_CONNECTION_LOST) << ev.disconnect_message;
  EXPECT_FALSE(ev.disconnect_message.empty());
  ASSERT_TRUE(broker.restart());
  ASSERT_TRUE(run_until([&] { return count(MQTT_EVENT_RECONNECT) == 1; }));

  mqtt_publish_options_t bad{};
  bad.topic = "a/#";
  bad.message = "";
  for (int i = 0; i < 2; ++i) EXPECT_EQ(mqtt_publish(c, &bad), MQTT_ERR_INVALID_TOPIC);
  EXPECT_EQ(ev.error_code, MQTT_ERR_INVALID_TOPIC);
  EXPECT_EQ(count(MQTT_EVENT_ERROR), 2);
  EXPECT_EQ(ev.once_calls, 1);

  mqtt_subscribe_options_t sub{};
  sub.topic = "contract/c-events";
  sub.qos = 2;
  ASSERT_EQ(mqtt_subscribe(c, &sub), 0);
  mqtt_publish_options_t pub{};
  pub.topic = "contract/c-events";
  pub.message = "m";
  pub.message_len = 1;
  pub.qos = 2;
  ASSERT_EQ(mqtt_publish(c, &pub), 0);  // sent after the SUBSCRIBE, handled after it
  ASSERT_TRUE(run_until([&] { return count(MQTT_EVENT_MESSAGE) == 1; }));
  EXPECT_EQ(ev.message_qos, 2);
  EXPECT_EQ(ev.message_retain, 0);

  EXPECT_EQ(mqtt_close(c), 0);
  EXPECT_EQ(count(MQTT_EVENT_CLOSE), 1);
  EXPECT_EQ(ev.types.front(), MQTT_EVENT_CONNECT);
  EXPECT_EQ(ev.types.back(), MQTT_EVENT_CLOSE);
  mqtt_destroy(c);
  mqtt_loop_destroy(loop);
}

// A failed publish (the broker refuses it: MQTT 5 PUBACK 0x87 from an ACL): fail once with
// publish_refused and the broker's reason code, one `error` event; the client stays connected.
TEST_F(Contract, RefusedPublishFailsOnceWithTheBrokersReason) {
  BrokerConfig config;
  config.acl = "topic readwrite open/#\n";
  Broker acl(config);
  ASSERT_TRUE(acl.running());
  Options o = base_options(loop_, acl.port());
  o.protocol_version = 5;
  auto r = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return r->connected; }, 5000));
  int successes = 0, fails = 0;
  ErrorInfo failure;
  PublishOptions p("closed/x", "y", 1, [&] { ++successes; }, [&](const ErrorInfo& e) {
    ++fails;
    failure = e;
  });
  ASSERT_EQ(r->client->publish(p), 0);
  ASSERT_TRUE(loop_.run_until([&] { return successes + fails > 0; }, 5000));
  loop_.run_until([] { return false; }, 100);
  EXPECT_EQ(successes, 0);
  EXPECT_EQ(fails, 1);
  EXPECT_EQ(failure.code, ErrorCode::publish_refused);
  EXPECT_EQ(failure.reason_code, 0x87);
  EXPECT_NE(failure.message.find("0x87"), std::string::npos) << failure.message;
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].code, ErrorCode::publish_refused);
  EXPECT_EQ(r->client->state(), State::connected);
  EXPECT_TRUE(publish_and_wait(loop_, *r, {"open/x", "y", 1}));
}

// Messages that arrive together (one read) while the application drops the client inside the
// first one's listener: no listener runs for the others ("no callback runs after a client is
// dropped"), in C++ and in C.
struct Batch {
  Loop sub_loop, pub_loop;
  std::unique_ptr<Recorder> publisher;
  void send_three(const std::string& t) {
    int acked = 0;
    for (int i = 0; i < 3; ++i)
      ASSERT_EQ(publisher->client->publish({t, std::to_string(i), 1, [&] { ++acked; }}), 0);
    ASSERT_TRUE(pub_loop.run_until([&] { return acked == 3; }, 5000));
    pub_loop.run_until([] { return false; }, 100);  // the broker forwards them meanwhile
  }
};

TEST_F(Contract, DroppedInsideAListenerHearsNoMoreOfTheSameRead) {
  const std::string t = topic("batch");
  Batch b;
  b.publisher = make_client(base_options(b.pub_loop, broker_->port()));
  auto sub = make_client(base_options(b.sub_loop, broker_->port()));
  ASSERT_TRUE(b.pub_loop.run_until([&] { return b.publisher->connected; }, 5000));
  ASSERT_TRUE(b.sub_loop.run_until([&] { return sub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(b.sub_loop, *sub, t, 1));

  int calls = 0;
  std::shared_ptr<Client> held = sub->client;
  sub->client.reset();
  held->on("message", [&](const std::string&, const std::vector<uint8_t>&) {
    ++calls;
    held.reset();  // the last handle, inside the listener
  });
  held->on("close", [&] { ++calls; });
  b.send_three(t);
  ASSERT_TRUE(b.sub_loop.run_until([&] { return held == nullptr; }, 5000));
  b.sub_loop.run_until([] { return false; }, 100);
  EXPECT_EQ(calls, 1);
}

TEST_F(Contract, CDestroyedInsideAListenerHearsNoMoreOfTheSameRead) {
  const std::string t = topic("c-batch");
  Batch b;
  b.publisher = make_client(base_options(b.pub_loop, broker_->port()));
  ASSERT_TRUE(b.pub_loop.run_until([&] { return b.publisher->connected; }, 5000));
  mqtt_loop_t* loop = mqtt_loop_create();
  struct State {
    mqtt_client_t* client = nullptr;
    int connected = 0, subscribed = 0, calls = 0;
  } s;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker_->port();
  options.loop = loop;
  options.user = &s;
  options.success = [](mqtt_client_t*, void* user) { ++static_cast<State*>(user)->connected; };
  s.client = mqtt_create_client(&options);
  ASSERT_NE(s.client, nullptr);
  auto run_until = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) mqtt_loop_run_once(loop, 10);
    return done();
  };
  ASSERT_TRUE(run_until([&] { return s.connected == 1; }));
  mqtt_subscribe_options_t sub{};
  sub.topic = t.c_str();
  sub.qos = 1;
  sub.user = &s;
  sub.success = [](mqtt_client_t*, void* user) { ++static_cast<State*>(user)->subscribed; };
  ASSERT_EQ(mqtt_subscribe(s.client, &sub), 0);
  ASSERT_TRUE(run_until([&] { return s.subscribed == 1; }));
  ASSERT_EQ(mqtt_on(s.client, MQTT_EVENT_MESSAGE,
                    [](mqtt_client_t* c, const mqtt_event_t*, void* user) {
                      auto* state = static_cast<State*>(user);
                      ++state->calls;
                      mqtt_destroy(c);
                      state->client = nullptr;
                    },
                    &s),
            0);
  b.send_three(t);
  ASSERT_TRUE(run_until([&] { return s.client == nullptr; }));
  for (int i = 0; i < 10; ++i) mqtt_loop_run_once(loop, 10);
  EXPECT_EQ(s.calls, 1);
  mqtt_loop_destroy(loop);
}

// A listener that closes the client ends the event being delivered: `close` stays the last
// event, no later listener of the same message runs after it (C++ and C).
TEST_F(Contract, CloseInsideAListenerEndsThatDelivery) {
  const std::string t = topic("close-ends");
  auto r = make_client(base_options(loop_, broker_->port()));
  ASSERT_TRUE(loop_.run_until([&] { return r->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop_, *r, t, 0));
  std::vector<std::string> order;
  r->client->on("message", [&](const std::string&, const std::vector<uint8_t>&) {
    order.push_back("first");
    r->client->close();
  });
  r->client->on("message", [&](const std::string&, const std::vector<uint8_t>&) {
    order.push_back("second");
  });
  r->client->on("close", [&] { order.push_back("close"); });
  ASSERT_EQ(r->client->publish({t, "x", 0}), 0);
  ASSERT_TRUE(loop_.run_until([&] { return !order.empty(); }, 5000));
  EXPECT_EQ(order, (std::vector<std::string>{"first", "close"}));

  mqtt_loop_t* loop = mqtt_loop_create();
  struct State {
    int connected = 0, subscribed = 0;
    std::vector<std::string> order;
  } s;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  options.host = "127.0.0.1";
  options.port = broker_->port();
  options.loop = loop;
  options.user = &s;
  options.success = [](mqtt_client_t*, void* user) { ++static_cast<State*>(user)->connected; };
  mqtt_client_t* c = mqtt_create_client(&options);
  ASSERT_NE(c, nullptr);
  for (int i = 0; i < 500 && !s.connected; ++i) mqtt_loop_run_once(loop, 10);
  mqtt_subscribe_options_t sub{};
  sub.topic = t.c_str();
  sub.user = &s;
  sub.success = [](mqtt_client_t*, void* user) { ++static_cast<State*>(user)->subscribed; };
  ASSERT_EQ(mqtt_subscribe(c, &sub), 0);
  for (int i = 0; i < 500 && !s.subscribed; ++i) mqtt_loop_run_once(loop, 10);
  mqtt_on(c, MQTT_EVENT_MESSAGE,
          [](mqtt_client_t* client, const mqtt_event_t*, void* user) {
            static_cast<State*>(user)->order.push_back("first");
            mqtt_close(client);
          },
          &s);
  mqtt_on(c, MQTT_EVENT_MESSAGE,
          [](mqtt_client_t*, const mqtt_event_t*, void* user) {
            static_cast<State*>(user)->order.push_back("second");
          },
          &s);
  mqtt_on(c, MQTT_EVENT_CLOSE,
          [](mqtt_client_t*, const mqtt_event_t*, void* user) {
            static_cast<State*>(user)->order.push_back("close");
          },
          &s);
  mqtt_publish_options_t pub{};
  pub.topic = t.c_str();
  pub.message = "x";
  pub.message_len = 1;
  ASSERT_EQ(mqtt_publish(c, &pub), 0);
  for (int i = 0; i < 500 && s.order.empty(); ++i) mqtt_loop_run_once(loop, 10);
  EXPECT_EQ(s.order, (std::vector<std::string>{"first", "close"}));
  mqtt_destroy(c);
  mqtt_loop_destroy(loop);
}

}  // namespace
}  // namespace mqtt::test
