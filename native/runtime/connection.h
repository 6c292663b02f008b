// One MQTT client on a Loop: the Host the Engine asks for (transport, clock, timer, random),
// with the Engine it drives. The API layer (api/) gives it the Events to deliver.
//
// Host calls from the Engine never call back into it: opening happens in a posted task,
// send() only appends to the write buffer (flushed when the socket is writable, so the
// Engine's many small sends go out as few writes), and close() reports nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../transport/stream.h"
#include "../transport/tcp.h"
#include "out_buffer.h"
#include "mqtt/engine.h"
#include "mqtt/loop.h"

namespace mqtt::native {

class Connection final : public Host, private Loop::Source, private Loop::Timer {
 public:
  Connection(Loop& loop, Events& events, ClientOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Engine& engine() { return *engine_; }
  Loop& loop() { return loop_; }
  // The transport's explanation of the last connection failure (code ok, detail "" when none):
  // the error text the API adds to the Engine's code.
  const StreamError& last_failure() const {
    static const StreamError none;
    return last_failure_ ? *last_failure_ : none;
  }
  // Connection attempts so far (open() calls): tests check there is no tight retry loop.
  uint32_t attempts() const { return attempts_; }

  // Host.
  void open(const Endpoint& endpoint) override;
  void send(const uint8_t* data, size_t size) override;
  void close() override;
  uint64_t now_ms() override;
  void wake_at(uint64_t deadline_ms) override;
  uint32_t random() override;

 private:
  enum class Phase : uint8_t { idle, connecting, open };
  using Generation = uint32_t;  // only compared for equality: wrapping around is harmless

  // Loop::Source.
  int poll_fd() const override;
  short poll_events() const override;
  void on_poll(short revents) override;
  bool ready_without_poll() const override;
  // Loop::Timer: the Engine's wake-up (wake_at).
  void on_timer() override;

  void start(const Endpoint& endpoint, Generation generation);
  void connect(const Endpoint& endpoint, Generation generation, Addresses addresses,
               const StreamError& resolve_error);
  void read_available();
  bool flush();  // false: the connection failed (and was reported)
  void drop_transport();
  // The stream in use (TLS or TCP), null when there is none.
  Stream* stream() const {
    if (tls_) return tls_.get();
    return tcp_.in_use() ? const_cast<TcpStream*>(&tcp_) : nullptr;
  }
  // Hands the stream over (to a Linger), leaving none here.
  std::unique_ptr<Stream> release_stream();
  void report_closed(ErrorCode code, const std::string& detail);

  // Ordered by size: an idle client keeps this record, so padding counts.
  Loop& loop_;
  // In place, not behind a pointer (one allocation fewer); reset first in the destructor.
  std::optional<Engine> engine_;
  // No copy of the TLS options: connect() reads the Engine's (tls(): no unpacked copy).
  // A TLS stream (over a TCP stream of its own) when the endpoint is mqtts://.
  std::unique_ptr<Stream> tls_;
  // Valid while an open() has work pending (a posted start, a name being resolved); reset when
  // the connection is up or gone, so a connected client holds none and stale tasks see it expired.
  std::shared_ptr<bool> pending_;
  uint64_t random_;  // xorshift64* state (std::mt19937 would add 5 KB to every client)
  OutBuffer out_;
  std::unique_ptr<StreamError> last_failure_;  // from a failure until the next success
  // The TCP stream of an mqtt:// endpoint, in place: one heap block fewer per client.
  TcpStream tcp_;
  Generation generation_ = 0;  // bumped by open()/close(): stale posted tasks see a newer one
  uint32_t attempts_ = 0;
  Phase phase_ = Phase::idle;
  bool in_wake_ = false;  // inside the Engine's on_wake(): send() leaves the flush to it
};

}  // namespace mqtt::native
