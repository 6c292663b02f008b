// Connecting: connect(), one attempt per endpoint, CONNECT and CONNACK (acceptance or refusal),
// and the bytes in and out of the current connection.
#include <utility>

#include "client/engine_impl.h"

namespace mqtt {

namespace {

constexpr char kClientIdAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr size_t kClientIdLength = 23;  // the length every broker must accept [MQTT-3.1.3-5]

struct Refusal {
  ErrorCode code;
  bool permanent;    // retrying the same CONNECT cannot succeed: give up
  bool credentials;  // retry no sooner than refused_retry_ms
};

Refusal classify_refusal(Version version, uint8_t rc) {
  if (!MQTT_CONFIG_V5 || version == Version::v311) {
    switch (rc) {
      case 1:  // unacceptable protocol version
      case 2:  // identifier rejected
        return {ErrorCode::connection_refused, true, false};
      case 4:  // bad user name or password
      case 5:  // not authorized
        return {ErrorCode::not_authorized, false, true};
      default:  // 3 server unavailable, and anything unknown
        return {ErrorCode::connection_refused, false, false};
    }
  }
  switch (rc) {
    case 0x86:  // bad user name or password
    case 0x87:  // not authorized
    case 0x8A:  // banned
    case 0x8C:  // bad authentication method
      return {ErrorCode::not_authorized, false, true};
    case 0x81:  // malformed packet
    case 0x82:  // protocol error
    case 0x84:  // unsupported protocol version
    case 0x85:  // client identifier not valid
    case 0x90:  // topic name invalid (will)
    case 0x95:  // packet too large
    case 0x99:  // payload format invalid
    case 0x9A:  // retain not supported
    case 0x9B:  // QoS not supported
      return {ErrorCode::connection_refused, true, false};
    default:  // unavailable, busy, quota, use another server, rate exceeded …
      return {ErrorCode::connection_refused, false, false};
  }
}

}  // namespace

Engine::Impl::Impl(Host& host, Events& events, const ClientOptions& options)
    : host_(host), events_(events), options_(options), invalid_(validate_options(options)) {
  version_ = MQTT_CONFIG_V5 && options_.protocol_version == 5 ? Version::v5 : Version::v311;
  queue_.set_limits(options_.queue_max_messages, options_.queue_max_bytes);
  backoff_.configure(options_.reconnect_min_ms, options_.reconnect_max_ms, options_.reconnect_jitter_percent);
  window_ = options_.max_inflight;
}

ErrorCode Engine::Impl::connect(Token token) {
  if (state_ == State::closed) return fail_request(ErrorCode::closed, token);
  if (state_ != State::idle) return fail_request(ErrorCode::busy, token);
  if (invalid_ != ErrorCode::ok) return fail_request(invalid_, token);

  // assign() throughout: one string routine for every copy into an owned string (see endpoint()).
  const std::string_view id = options_.text(StoredOptions::client_id);
  if (id.empty()) {
    char generated[kClientIdLength];
    for (char& ch : generated) ch = kClientIdAlphabet[host_.random() % 62];
    client_id_.assign(generated, kClientIdLength);
  } else {
    client_id_.assign(id.data(), id.size());
  }
  decoder_.set_version(version_);
  decoder_.set_max_packet_size(options_.max_packet_size);
  connect_pending_ = true;
  connect_token_ = token;
  start_attempt();
  return ErrorCode::ok;
}

void Engine::Impl::start_attempt() {
  ++link_;
  state_ = State::connecting;
  transport_open_ = true;
  connect_sent_ = false;
  connack_ = false;
  reconnect_at_ = kNever;
  pingresp_deadline_ = kNever;
  uint64_t now = host_.now_ms();
  connect_deadline_ = options_.connect_timeout_ms ? now + options_.connect_timeout_ms : kNever;
  host_.open(options_.endpoint(endpoint_));
  arm_timer();
}

void Engine::Impl::on_open() {
  if (state_ != State::connecting || !transport_open_ || connect_sent_) return;
  send_connect();
}

void Engine::Impl::send_connect() {
  Connect c;
  c.version = version_;
  c.clean_start = options_.clean;
  c.keep_alive = static_cast<uint16_t>(options_.keepalive_interval);
  c.client_id = client_id_;
  if (options_.has_will) {
    c.will.present = true;  // filled in place: no Will (and its Properties) is moved
    Will& will = c.will.value;
    will.topic = options_.text(StoredOptions::will_topic);
    will.payload = Bytes::of(options_.text(StoredOptions::will_payload));
    will.qos = static_cast<uint8_t>(options_.will_qos);
    will.retain = options_.will_retain;
#if MQTT_CONFIG_V5
    if (v5() && options_.will_delay_interval) will.properties.will_delay_interval = options_.will_delay_interval;
#endif
  }
  if (options_.has_username) c.username = options_.text(StoredOptions::username);
  if (options_.has_password) c.password = Bytes::of(options_.text(StoredOptions::password));
#if MQTT_CONFIG_V5
  if (v5()) {
    Properties& p = c.properties;
    if (options_.session_expiry_interval) p.session_expiry_interval = options_.session_expiry_interval;
    if (options_.receive_maximum != 65535) p.receive_maximum = static_cast<uint16_t>(options_.receive_maximum);
    p.maximum_packet_size = options_.max_packet_size;
    if (options_.topic_alias_maximum)
      p.topic_alias_maximum = static_cast<uint16_t>(options_.topic_alias_maximum);
    for (size_t i = 0; i < options_.user_properties(); ++i)
      p.user_properties.push_back({options_.user_key(i), options_.user_value(i)});
    std::string_view method = options_.text(StoredOptions::authentication_method);
    if (!method.empty()) {
      p.authentication_method = method;
      std::string_view data = options_.text(StoredOptions::authentication_data);
      if (!data.empty()) p.authentication_data = Bytes::of(data);
    }
  }
#endif
  connect_sent_ = true;
  scratch_.clear();
  ErrorCode rc = encode(c, version_, scratch_);
  if (rc != ErrorCode::ok) {  // options passed validation, so this is a limit of the codec: final
    uint32_t link = link_;
    events_.on_error(err(rc));
    if (!alive(link)) return;
    if (connect_pending_) {
      connect_pending_ = false;
      events_.on_complete(connect_token_, err(rc));
      if (!alive(link)) return;
    }
    give_up();
    return;
  }
  send_bytes(scratch_.data(), scratch_.size());
  // CONNECT is the largest packet an idle client sends: do not keep its buffer while idle.
  std::vector<uint8_t>().swap(scratch_);
}

void Engine::Impl::handle_connack(const Connack& connack) {
  if (connack_) return violation(ErrorCode::unexpected_packet);
  if (connack.reason_code != 0) return refuse(connack);
  // A broker must not claim a session it was told to discard [MQTT-3.2.2-4].
  if (connack.session_present && options_.clean) return violation(ErrorCode::protocol_error);
  connack_ = true;
  state_ = State::connected;
  connect_deadline_ = kNever;
  round_start_ = endpoint_;
  round_refused_ = false;
  backoff_.reset();
  keepalive_ms_ = static_cast<uint32_t>(options_.keepalive_interval) * 1000u;
  window_ = options_.max_inflight;
  broker_max_packet_ = 0;
  broker_max_qos_ = 2;
  broker_retain_ = true;
#if MQTT_CONFIG_V5
  aliases_.reset();
  if (v5()) {
    const Properties& p = connack.properties;
    if (p.assigned_client_identifier) {
      const std::string_view assigned = *p.assigned_client_identifier;
      client_id_.assign(assigned.data(), assigned.size());
    }
    if (p.server_keep_alive) keepalive_ms_ = static_cast<uint32_t>(*p.server_keep_alive) * 1000u;
    if (p.receive_maximum && *p.receive_maximum < window_) window_ = *p.receive_maximum;
    if (p.maximum_packet_size) broker_max_packet_ = *p.maximum_packet_size;
    if (p.maximum_qos) broker_max_qos_ = *p.maximum_qos;
    if (p.retain_available) broker_retain_ = *p.retain_available != 0;
    uint16_t out_maximum = p.topic_alias_maximum ? *p.topic_alias_maximum : 0;
    auto in_maximum = static_cast<uint16_t>(options_.topic_alias_maximum);
    if (out_maximum != 0 || in_maximum != 0) {
      aliases_ = std::make_unique<TopicAliases>();
      aliases_->out.reset(out_maximum);
      aliases_->in.reset(in_maximum);
    }
  }
#endif
  last_received_ = host_.now_ms();

  uint32_t link = link_;
  resume_session(connack.session_present);
  if (!alive(link)) return;
  bool first = !ever_connected_;
  ever_connected_ = true;
  if (first) events_.on_connect();
  else events_.on_reconnect();
  if (!alive(link)) return;
  if (connect_pending_) {
    connect_pending_ = false;
    events_.on_complete(connect_token_, Error{});
    if (!alive(link)) return;
  }
  pump();
}

void Engine::Impl::refuse(const Connack& connack) {
  Refusal refusal = classify_refusal(version_, connack.reason_code);
  Error error{refusal.code, connack.reason_code, {}};
#if MQTT_CONFIG_V5
  if (connack.properties.reason_string) error.reason_string = *connack.properties.reason_string;
#endif
  // The broker closes after a refusal; we close first so no stale bytes arrive [MQTT-3.2.2-5].
  ++link_;
  transport_open_ = false;
  connect_deadline_ = kNever;
  host_.close();
  events_.on_error(error);
  if (state_ == State::closed) return;
  if (refusal.permanent) {
    if (connect_pending_) {
      connect_pending_ = false;
      events_.on_complete(connect_token_, error);
      if (state_ == State::closed) return;
    }
    give_up();
    return;
  }
  if (refusal.credentials) round_refused_ = true;
  attempt_failed(error);
}

// PINGREQ, acknowledgements and DISCONNECT carry at most a packet identifier and a reason code
// (5 bytes): they go through the stack, so an idle client that pings holds no encode buffer and
// an acknowledgement costs no allocation. Longer ones (AUTH) are rare and get a buffer of their
// own, released once sent.
bool Engine::Impl::send_encoded(codec::BodyFn body, const void* packet) {
  uint8_t small[8];
  size_t size = 0;
  if (codec::encode_packet(body, packet, version_, small, sizeof small, size) != ErrorCode::ok) return false;
  if (size <= sizeof small) {
    send_bytes(small, size);
    return true;
  }
  std::vector<uint8_t> large;
  if (codec::encode_packet(body, packet, version_, large) != ErrorCode::ok) return false;
  send_bytes(large.data(), large.size());
  return true;
}

void Engine::Impl::send_bytes(const uint8_t* data, size_t size) {
  host_.send(data, size);
  last_sent_ = host_.now_ms();
}

void Engine::Impl::on_bytes(const uint8_t* data, size_t size) {
  if (!transport_open_ || state_ == State::closed) return;
  if (decoder_link_ != link_) {  // bytes of an earlier connection must not prefix these
    decoder_.reset();
    decoder_link_ = link_;
  }
  last_received_ = host_.now_ms();
  uint32_t link = link_;
  ErrorCode rc = decoder_.feed_frames(data, size, *this);
  if (!alive(link)) {  // the connection ended inside a callback: drop what is left
    decoder_.reset();
    return;
  }
  if (rc != ErrorCode::ok) {
    decoder_.reset();
    violation(rc);
    return;
  }
  arm_timer();
}

ErrorCode Engine::Impl::auth(uint8_t reason_code, Bytes data) {
  if (state_ == State::closed) return ErrorCode::closed;
#if MQTT_CONFIG_V5
  if (!v5()) return ErrorCode::not_supported;
  if (options_.text(StoredOptions::authentication_method).empty()) return ErrorCode::invalid_argument;
  if (!transport_open_ || !connect_sent_) return ErrorCode::not_connected;
  Auth a;
  a.reason_code = reason_code;
  a.properties.authentication_method = options_.text(StoredOptions::authentication_method);
  if (!data.empty()) a.properties.authentication_data = data;
  return send_packet(a) ? ErrorCode::ok : ErrorCode::invalid_argument;
#else
  (void)reason_code, (void)data;
  return ErrorCode::not_supported;
#endif
}

}  // namespace mqtt
