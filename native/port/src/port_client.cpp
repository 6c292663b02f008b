// PortClient over the lwIP-compatible BSD-socket subset: socket, connect, send, recv, select,
// close, getaddrinfo, fcntl(O_NONBLOCK), setsockopt(TCP_NODELAY), getsockopt(SO_ERROR).
#include "mqtt/port_client.h"

#include <errno.h>
#include <string.h>

#if MQTT_PORT_LWIP
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#define MQTT_PORT_CLOSE closesocket  // lwIP's name (close() needs LWIP_POSIX_SOCKETS_IO_NAMES)
#else
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#define MQTT_PORT_CLOSE ::close
#endif

#include "mqtt_port.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

namespace mqtt::port {

namespace {
struct Locked {
  Locked() { mqtt_port_lock(); }
  ~Locked() { mqtt_port_unlock(); }
};

void port_itoa(uint16_t value, char* out) {
  char digits[6];
  int n = 0;
  do digits[n++] = static_cast<char>('0' + value % 10), value = static_cast<uint16_t>(value / 10);
  while (value);
  while (n) *out++ = digits[--n];
  *out = '\0';
}
}  // namespace

PortClient::PortClient(Events& events, ClientOptions options)
    : engine_(*this, events, static_cast<ClientOptions&&>(options)) {}

PortClient::~PortClient() = default;  // ~Engine closes through close() first

void PortClient::open(const Endpoint& endpoint) {
  close_socket();
  endpoint_ = endpoint;
  phase_ = Phase::opening;  // connect from poll(): the Engine is in the middle of a call
  ++attempts_;
}

void PortClient::send(const uint8_t* data, size_t size) {
  out_.insert(out_.end(), data, data + size);
}

void PortClient::close() {
  if (phase_ == Phase::open && !out_.empty())
    flush_quietly();  // DISCONNECT, if the socket takes it
  close_socket();
}

void PortClient::flush_quietly() {
  size_t sent = 0;
  while (sent < out_.size()) {
    int n = static_cast<int>(::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL));
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
}

uint64_t PortClient::now_ms() { return mqtt_port_now_ms(); }

void PortClient::wake_at(uint64_t deadline_ms) { wake_ = deadline_ms; }

uint32_t PortClient::random() { return mqtt_port_random(); }

void PortClient::close_socket() {
  if (fd_ >= 0) MQTT_PORT_CLOSE(fd_);
  fd_ = -1;
  phase_ = Phase::idle;
  out_.clear();
}

void PortClient::fail(ErrorCode code) {
  close_socket();
  engine_.on_closed(code);
}

void PortClient::start_connect() {
  if (endpoint_.is_tls() || endpoint_.is_websocket()) return fail(ErrorCode::not_supported);
  addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  char port[6];
  port_itoa(endpoint_.effective_port(), port);
  addrinfo* list = nullptr;
  if (getaddrinfo(endpoint_.host.c_str(), port, &hints, &list) != 0 || !list)
    return fail(ErrorCode::dns_failed);
  fd_ = socket(list->ai_family, SOCK_STREAM, IPPROTO_TCP);
  if (fd_ < 0) {
    freeaddrinfo(list);
    return fail(ErrorCode::connect_failed);
  }
  int flags = fcntl(fd_, F_GETFL, 0);
  fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = connect(fd_, list->ai_addr, list->ai_addrlen);
  freeaddrinfo(list);
  if (rc == 0) return finish_connect();
  if (errno != EINPROGRESS) return fail(ErrorCode::connect_failed);
  phase_ = Phase::connecting;
}

void PortClient::finish_connect() {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0)
    return fail(ErrorCode::connect_failed);
  phase_ = Phase::open;
  engine_.on_open();
}

void PortClient::read_available() {
  for (int i = 0; i < 8 && phase_ == Phase::open; ++i) {
    int n = static_cast<int>(recv(fd_, rx_, sizeof rx_, 0));
    if (n > 0) {
      engine_.on_bytes(rx_, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    return fail(ErrorCode::connection_lost);
  }
}

void PortClient::flush() {
  size_t sent = 0;
  while (sent < out_.size()) {
    int n = static_cast<int>(::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL));
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
    return fail(ErrorCode::connection_lost);
  }
  out_.erase(out_.begin(), out_.begin() + static_cast<long>(sent));
}

void PortClient::poll(uint32_t max_wait_ms) {
  Locked lock;
  if (phase_ == Phase::opening) start_connect();
  if (phase_ == Phase::open && !out_.empty()) flush();

  uint64_t now = mqtt_port_now_ms();
  uint64_t wait = max_wait_ms;
  if (wake_ != kNever) wait = wake_ <= now ? 0 : (wake_ - now < wait ? wake_ - now : wait);
  if (fd_ >= 0) {
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    if (phase_ == Phase::open) FD_SET(fd_, &readable);
    if (phase_ == Phase::connecting || !out_.empty()) FD_SET(fd_, &writable);
    timeval tv;
    tv.tv_sec = static_cast<long>(wait / 1000);
    tv.tv_usec = static_cast<long>((wait % 1000) * 1000);
    int fd = fd_;
    mqtt_port_unlock();  // let other tasks make requests while we wait
    int n = select(fd + 1, &readable, &writable, nullptr, &tv);
    mqtt_port_lock();
    if (n > 0 && fd == fd_) {
      if (phase_ == Phase::connecting && FD_ISSET(fd_, &writable))
        finish_connect();
      else {
        if (phase_ == Phase::open && FD_ISSET(fd_, &writable)) flush();
        if (phase_ == Phase::open && FD_ISSET(fd_, &readable)) read_available();
      }
    }
  } else if (wait > 0 && phase_ != Phase::opening) {
    timeval tv;
    tv.tv_sec = static_cast<long>(wait / 1000);
    tv.tv_usec = static_cast<long>((wait % 1000) * 1000);
    mqtt_port_unlock();
    select(0, nullptr, nullptr, nullptr, &tv);
    mqtt_port_lock();
  }
  if (wake_ != kNever && mqtt_port_now_ms() >= wake_) {
    wake_ = kNever;
    engine_.on_wake();
  }
  if (phase_ == Phase::open && !out_.empty()) flush();
}

}  // namespace mqtt::port

// Defaults a board may replace.
extern "C" __attribute__((weak)) void mqtt_port_lock(void) {}
extern "C" __attribute__((weak)) void mqtt_port_unlock(void) {}
extern "C" __attribute__((weak)) uint32_t mqtt_port_random(void) {
  // xorshift32 seeded from the clock: enough for client ids and jitter, not for cryptography.
  static uint32_t state = 0;
  if (state == 0) state = static_cast<uint32_t>(mqtt_port_now_ms()) | 1u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
