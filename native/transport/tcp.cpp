// Non-blocking TCP (tcp.h), name resolution and the choice of stream for an endpoint.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tcp.h"

namespace mqtt::native {
namespace {

std::string describe(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (address->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
    return std::string("[") + text + "]:" + std::to_string(port);
  }
  auto* in4 = reinterpret_cast<const sockaddr_in*>(address);
  inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text);
  port = ntohs(in4->sin_port);
  return std::string(text) + ":" + std::to_string(port);
}

}  // namespace

struct TcpStream::Attempt {
  Addresses addresses;
  size_t next = 0;
  std::string errors;  // one "address: reason" per address that failed
  void note(const std::string& error) { errors += (errors.empty() ? "" : "; ") + error; }
};

TcpStream::TcpStream() = default;

TcpStream::TcpStream(TcpStream&& other) noexcept
    : Stream(std::move(other)),
      attempt_(std::move(other.attempt_)),
      fd_(std::exchange(other.fd_, -1)) {}

TcpStream::~TcpStream() { close_socket(); }

void TcpStream::reset() {
  close_socket();
  attempt_.reset();
  clear_error();
}

bool TcpStream::start(Addresses addresses) {
  attempt_ = std::make_unique<Attempt>();
  attempt_->addresses = std::move(addresses);
  return connect_next();
}

Io TcpStream::advance() {
  if (!attempt_) return Io::ok;
  if (fd_ < 0) return Io::failed;
  int so_error = 0;
  socklen_t length = sizeof so_error;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &length) != 0) so_error = errno;
  if (so_error == 0) {
    // Writable and no error: connected (a spurious wake-up would show as ENOTCONN here).
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof peer;
    if (getpeername(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0) {
      attempt_.reset();
      return Io::ok;
    }
    if (errno != ENOTCONN)
      so_error = errno;
    else
      return Io::again;
  }
  if (so_error == EINPROGRESS || so_error == EALREADY) return Io::again;
  const Address& tried = attempt_->addresses[attempt_->next - 1];
  attempt_->note(describe(reinterpret_cast<const sockaddr*>(&tried.storage)) + ": " +
                 std::strerror(so_error));
  close_socket();
  return connect_next() ? Io::again : Io::failed;
}

Io TcpStream::read(uint8_t* buffer, size_t capacity, size_t& n) {
  n = 0;
  for (;;) {
    ssize_t got = ::recv(fd_, buffer, capacity, 0);
    if (got > 0) {
      n = static_cast<size_t>(got);
      return Io::ok;
    }
    if (got == 0) return Io::eof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::again;
    return fail(ErrorCode::connection_lost, std::string("recv: ") + std::strerror(errno));
  }
}

Io TcpStream::write(const uint8_t* data, size_t size, size_t& n) {
  n = 0;
  for (;;) {
    ssize_t put = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (put >= 0) {
      n = static_cast<size_t>(put);
      return n > 0 || size == 0 ? Io::ok : Io::again;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::again;
    return fail(ErrorCode::connection_lost, std::string("send: ") + std::strerror(errno));
  }
}

Io TcpStream::write_vectored(const iovec* iov, int count, size_t& n) {
  n = 0;
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(iov);
  message.msg_iovlen = static_cast<size_t>(count);
  for (;;) {
    ssize_t put = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (put > 0) {
      n = static_cast<size_t>(put);
      return Io::ok;
    }
    if (put == 0) return count == 0 ? Io::ok : Io::again;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::again;
    return fail(ErrorCode::connection_lost, std::string("send: ") + std::strerror(errno));
  }
}

bool TcpStream::connect_next() {
  Attempt& attempt = *attempt_;
  while (attempt.next < attempt.addresses.size()) {
    const Address& a = attempt.addresses[attempt.next++];
    const sockaddr* address = reinterpret_cast<const sockaddr*>(&a.storage);
    fd_ = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd_ < 0) {
      attempt.note(std::string("socket: ") + std::strerror(errno));
      continue;
    }
    int one = 1;
    // Nagle off: MQTT packets are small and latency matters more than packet count.
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef TCP_NOTSENT_LOWAT
    int unsent = kUnsentLimit;
    setsockopt(fd_, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &unsent, sizeof unsent);
#endif
    int rc;
    do rc = ::connect(fd_, address, a.length);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) {
      attempt_.reset();
      return true;
    }
    if (errno == EINPROGRESS) return true;
    attempt.note(describe(address) + ": " + std::strerror(errno));
    close_socket();
  }
  fail(ErrorCode::connect_failed,
       attempt.errors.empty() ? std::string("no address to connect to") : attempt.errors);
  return false;
}

void TcpStream::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string bare_host(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool is_numeric_host(const std::string& host) {
  std::string name = bare_host(host);
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

bool resolve(const std::string& host, uint16_t port, Addresses& out, StreamError& error) {
  std::string name = bare_host(host);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(name.c_str(), service.c_str(), &hints, &list);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    // AI_ADDRCONFIG hides loopback-only families on hosts without a configured address.
    hints.ai_flags = 0;
    rc = getaddrinfo(name.c_str(), service.c_str(), &hints, &list);
  }
  if (rc != 0) {
    error = {ErrorCode::dns_failed, "cannot resolve '" + name + "': " + gai_strerror(rc)};
    return false;
  }
  out.clear();
  for (addrinfo* it = list; it; it = it->ai_next) {
    Address a;
    std::memcpy(&a.storage, it->ai_addr, it->ai_addrlen);
    a.length = it->ai_addrlen;
    a.family = it->ai_family;
    out.push_back(a);
  }
  freeaddrinfo(list);
  return true;
}

void acknowledge_now(int fd) {
#ifdef TCP_QUICKACK
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
  (void)fd;
#endif
}

Stream* open_stream(const Endpoint& endpoint, const TlsOptions& tls_options, Addresses addresses,
                    TcpStream& tcp, std::unique_ptr<Stream>& tls, StreamError& error) {
  if (endpoint.is_websocket()) {
    error = {ErrorCode::not_supported,
             "the native host speaks MQTT over TCP and TLS (mqtt://, mqtts://), not WebSocket"};
    return nullptr;
  }
  if (!endpoint.is_tls()) {
    if (tcp.start(std::move(addresses))) return &tcp;
    error = tcp.error();
    tcp.reset();
    return nullptr;
  }
  auto under_tls = std::make_unique<TcpStream>();
  if (!under_tls->start(std::move(addresses))) {
    error = under_tls->error();
    return nullptr;
  }
  tls = wrap_tls(std::move(under_tls), bare_host(endpoint.host), tls_options, error);
  return tls.get();
}

}  // namespace mqtt::native
