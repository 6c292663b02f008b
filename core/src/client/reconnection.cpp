// When a connection ends: loss, failed attempts, failover and back-off, protocol violations, and
// the end of the engine itself (close(), or giving up for good).
#include <vector>

#include "client/engine_impl.h"

namespace mqtt {

namespace {

#if MQTT_CONFIG_V5
// The DISCONNECT reason code that tells the broker why we hang up [MQTT-4.13.2]: Malformed Packet
// for what cannot be parsed, ill-formed UTF-8, a property identifier not valid for the packet
// (2.2.2.2) and both QoS bits set [MQTT-3.3.1-4]; Protocol Error for what parses but is not
// allowed (a property repeated or out of its range, an empty topic without alias …).
uint8_t disconnect_reason(ErrorCode code) {
  switch (code) {
    case ErrorCode::malformed_remaining_length:
    case ErrorCode::malformed_packet:
    case ErrorCode::invalid_flags:
    case ErrorCode::malformed_utf8:
    case ErrorCode::property_not_allowed:
    case ErrorCode::invalid_qos_from_server:
      return 0x81;
    case ErrorCode::packet_too_large: return 0x95;
    case ErrorCode::receive_maximum_exceeded: return 0x93;
    case ErrorCode::topic_alias_invalid: return 0x94;
    default: return 0x82;  // protocol error
  }
}
#endif

}  // namespace

void Engine::Impl::lose_connection(const Error& reason, bool we_close) {
  bool was_connected = state_ == State::connected;
  ++link_;
  if (we_close && transport_open_) host_.close();
  transport_open_ = false;
  connect_sent_ = false;
  connack_ = false;
  connect_deadline_ = kNever;
  pingresp_deadline_ = kNever;
  if (!was_connected) {
    attempt_failed(reason);
    return;
  }
  state_ = State::waiting;
  events_.on_disconnect(reason);
  if (state_ == State::closed) return;
  if (!options_.reconnect) {
    give_up();
    return;
  }
  schedule_reconnect(backoff_.next(host_.random()));
}

void Engine::Impl::attempt_failed(const Error& reason) {
  state_ = State::waiting;
  endpoint_ = static_cast<uint32_t>((endpoint_ + 1) % options_.endpoints());
  if (endpoint_ != round_start_) {  // failover: the next broker at once
    start_attempt();
    return;
  }
  bool refused = round_refused_;
  round_refused_ = false;
  if (connect_pending_) {  // every endpoint failed once: the first failure to connect
    connect_pending_ = false;
    events_.on_complete(connect_token_, reason);
    if (state_ == State::closed) return;
  }
  if (!options_.reconnect) {
    give_up();
    return;
  }
  uint32_t delay = backoff_.next(host_.random());
  if (refused && delay < options_.refused_retry_ms) delay = options_.refused_retry_ms;
  schedule_reconnect(delay);
}

void Engine::Impl::schedule_reconnect(uint32_t delay_ms) {
  state_ = State::waiting;
  reconnect_at_ = host_.now_ms() + delay_ms;
  arm_timer();
}

void Engine::Impl::on_closed(ErrorCode reason) {
  if (!transport_open_ || state_ == State::closed) return;  // a connection we already ended
  transport_open_ = false;
  lose_connection(err(reason == ErrorCode::ok ? ErrorCode::connection_lost : reason), false);
}

void Engine::Impl::violation(ErrorCode code) {
  uint32_t link = link_;
  events_.on_error(err(code));
  if (!alive(link)) return;
#if MQTT_CONFIG_V5
  if (v5() && connack_) {
    Disconnect d;
    d.reason_code = disconnect_reason(code);
    send_packet(d);
  }
#endif
  lose_connection(err(code), true);
}

ErrorCode Engine::Impl::close() {
  if (state_ == State::closed) return ErrorCode::closed;
  if (transport_open_ && connack_) send_packet(Disconnect{});
  give_up();
  return ErrorCode::ok;
}

void Engine::Impl::give_up() {
  state_ = State::closed;
  ++link_;
  if (transport_open_) host_.close();
  transport_open_ = false;
  connect_deadline_ = pingresp_deadline_ = reconnect_at_ = kNever;
  if (armed_ != kNever) host_.wake_at(kNever);
  armed_ = kNever;
  fail_all_pending(ErrorCode::closed);
  // A closed engine may be kept until the application lets go of it: it keeps no session.
  decoder_.reset();
  std::vector<uint8_t>().swap(scratch_);
  subscriptions_.clear();
  incoming_qos2_.clear();
#if MQTT_CONFIG_V5
  aliases_.reset();
#endif
  finished_ = true;
  events_.on_close();
}

void Engine::Impl::fail_all_pending(ErrorCode code) {
  if (connect_pending_) {
    connect_pending_ = false;
    // Closed from an event of the CONNACK that accepted us, before its completion: connected.
    events_.on_complete(connect_token_, err(connack_ ? ErrorCode::ok : code));
  }
  std::vector<session::Request> inflight = inflight_.take_all();
  std::vector<session::Request> queued = queue_.take_all();
  ids_.clear();
  for (const session::Request& r : inflight) complete(r, err(code));
  for (const session::Request& r : queued) complete(r, err(code));
}

}  // namespace mqtt
