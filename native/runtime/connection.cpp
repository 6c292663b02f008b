#include "connection.h"

#include <poll.h>

#include <random>

namespace mqtt::native {

namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerRound = 16;  // fairness between the clients of one loop
constexpr uint64_t kLingerMs = 5000;

// A closed connection's last bytes (a QoS 0 publish that already succeeded, the DISCONNECT)
// still go out: the stream is handed to this, which writes them as the socket takes them and
// then closes, on its own, without the Engine. The loop owns it; it releases itself when done or
// after kLingerMs.
class Linger final : public Loop::Owned, private Loop::Source, private Loop::Timer {
 public:
  static void start(Loop& loop, std::unique_ptr<Stream> stream, OutBuffer data) {
    loop.own(std::unique_ptr<Loop::Owned>(new Linger(loop, std::move(stream), std::move(data))));
  }
  ~Linger() override {
    loop_.stop_timer(this);
    loop_.remove_source(this);
  }

 private:
  Linger(Loop& loop, std::unique_ptr<Stream> stream, OutBuffer data)
      : loop_(loop), stream_(std::move(stream)), data_(std::move(data)) {
    loop_.add_source(this);
    loop_.start_timer(this, loop_.now_ms() + kLingerMs);
  }
  void on_timer() override { finish(); }
  int poll_fd() const override { return stream_->fd(); }
  short poll_events() const override { return POLLOUT; }
  void on_poll(short) override {
    if (data_.write_to(*stream_) == Io::again) return;
    finish();  // all written, or the socket failed
  }
  void finish() { loop_.release(this); }  // destroys this: nothing may follow

  Loop& loop_;
  std::unique_ptr<Stream> stream_;
  OutBuffer data_;
};
}  // namespace

Connection::Connection(Loop& loop, Events& events, ClientOptions options)
    : loop_(loop),
      random_((uint64_t{std::random_device{}()} << 32 | std::random_device{}()) | 1) {
  engine_.emplace(*this, events, std::move(options));
  loop_.add_source(this);
}

Connection::~Connection() {
  engine_.reset();  // may still call close() on us
  pending_.reset();
  loop_.stop_timer(this);
  loop_.remove_source(this);
}

void Connection::open(const Endpoint& endpoint) {
  drop_transport();
  ++generation_;
  ++attempts_;
  phase_ = Phase::connecting;
  Generation generation = generation_;
  pending_ = std::make_shared<bool>();
  std::weak_ptr<bool> alive = pending_;
  // The Engine is in the middle of a call: start (and maybe fail) from the loop instead.
  loop_.post([this, alive, endpoint, generation] {
    if (alive.expired() || generation != generation_) return;
    start(endpoint, generation);
  });
}

void Connection::start(const Endpoint& endpoint, Generation generation) {
  bool nothing_to_resolve = endpoint.is_websocket() || endpoint.host.empty();
  if (nothing_to_resolve || is_numeric_host(endpoint.host)) {
    // connect() reports what is wrong: a refused scheme, no host, or resolve()'s error.
    Addresses addresses;
    StreamError error;
    if (!nothing_to_resolve) resolve(endpoint.host, endpoint.effective_port(), addresses, error);
    return connect(endpoint, generation, std::move(addresses), error);
  }
  // A name: getaddrinfo runs on a resolver thread; its answer comes back through the loop.
  // A connection closed or reopened meanwhile (the Engine's connect timeout, say) ignores it.
  std::weak_ptr<bool> alive = pending_;
  Loop::Poster post = loop_.poster();
  resolve_async(endpoint.host, endpoint.effective_port(),
                [this, alive, post, endpoint, generation](Addresses addresses, StreamError error) {
                  post([this, alive, endpoint, generation, addresses = std::move(addresses),
                        error = std::move(error)]() mutable {
                    if (alive.expired() || generation != generation_) return;
                    connect(endpoint, generation, std::move(addresses), error);
                  });
                });
}

void Connection::connect(const Endpoint& endpoint, Generation generation, Addresses addresses,
                         const StreamError& resolve_error) {
  if (generation != generation_) return;
  StreamError error = resolve_error;
  Stream* stream = nullptr;
  if (endpoint.host.empty()) {
    error = {ErrorCode::missing_host, "no host"};
  } else if (error.code == ErrorCode::ok) {
    stream = open_stream(endpoint, engine_->tls(), std::move(addresses), tcp_, tls_, error);
  }
  if (!stream) {
    phase_ = Phase::idle;
    report_closed(error.code, error.detail);
    return;
  }
  // A socket connected at once still goes through poll: advance() runs when it is writable.
  loop_.update_source(this);
}

void Connection::send(const uint8_t* data, size_t size) {
  bool was_empty = out_.empty();
  out_.append(data, size);
  // The loop writes it before it next waits (sync() hands a connected socket POLLOUT at once;
  // a timer's wake-up flushes right after instead).
  if (was_empty && stream() && !in_wake_) loop_.update_source(this);
}

void Connection::close() {
  ++generation_;
  // What the Engine sent last (a QoS 0 publish, the DISCONNECT) goes out: now if the socket
  // takes it, else from a Linger that owns the stream from here on.
  if (stream() && phase_ == Phase::open) {
    if (out_.write_to(*stream()) == Io::again) {
      Linger::start(loop_, release_stream(), std::move(out_));
      out_.clear();
    }
  }
  drop_transport();
}

std::unique_ptr<Stream> Connection::release_stream() {
  if (tls_) return std::move(tls_);
  return std::make_unique<TcpStream>(std::move(tcp_));
}

