/* Stand-in for lwIP's lwip/sockets.h in the Cortex-M size build: it declares exactly the
 * BSD-socket subset the port may use, with lwIP's compatibility names (LWIP_COMPAT_SOCKETS=1),
 * so the port compiles against this header only if it stays within that subset. The functions
 * are stubbed at link time (lwip_stubs.c); a real board links lwIP instead. */
#ifndef MQTT_SIZE_LWIP_SOCKETS_H
#define MQTT_SIZE_LWIP_SOCKETS_H

#include <fcntl.h> /* F_GETFL, F_SETFL, O_NONBLOCK (lwIP defines them when the libc does not) */
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h> /* fd_set, FD_SET (lwIP's own when the libc has none) */
#include <sys/time.h>   /* struct timeval */

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t socklen_t;
typedef uint8_t sa_family_t;

struct sockaddr {
  uint8_t sa_len;
  sa_family_t sa_family;
  char sa_data[14];
};

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define IPPROTO_TCP 6
#define SOL_SOCKET 0xfff
#define SO_ERROR 0x1007
#define TCP_NODELAY 0x01
#define MSG_NOSIGNAL 0

int socket(int domain, int type, int protocol);
int connect(int s, const struct sockaddr* name, socklen_t namelen);
ssize_t send(int s, const void* data, size_t size, int flags);
ssize_t recv(int s, void* mem, size_t len, int flags);
int select(int maxfdp1, fd_set* readset, fd_set* writeset, fd_set* exceptset,
           struct timeval* timeout);
int closesocket(int s);
int fcntl(int s, int cmd, ...);
int setsockopt(int s, int level, int optname, const void* optval, socklen_t optlen);
int getsockopt(int s, int level, int optname, void* optval, socklen_t* optlen);

#ifdef __cplusplus
}
#endif

#endif
