// Time: the connect timeout, keep-alive (PINGREQ and the PINGRESP deadline) and the reconnect
// delay, all from one lazily armed host wake-up.
#include "client/engine_impl.h"

namespace mqtt {

void Engine::Impl::on_wake() {
  armed_ = kNever;
  if (state_ == State::closed) return;
  uint64_t now = host_.now_ms();
  if (state_ == State::connecting && now >= connect_deadline_) {
    lose_connection(err(ErrorCode::connect_timeout), true);
  } else if (state_ == State::connected) {
    if (pingresp_deadline_ != kNever) {
      if (now >= pingresp_deadline_) lose_connection(err(ErrorCode::ping_timeout), true);
    } else if (keepalive_ms_ != 0) {
      // Ping after a keep-alive of silence either way: sending keeps the broker from dropping
      // us [MQTT-3.1.2-23]; receiving nothing may mean the broker froze. The PINGRESP gets half a
      // keep-alive, so a frozen broker is noticed within 1.5 × keep-alive of its last packet.
      uint64_t quiet_since = last_sent_ < last_received_ ? last_sent_ : last_received_;
      if (now >= quiet_since + keepalive_ms_) {
        // Quiet for a keep-alive: keep no buffer of the last QoS 0 publish (an idle client holds
        // none; one publishing again allocates at most once a keep-alive).
        std::vector<uint8_t>().swap(scratch_);
        send_packet(Ping{PacketType::pingreq});
        uint32_t grace = keepalive_ms_ / 2 ? keepalive_ms_ / 2 : 1;
        pingresp_deadline_ = now + grace;
      }
    }
  } else if (state_ == State::waiting && now >= reconnect_at_) {
    start_attempt();
  }
  if (state_ != State::closed) arm_timer();
}

// Lazy timers: the host holds one wake-up. It is moved only when a deadline comes earlier than
// the one it holds; a wake-up that finds nothing due just re-arms the next deadline.
void Engine::Impl::arm_timer() {
  uint64_t next = kNever;
  if (state_ == State::connecting) {
    next = connect_deadline_;
  } else if (state_ == State::connected) {
    if (pingresp_deadline_ != kNever) {
      next = pingresp_deadline_;
    } else if (keepalive_ms_ != 0) {
      uint64_t quiet_since = last_sent_ < last_received_ ? last_sent_ : last_received_;
      next = quiet_since + keepalive_ms_;
    }
  } else if (state_ == State::waiting) {
    next = reconnect_at_;
  }
  if (next < armed_) {
    armed_ = next;
    host_.wake_at(next);
  }
}

}  // namespace mqtt
