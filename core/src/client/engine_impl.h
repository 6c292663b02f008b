// The Engine's state: one connection attempt or connection at a time, the session that outlives
// connections, and the timers. Split over connection.cpp (connect(), attempts, CONNECT/CONNACK,
// bytes in and out), reconnection.cpp (loss, failover, back-off, violations, close), timers.cpp
// (connect timeout, keep-alive, reconnect delay), requests.cpp (publish/subscribe/unsubscribe,
// queue and window) and receive.cpp (what the broker sends).
//
// Reentrancy: every application callback may call back into the engine (publish, close …).
// `link_` counts connections: code that calls out and then goes on compares it with the value it
// saw before, and stops if the connection ended (or the engine closed) in the meantime. Requests
// are moved out of the tables before they are completed, so callbacks never see a half-changed
// table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqtt/codec.h"
#include "client/stored_options.h"
#include "codec/units.h"
#include "mqtt/engine.h"
#include "session/backoff.h"
#include "session/incoming_qos2.h"
#include "session/inflight.h"
#include "session/offline_queue.h"
#include "session/packet_id_pool.h"
#include "session/subscriptions.h"
#include "session/topic_alias.h"

namespace mqtt {

inline Error err(ErrorCode code) {
  Error e;
  e.code = code;
  return e;
}

class Engine::Impl final : public FrameSink {
 public:
  Impl(Host& host, Events& events, const ClientOptions& options);

  // Application side.
  ErrorCode connect(Token token);
  ErrorCode subscribe(const SubscribeRequest& request, Token token);
  ErrorCode unsubscribe(const UnsubscribeRequest& request, Token token);
  ErrorCode publish(const PublishRequest& request, Token token);
  ErrorCode close();
  ErrorCode auth(uint8_t reason_code, Bytes data);

  // Host side.
  void on_open();
  void on_bytes(const uint8_t* data, size_t size);
  void on_closed(ErrorCode reason);
  void on_wake();

  // The decoder's packets, decoded straight into the receive() of their type (receive.cpp).
  bool on_frame(uint8_t header, Bytes body, ErrorCode& err) override;
  void receive(const Connack& connack) { handle_connack(connack); }
  void receive(const Disconnect& disconnect) { handle_disconnect(disconnect); }
  void receive(const Auth& auth) { handle_auth(auth); }
  void receive(const Publish& publish) {
    if (after_connack()) handle_publish(publish);
  }
  void receive(const Ack& ack) {
    if (after_connack()) handle_ack(ack);
  }
  void receive(const Suback& suback) {
    if (after_connack()) handle_suback(suback);
  }
  void receive(const Ping&) { after_connack(); }  // PINGRESP: on_frame() noted the broker alive

  State state() const { return state_; }
  std::string_view client_id() const { return client_id_; }
  const ClientOptions& options() const;
  const TlsOptions& tls() const;
  size_t queued() const { return queue_.size(); }
  size_t inflight() const { return inflight_.publishes(); }

 private:
  // connection.cpp
  void start_attempt();
  void send_connect();
  void handle_connack(const Connack& connack);
  void refuse(const Connack& connack);
  void resume_session(bool session_present);
  void lose_connection(const Error& reason, bool we_close);
  void attempt_failed(const Error& reason);
  void schedule_reconnect(uint32_t delay_ms);
  void give_up();
  void violation(ErrorCode code);
  void run_timers(uint64_t now);
  void arm_timer();
  void note_sent();
  void send_bytes(const uint8_t* data, size_t size);
  // Encodes and sends; false if the packet cannot be encoded. A template so each packet type goes
  // to its own unit without being copied into a Packet.
  template <class P>
  bool send_packet(const P& packet) {
    return send_encoded(codec::body_of<P>, &packet);
  }
  bool send_encoded(codec::BodyFn body, const void* packet);
  void fail_all_pending(ErrorCode code);

