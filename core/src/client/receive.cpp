// What the broker sends: dispatch, incoming QoS 0/1/2 flows, acknowledgements of our requests,
// DISCONNECT and AUTH. Anything the broker may not send in this state is a protocol violation.
#include <utility>

#include "client/engine_impl.h"
#include "codec/server_packets.h"

namespace mqtt {

using session::Request;
using session::RequestKind;
using session::Stage;

bool Engine::Impl::on_frame(uint8_t header, Bytes body, ErrorCode& err) {
  uint32_t link = link_;
  pingresp_deadline_ = kNever;  // any packet shows the broker is alive
  // Client packets (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ) are refused as unexpected_packet.
  err = codec::decode_from_server_to(header, body, version_, *this);
  return err == ErrorCode::ok && alive(link);
}

bool Engine::Impl::after_connack() {
  if (connack_) return true;
  violation(ErrorCode::unexpected_packet);
  return false;
}

void Engine::Impl::handle_publish(const Publish& p) {
  std::string_view topic = p.topic;
#if MQTT_CONFIG_V5
  if (v5() && p.properties.topic_alias) {
    if (!aliases_ || !aliases_->in.resolve(*p.properties.topic_alias, p.topic, topic))
      return violation(ErrorCode::topic_alias_invalid);
  }
#endif
  if (topic.empty()) return violation(ErrorCode::malformed_topic);
  Message m;
  m.topic = topic;
  m.payload = p.payload;
  m.qos = p.qos;
  m.retain = p.retain;
  m.dup = p.dup;
#if MQTT_CONFIG_V5
  m.properties = v5() ? &p.properties : nullptr;
#endif
  uint32_t link = link_;
  if (p.qos == 2) {
    // Delivered on the first PUBLISH; its identifier is held until PUBREL, so a retransmission
    // is acknowledged but not delivered again [MQTT-4.3.3-9].
    if (incoming_qos2_.contains(p.packet_id)) return send_ack(PacketType::pubrec, p.packet_id, 0);
    // Receive Maximum is a 5.0 promise; a 3.1.1 broker may hold up to every packet identifier
    // (the table is then bounded by the 16-bit identifier space).
    if (v5() && incoming_qos2_.size() >= options_.receive_maximum)
      return violation(ErrorCode::receive_maximum_exceeded);
    incoming_qos2_.add(p.packet_id);
    events_.on_message(m);
    if (alive(link)) send_ack(PacketType::pubrec, p.packet_id, 0);
    return;
  }
  events_.on_message(m);
  if (p.qos == 1 && alive(link)) send_ack(PacketType::puback, p.packet_id, 0);
}

void Engine::Impl::handle_ack(const Ack& ack) {
  if (ack.type == PacketType::pubrel) {
    // Unknown identifier: 5.0 answers "Packet Identifier not found" [MQTT-4.3.3-11]; 3.1.1 has
    // no reason codes and completes the flow the same way. Neither is a violation: the broker
    // may resend PUBREL after we answered it once.
    bool held = incoming_qos2_.release(ack.packet_id);
    return send_ack(PacketType::pubcomp, ack.packet_id, held || !v5() ? 0x00 : 0x92);
  }
  Request* r = inflight_.find(RequestKind::publish, ack.packet_id);
  if (r == nullptr) return violation(ErrorCode::unknown_packet_id);
  Error result{ErrorCode::ok, ack.reason_code, {}};
#if MQTT_CONFIG_V5
  if (ack.properties.reason_string) result.reason_string = *ack.properties.reason_string;
#endif
  switch (ack.type) {
    case PacketType::puback:
      if (r->qos != 1) return violation(ErrorCode::protocol_error);
      if (ack.reason_code >= 0x80) result.code = ErrorCode::publish_refused;
      return request_done(result, inflight_.take(r));
    case PacketType::pubrec:
      if (r->qos != 2) return violation(ErrorCode::protocol_error);
      if (r->stage == Stage::sent && ack.reason_code >= 0x80) {
        result.code = ErrorCode::publish_refused;
        return request_done(result, inflight_.take(r));
      }
      r->stage = Stage::released;  // a repeated PUBREC gets PUBREL again
      return send_ack(PacketType::pubrel, ack.packet_id, 0);
    case PacketType::pubcomp:
      if (r->qos != 2 || r->stage != Stage::released) return violation(ErrorCode::protocol_error);
      // The broker accepted the message at PUBREC; a PUBCOMP reason (0x92) is reported, not a failure.
      return request_done(result, inflight_.take(r));
    default:
      return violation(ErrorCode::protocol_error);
  }
}

void Engine::Impl::handle_suback(const Suback& s) {
  bool is_suback = s.type == PacketType::suback;
  Request* r = inflight_.find(is_suback ? RequestKind::subscribe : RequestKind::unsubscribe, s.packet_id);
  if (r == nullptr) return violation(ErrorCode::unknown_packet_id);
  // One topic per request, so one reason code (3.1.1 UNSUBACK has none).
  size_t expected = is_suback || v5() ? 1 : 0;
  if (s.reason_codes.size != expected) return violation(ErrorCode::protocol_error);
  Error result;
#if MQTT_CONFIG_V5
  if (s.properties.reason_string) result.reason_string = *s.properties.reason_string;
#endif
  Request req = inflight_.take(r);
  uint8_t rc = expected ? s.reason_codes.data[0] : 0;
  result.reason_code = rc;
  if (is_suback) {
    if (rc >= 0x80) {
      result.code = ErrorCode::subscribe_refused;
      subscriptions_.remove(req.filter());
    } else {
      subscriptions_.add(req);  // a copy: the request is still completed below
    }
  } else if (rc >= 0x80) {
    result.code = ErrorCode::unsubscribe_refused;
  } else {
    subscriptions_.remove(req.filter());
  }
  request_done(result, std::move(req));
}

void Engine::Impl::request_done(const Error& result, Request&& request) {
  ids_.release(request.packet_id);
  if (request.is_windowed() && inflight_.publishes() >= window_) resend_deferred();
  uint32_t link = link_;
  complete(request, result);
  // The broker's refusal of a request is also an `error` event.
  if (!result.ok() && state_ != State::closed) events_.on_error(result);
  if (alive(link)) pump();  // a slot or an identifier was freed
}

void Engine::Impl::handle_disconnect(const Disconnect& d) {
  if (!v5()) return violation(ErrorCode::unexpected_packet);  // 3.1.1: client to server only
  Error reason{ErrorCode::server_disconnect, d.reason_code, {}};
#if MQTT_CONFIG_V5
  if (d.properties.reason_string) reason.reason_string = *d.properties.reason_string;
#endif
  lose_connection(reason, true);
}

// AUTH only answers a CONNECT (or AUTH) of ours that named a method, and names that same method
// (5.0 sections 3.15.2.2.2 and 4.12).
void Engine::Impl::handle_auth(const Auth& a) {
#if MQTT_CONFIG_V5
  const std::string_view method = options_.text(StoredOptions::authentication_method);
  if (v5() && !method.empty() && a.properties.authentication_method && *a.properties.authentication_method == method)
    return events_.on_auth(a);
#else
  (void)a;
#endif
  violation(ErrorCode::protocol_error);
}

void Engine::Impl::send_ack(PacketType type, uint16_t packet_id, uint8_t reason_code) {
  Ack a;
  a.type = type;
  a.packet_id = packet_id;
  a.reason_code = reason_code;
  send_packet(a);
}

}  // namespace mqtt
