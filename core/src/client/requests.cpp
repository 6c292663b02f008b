// Application requests: validation, encoding into the session's own buffer, the offline queue,
// the in-flight window, sending and retransmission.
#include <utility>

#include "client/engine_impl.h"
#include "codec/server_packets.h"

namespace mqtt {

using session::Request;
using session::RequestKind;
using session::Stage;

ErrorCode Engine::Impl::fail_request(ErrorCode code, Token token) {
  // The request's own `fail` answers the call even after `close` (it is not an event);
  // a refused request is also an `error` event (API: "a bad argument"), but no event follows
  // `close`.
  events_.on_complete(token, err(code));
  if (code != ErrorCode::closed && state_ != State::closed && !finished_) events_.on_error(err(code));
  return code;
}

ErrorCode Engine::Impl::publish(const PublishRequest& req, Token token) {
  if (state_ == State::closed) return fail_request(ErrorCode::closed, token);
  if (req.topic.empty()) return fail_request(ErrorCode::missing_topic, token);
  ErrorCode rc = validate_topic_name(req.topic);
  if (rc != ErrorCode::ok) return fail_request(rc, token);
  if (req.qos < 0 || req.qos > 2) return fail_request(ErrorCode::invalid_qos, token);
  if (req.payload.size != 0 && req.payload.data == nullptr) return fail_request(ErrorCode::missing_message, token);

  Publish p;
  p.qos = static_cast<uint8_t>(req.qos);
  p.retain = req.retain;
  p.topic = req.topic;
  p.payload = req.payload;
  p.packet_id = req.qos > 0 ? 1 : 0;  // placeholder, the real one is patched in when sent
  // The request's properties are encoded where they are (a 3.1.1 connection leaves them out).
#if MQTT_CONFIG_V5
  const PacketProperties& props = req.properties;
  // Topic aliases and subscription identifiers belong to the client and the broker.
  if (v5() && (props.topic_alias || !props.subscription_identifiers.empty()))
    return fail_request(ErrorCode::invalid_property, token);
#else
  const PacketProperties props{};
#endif
  // QoS 0 while connected with nothing queued before it, and no topic alias to choose: it goes
  // out at once and completes, so nothing needs keeping (no Request, no heap allocation).
  if (p.qos == 0 && state_ == State::connected && queue_.empty() && !outgoing_aliases())
    return publish_now(p, props, token);
  Request r;
  r.kind = RequestKind::publish;
  r.qos = p.qos;
  r.has_token = true;
  r.token = token;
  rc = codec::encode(p, props, version_, r.packet);
  if (rc != ErrorCode::ok) return fail_request(rc, token);
  if (p.qos > 0) r.id_offset = session::fixed_header_size(r.packet) + 2 + static_cast<uint32_t>(req.topic.size());
  return enqueue(std::move(r));
}

ErrorCode Engine::Impl::subscribe(const SubscribeRequest& req, Token token) {
  ErrorCode rc = check_filter(req.topic);
  if (rc == ErrorCode::ok && (req.qos < 0 || req.qos > 2)) rc = ErrorCode::invalid_qos;
  if (rc == ErrorCode::ok && (req.retain_handling < 0 || req.retain_handling > 2)) rc = ErrorCode::invalid_argument;
  if (rc == ErrorCode::ok && req.subscription_identifier > 268435455u) rc = ErrorCode::invalid_property;
  if (rc != ErrorCode::ok) return fail_request(rc, token);

  SubscribeTopic t;
  t.filter = req.topic;
  t.qos = static_cast<uint8_t>(req.qos);
  PacketProperties props;
#if MQTT_CONFIG_V5
  if (v5()) {
    t.no_local = req.no_local;
    t.retain_as_published = req.retain_as_published;
    t.retain_handling = static_cast<uint8_t>(req.retain_handling);
    if (req.subscription_identifier) props.subscription_identifiers.push_back(req.subscription_identifier);
    props.user_properties = req.user_properties;
  }
#endif
  auto write = [&](Version v, codec::Writer& w) { return codec::encode_subscribe(1, &t, 1, props, v, w); };
  return filter_request(RequestKind::subscribe, t.qos, req.topic, token, codec::body_for(write), &write);
}

ErrorCode Engine::Impl::unsubscribe(const UnsubscribeRequest& req, Token token) {
  ErrorCode rc = check_filter(req.topic);
  if (rc != ErrorCode::ok) return fail_request(rc, token);
  PacketProperties props;
#if MQTT_CONFIG_V5
  if (v5()) props.user_properties = req.user_properties;
#endif
  auto write = [&](Version v, codec::Writer& w) { return codec::encode_unsubscribe(1, &req.topic, 1, props, v, w); };
  return filter_request(RequestKind::unsubscribe, 0, req.topic, token, codec::body_for(write), &write);
}

// The checks subscribe() and unsubscribe() share.
ErrorCode Engine::Impl::check_filter(std::string_view filter) const {
  if (state_ == State::closed) return ErrorCode::closed;
  if (filter.empty()) return ErrorCode::missing_topic;
  return validate_topic_filter(filter);
}

// A SUBSCRIBE or UNSUBSCRIBE of one filter, encoded by `body` with packet identifier 1 (a
// placeholder patched in when sent), then queued or sent.
ErrorCode Engine::Impl::filter_request(RequestKind kind, uint8_t qos, std::string_view filter, Token token,
                                       codec::BodyFn body, const void* parts) {
  Request r;
  r.kind = kind;
  r.qos = qos;
  r.has_token = true;
  r.token = token;
  r.filter_size = static_cast<uint16_t>(filter.size());
  ErrorCode rc = codec::encode_packet(body, parts, version_, r.packet);
  if (rc != ErrorCode::ok) return fail_request(rc, token);
  r.id_offset = session::fixed_header_size(r.packet);
  return enqueue(std::move(r));
}

// The fast path of publish(): the same checks as enqueue() and transmit() for a QoS 0 message,
// with the packet encoded into the engine's scratch buffer instead of a Request.
ErrorCode Engine::Impl::publish_now(const Publish& p, const PacketProperties& props, Token token) {
  scratch_.clear();
  ErrorCode rc = codec::encode(p, props, version_, scratch_);
  if (rc == ErrorCode::ok && broker_max_packet_ != 0 && scratch_.size() > broker_max_packet_)
    rc = ErrorCode::payload_too_large;
  if (rc == ErrorCode::ok && p.retain && !broker_retain_) rc = ErrorCode::not_supported;  // [MQTT-3.3.1-14]
  if (rc != ErrorCode::ok) return fail_request(rc, token);
  send_bytes(scratch_.data(), scratch_.size());
  events_.on_complete(token, Error{});  // QoS 0 succeeds once written
  return ErrorCode::ok;
}

ErrorCode Engine::Impl::check_broker_limits(const Request& r) const {
  if (state_ != State::connected) return ErrorCode::ok;  // limits are known only once connected
  if (broker_max_packet_ != 0 && r.packet.size() > broker_max_packet_) return ErrorCode::payload_too_large;
  if (r.kind == RequestKind::publish) {
    if (r.qos > broker_max_qos_) return ErrorCode::not_supported;                  // [MQTT-3.3.2-11]
    if ((r.packet[0] & 0x01) && !broker_retain_) return ErrorCode::not_supported;  // [MQTT-3.3.1-14]
  }
  return ErrorCode::ok;
}

ErrorCode Engine::Impl::enqueue(Request&& r) {
  ErrorCode rc = check_broker_limits(r);
  if (rc != ErrorCode::ok) return fail_request(rc, r.token);
  if (can_send_now(r)) {
    transmit(std::move(r));
    return ErrorCode::ok;
  }
  Token token = r.token;
  if (!queue_.push(r)) return fail_request(ErrorCode::queue_full, token);
  return ErrorCode::ok;
}

bool Engine::Impl::can_send_now(const Request& r) const {
  if (state_ != State::connected || !queue_.empty()) return false;  // keep the order of requests
  return fits_window(r);
}

// QoS 1/2 publishes are limited by the window (the broker's Receive Maximum included); every
// request awaiting an acknowledgement, SUBSCRIBE and UNSUBSCRIBE too, by max_inflight, so the
// in-flight table stays bounded by the options.
bool Engine::Impl::fits_window(const Request& r) const {
  if (!r.needs_packet_id()) return true;
  if (r.is_windowed() && inflight_.publishes() >= window_) return false;
  return inflight_.size() < options_.max_inflight && ids_.used() < 65535;
}

void Engine::Impl::pump() {
  uint32_t link = link_;
  while (alive(link) && state_ == State::connected && !queue_.empty()) {
    if (!fits_window(queue_.front())) break;
    transmit(queue_.pop());
  }
}

void Engine::Impl::transmit(Request&& r) {
  ErrorCode rc = check_broker_limits(r);
  if (rc != ErrorCode::ok) {
    uint32_t link = link_;
    complete(r, err(rc));
    if (alive(link)) events_.on_error(err(rc));
    return;
  }
  if (r.needs_packet_id()) r.set_packet_id(ids_.acquire());
  r.stage = Stage::sent;
  if (r.kind == RequestKind::publish) send_publish_bytes(r);
  else send_bytes(r.packet.data(), r.packet.size());
  if (r.kind == RequestKind::publish && r.qos == 0) {
    complete(r, Error{});  // QoS 0 succeeds once written
    return;
  }
  inflight_.add(std::move(r));
}

// The stored packet always carries the full topic; on its first transmission over a 5.0
// connection it may go out with a topic alias instead.
void Engine::Impl::send_publish_bytes(Request& r) {
#if MQTT_CONFIG_V5
  if (outgoing_aliases()) {
    uint32_t header = session::fixed_header_size(r.packet);
    // Our own PUBLISH, read back straight into a Publish (no Packet is built).
    codec::Reader body(Bytes(r.packet.data() + header, r.packet.size() - header));
    Publish p;
    codec::decode_publish(r.packet[0] & 0x0F, body, version_, p);
    if (codec::finish(body) == ErrorCode::ok) {
      uint16_t alias = aliases_->out.lookup(p.topic);
      bool known = alias != 0;
      if (!known) alias = aliases_->out.next();
      if (alias != 0) {
        std::string_view topic = p.topic;
        p.properties.topic_alias = alias;
        if (known) p.topic = std::string_view();
        scratch_.clear();
        if (encode(p, version_, scratch_) == ErrorCode::ok &&
            (broker_max_packet_ == 0 || scratch_.size() <= broker_max_packet_)) {
          if (!known) aliases_->out.assign(topic);
          send_bytes(scratch_.data(), scratch_.size());
          return;
        }
      }
    }
  }
#endif
  send_bytes(r.packet.data(), r.packet.size());
}

void Engine::Impl::retransmit(Request& r, bool dup) {
  if (r.kind == RequestKind::publish) {
    if (r.stage == Stage::released) {
      send_ack(PacketType::pubrel, r.packet_id, 0);
      return;
    }
    r.set_dup(dup);  // [MQTT-3.3.1-1]; a message resent into a new session is a new message
  }
  send_bytes(r.packet.data(), r.packet.size());
}

// After CONNACK: the in-flight requests go out again, in their original order.
// Session present: publishes with DUP, PUBREL for those past PUBREC [MQTT-4.4.0-1].
// No session: the broker forgot everything. Publishes past PUBREC were accepted by it, so they
// succeed; the others are sent again as new messages; the subscriptions are made again first.
// Whatever the broker's limits (maybe smaller than on the last connection) no longer allow fails:
// sending it would get the connection closed on every reconnection.
void Engine::Impl::resume_session(bool session_present) {
  std::vector<Request> ended;  // accepted (past PUBREC, no session) or over the limits
  if (!session_present) incoming_qos2_.clear();
  for (size_t i = 0; i < inflight_.size();) {
    Request& r = inflight_.at(i);
    if (r.stage == Stage::released ? !session_present : check_broker_limits(r) != ErrorCode::ok) {
      ids_.release(r.packet_id);
      ended.push_back(inflight_.take(&r));
    } else {
      ++i;
    }
  }
  size_t earlier = inflight_.size();
  if (!session_present) restore_subscriptions();
  // Restored subscriptions went out first, so a message published below cannot miss them.
  // Publishes beyond the broker's (maybe smaller) Receive Maximum wait [MQTT-3.3.4-7]: each
  // acknowledgement sends the next (resend_deferred()).
  uint32_t windowed = 0;
  for (size_t i = 0; i < earlier; ++i) {
    Request& r = inflight_.at(i);
    if (r.is_windowed() && windowed++ >= window_) r.set_dup(session_present);
    else retransmit(r, session_present);
  }
  // Each ends once even if a callback closes the client: then with `closed`, like the rest.
  for (const Request& r : ended) {
    Error result = err(r.stage == Stage::released ? ErrorCode::ok : check_broker_limits(r));
    if (state_ == State::closed) result.code = ErrorCode::closed;
    complete(r, result);
    if (state_ != State::closed && !result.ok()) events_.on_error(result);
  }
}

// The in-flight publishes after the first window_ were not sent again on this connection (see
// resume_session()); after an acknowledgement the first of them is the window_-th.
void Engine::Impl::resend_deferred() {
  uint32_t windowed = 0;
  for (size_t i = 0; i < inflight_.size(); ++i) {
    Request& r = inflight_.at(i);
    if (r.is_windowed() && ++windowed == window_) return retransmit(r, (r.packet[0] & 0x08) != 0);
  }
}

void Engine::Impl::restore_subscriptions() {
  for (const Request& granted : subscriptions_.all()) {
    if (ids_.used() >= 65535) break;
    Request r = granted;  // the registry keeps its own
    r.has_token = false;  // the restore completes no request of the application
    r.stage = Stage::sent;
    r.set_packet_id(ids_.acquire());
    send_bytes(r.packet.data(), r.packet.size());
    inflight_.add(std::move(r));
  }
}

void Engine::Impl::complete(const Request& r, const Error& result) {
  if (r.has_token) events_.on_complete(r.token, result);
}

}  // namespace mqtt