  // requests.cpp
  ErrorCode fail_request(ErrorCode code, Token token);
  ErrorCode enqueue(session::Request&& request);
  ErrorCode publish_now(const Publish& packet, const PacketProperties& props, Token token);
  ErrorCode check_filter(std::string_view filter) const;
  ErrorCode filter_request(session::RequestKind kind, uint8_t qos, std::string_view filter, Token token,
                           codec::BodyFn body, const void* parts);
  bool can_send_now(const session::Request& request) const;
  bool fits_window(const session::Request& request) const;
  void pump();
  void transmit(session::Request&& request);
  void send_publish_bytes(session::Request& request);
  void retransmit(session::Request& request, bool dup);
  void resend_deferred();
  void restore_subscriptions();
  void complete(const session::Request& request, const Error& result);
  ErrorCode check_broker_limits(const session::Request& request) const;

  // receive.cpp
  // Whether CONNACK came; a violation if not: nothing else may come before it [MQTT-3.2.0-1].
  bool after_connack();
  void handle_publish(const Publish& publish);
  void handle_ack(const Ack& ack);
  void handle_suback(const Suback& suback);
  void handle_disconnect(const Disconnect& disconnect);
  void handle_auth(const Auth& auth);
  void send_ack(PacketType type, uint16_t packet_id, uint8_t reason_code);
  void request_done(const Error& result, session::Request&& request);

  bool alive(uint32_t link) const { return link == link_ && state_ != State::closed; }
  bool v5() const { return MQTT_CONFIG_V5 && version_ == Version::v5; }
  // Whether a PUBLISH may go out with a topic alias on this connection.
  bool outgoing_aliases() const {
#if MQTT_CONFIG_V5
    return v5() && aliases_ && aliases_->out.enabled();
#else
    return false;
#endif
  }

  Host& host_;
  Events& events_;
  StoredOptions options_;
  // Built on demand for options() and tls() (most hosts never ask, or only for TLS).
  mutable std::unique_ptr<ClientOptions> unpacked_;
  mutable std::unique_ptr<TlsOptions> tls_;
  std::string client_id_;
  Decoder decoder_;
  // Encode buffer of QoS 0 and aliased PUBLISH and of CONNECT; released when sent (CONNECT) or
  // after a keep-alive of silence (timers.cpp), so an idle client holds none.
  std::vector<uint8_t> scratch_;

  // Timers (kNever when not running) and the wake-up the host holds.
  uint64_t connect_deadline_ = kNever;
  uint64_t pingresp_deadline_ = kNever;
  uint64_t reconnect_at_ = kNever;
  uint64_t last_sent_ = 0;
  uint64_t last_received_ = 0;
  uint64_t armed_ = kNever;

  // The scalars below are grouped by size so that an idle client carries no padding (10,000
  // idle clients are 10,000 of these).
  uint32_t endpoint_ = 0;     // index of the one being tried / used (StoredOptions::endpoint)
  uint32_t round_start_ = 0;  // first endpoint of the current round of attempts
  // The current connection.
  uint32_t link_ = 0;
  uint32_t decoder_link_ = 0;  // the connection whose bytes the decoder holds
  Token connect_token_ = 0;
  uint32_t keepalive_ms_ = 0;
  // What the broker allows (CONNACK; 3.1.1 defaults otherwise).
  uint32_t window_ = 0;             // min(max_inflight, broker Receive Maximum)
  uint32_t broker_max_packet_ = 0;  // 0: no limit
  ErrorCode invalid_;  // validate_options() of the options, done once
  Version version_ = Version::v311;
  State state_ = State::idle;
  uint8_t broker_max_qos_ = 2;
  bool broker_retain_ = true;
  bool round_refused_ = false;  // credentials were refused in this round: retry slowly
  bool transport_open_ = false;  // open() called, neither side has closed it since
  bool connect_sent_ = false;
  bool connack_ = false;
  bool ever_connected_ = false;
  bool finished_ = false;  // on_close was emitted: no callback may follow, calls just return `closed`
  bool connect_pending_ = false;  // connect token not completed yet

  session::PacketIdPool ids_;
  session::OfflineQueue queue_;
  session::InflightTable inflight_;
  session::SubscriptionRegistry subscriptions_;
  session::IncomingQos2 incoming_qos2_;
#if MQTT_CONFIG_V5  // topic aliases are 5.0 only
  // Allocated by a CONNACK that allows some either way: most connections use none.
  struct TopicAliases {
    session::OutgoingTopicAliases out;
    session::IncomingTopicAliases in;
  };
  std::unique_ptr<TopicAliases> aliases_;
#endif
  session::Backoff backoff_;
};

}  // namespace mqtt