void Connection::drop_transport() {
  if (stream()) loop_.update_source(this);
  tls_.reset();
  tcp_.reset();
  phase_ = Phase::idle;
  out_.clear();
}

uint64_t Connection::now_ms() { return loop_.now_ms(); }

void Connection::wake_at(uint64_t deadline_ms) {
  if (deadline_ms == kNever) return loop_.stop_timer(this);
  if (armed() && deadline() == deadline_ms) return;
  loop_.start_timer(this, deadline_ms);
}

void Connection::on_timer() {
  in_wake_ = true;
  engine_->on_wake();
  in_wake_ = false;
  // What the wake-up produced (a keep-alive PINGREQ) goes out now: the socket almost always
  // takes it, which spares registering for POLLOUT, a round to learn it is writable, and
  // registering back (at 10,000 idle clients that is most of a keep-alive round's cost).
  if (!stream() || out_.empty()) return;
  if (phase_ == Phase::open && !flush()) return;
  if (stream() && !out_.empty()) loop_.update_source(this);  // the rest waits for POLLOUT
}

uint32_t Connection::random() {
  random_ ^= random_ >> 12;
  random_ ^= random_ << 25;
  random_ ^= random_ >> 27;
  return static_cast<uint32_t>((random_ * 0x2545F4914F6CDD1Dull) >> 32);
}

int Connection::poll_fd() const { return stream() ? stream()->fd() : -1; }

short Connection::poll_events() const {
  if (!stream()) return 0;
  short events = 0;
  if (phase_ == Phase::connecting) {
    if (stream()->wants_read()) events |= POLLIN;
    if (stream()->wants_write()) events |= POLLOUT;
    return events;
  }
  events = POLLIN;
  if (!out_.empty() || stream()->wants_write()) events |= POLLOUT;
  return events;
}

bool Connection::ready_without_poll() const {
  return stream() && phase_ == Phase::open && stream()->has_buffered_input();
}

void Connection::on_poll(short revents) {
  if (!stream()) return;
  Generation generation = generation_;
  if (phase_ == Phase::connecting) {
    Io step = stream()->advance();
    // After a refusal the next address gets a new socket, which may reuse the number.
    if (step == Io::again) return loop_.update_source(this);
    if (step == Io::failed) {
      StreamError error = stream()->error();
      drop_transport();
      report_closed(error.code, error.detail);
      return;
    }
    phase_ = Phase::open;
    pending_.reset();
    last_failure_.reset();
    engine_->on_open();
    if (generation != generation_ || !stream()) return;
    // Flush CONNECT right away instead of waiting for the next round.
    flush();
    return;
  }
  if (revents & (POLLOUT | POLLERR | POLLHUP)) {
    if (!flush()) return;
    if (generation != generation_ || !stream()) return;
  }
  // A POLLOUT-only wake-up has nothing to read: a recv() would only say EAGAIN.
  if (!(revents & (POLLIN | POLLERR | POLLHUP))) return;
  read_available();
  if (generation != generation_ || !stream()) return;
  // Answers the Engine produced while reading (PUBACK, PUBREC...) go out now.
  if (!out_.empty()) flush();
}

namespace {
// Reads land in one buffer per thread (a loop runs on one thread), not one per connection: the
// Engine decodes what it is given before on_bytes() returns and copies only a packet split
// across reads, so nothing points into this buffer afterwards. A callback that runs a loop
// from inside on_bytes() (a nested run_until) would reuse it while it is still being decoded:
// such nested reads get a buffer of their own.
struct ReadBuffer {
  std::unique_ptr<uint8_t[]> data{new uint8_t[kReadChunk]};
  bool in_use = false;
};
thread_local ReadBuffer t_read_buffer;

class ReadLease {
 public:
  ReadLease() {
    if (!t_read_buffer.in_use) {
      t_read_buffer.in_use = true;
      data_ = t_read_buffer.data.get();
    } else {
      own_.reset(new uint8_t[kReadChunk]);
      data_ = own_.get();
    }
  }
  ~ReadLease() {
    if (!own_) t_read_buffer.in_use = false;
  }
  ReadLease(const ReadLease&) = delete;
  ReadLease& operator=(const ReadLease&) = delete;
  uint8_t* data() const { return data_; }

 private:
  uint8_t* data_;
  std::unique_ptr<uint8_t[]> own_;
};
}  // namespace

void Connection::read_available() {
  Generation generation = generation_;
  ReadLease buffer;
  for (int i = 0; i < kReadsPerRound; ++i) {
    size_t n = 0;
    Io io = stream()->read(buffer.data(), kReadChunk, n);
    if (io == Io::ok) {
      if (i == 0) acknowledge_now(stream()->fd());
      engine_->on_bytes(buffer.data(), n);
      if (generation != generation_ || !stream()) return;  // closed from inside
      // A short read emptied the socket: the next one would only say `again` (epoll reports
      // the socket again when more arrives, or when the peer closes it).
      if (n < kReadChunk && stream()->short_read_drains()) return;
      continue;
    }
    if (io == Io::again) return;
    std::string detail =
        io == Io::eof ? "the broker closed the connection" : stream()->error().detail;
    drop_transport();
    report_closed(ErrorCode::connection_lost, detail);
    return;
  }
}

bool Connection::flush() {
  if (out_.write_to(*stream()) != Io::failed) return true;
  std::string detail = stream()->error().detail;
  drop_transport();
  report_closed(ErrorCode::connection_lost, detail);
  return false;
}

void Connection::report_closed(ErrorCode code, const std::string& detail) {
  last_failure_ = std::make_unique<StreamError>(StreamError{code, detail});
  engine_->on_closed(code);
}

}  // namespace mqtt::native
