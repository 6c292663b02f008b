// The TCP options the native transport relies on, on a real loopback connection.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/stream.h"
#include "transport/tcp.h"

namespace {

// A connected pair of loopback TCP sockets; closed on destruction.
struct LoopbackPair {
  int client = -1, server = -1;
  LoopbackPair() {
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      return;
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(client, reinterpret_cast<sockaddr*>(&address), length) == 0)
      server = ::accept(listener, nullptr, nullptr);
    ::close(listener);
  }
  ~LoopbackPair() {
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }
};

int tcp_option(int fd, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  return getsockopt(fd, IPPROTO_TCP, name, &value, &length) == 0 ? value : -1;
}

// A stream's socket has Nagle off and holds little that the peer's window does not take yet.
TEST(TcpOptions, StreamSocketHasNoDelayAndAnUnsentLimit) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  mqtt::native::Address address;
  address.family = AF_INET;
  address.storage.v4.sin_family = AF_INET;
  address.storage.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.length = sizeof address.storage.v4;
  socklen_t length = address.length;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address.storage), length), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address.storage), &length), 0);

  mqtt::native::TcpStream tcp;
  ASSERT_TRUE(tcp.start({address}));
  EXPECT_EQ(tcp_option(tcp.fd(), TCP_NODELAY), 1);
#ifdef TCP_NOTSENT_LOWAT
  EXPECT_EQ(tcp_option(tcp.fd(), TCP_NOTSENT_LOWAT), mqtt::native::TcpStream::kUnsentLimit);
#endif
  tcp.reset();
  EXPECT_FALSE(tcp.in_use());
  ::close(listener);
}

#ifdef TCP_QUICKACK
int quick_ack(int fd) { return tcp_option(fd, TCP_QUICKACK); }

// The kernel delays ACKs once a connection looks interactive (quick-ACK off); after a read round
// the runtime turns quick-ACK back on so a Nagle-bound broker is not kept waiting 40 ms.
TEST(TcpOptions, AcknowledgeNowTurnsQuickAckBackOn) {
  LoopbackPair pair;
  ASSERT_GE(pair.server, 0);
  int off = 0;
  ASSERT_EQ(setsockopt(pair.client, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off), 0);
  ASSERT_EQ(quick_ack(pair.client), 0);  // delayed ACKs, as after a request-response exchange
  mqtt::native::acknowledge_now(pair.client);
  EXPECT_EQ(quick_ack(pair.client), 1);
}
#endif

}  // namespace
