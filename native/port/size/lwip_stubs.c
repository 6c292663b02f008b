/* Link-time stand-ins for lwIP's socket calls and the board's clock in the Cortex-M size build.
 * They fail or do nothing: the program is linked to be measured, never run. */
#include <errno.h>
#include <stdarg.h>

#include "lwip/netdb.h"
#include "lwip/sockets.h"
#include "mqtt_port.h"

int socket(int domain, int type, int protocol) {
  (void)domain, (void)type, (void)protocol;
  return -1;
}
int connect(int s, const struct sockaddr* name, socklen_t namelen) {
  (void)s, (void)name, (void)namelen;
  errno = EINPROGRESS;
  return -1;
}
ssize_t send(int s, const void* data, size_t size, int flags) {
  (void)s, (void)data, (void)flags;
  return (ssize_t)size;
}
ssize_t recv(int s, void* mem, size_t len, int flags) {
  (void)s, (void)mem, (void)len, (void)flags;
  errno = EAGAIN;
  return -1;
}
int select(int n, fd_set* r, fd_set* w, fd_set* e, struct timeval* t) {
  (void)n, (void)r, (void)w, (void)e, (void)t;
  return 0;
}
int closesocket(int s) {
  (void)s;
  return 0;
}
int fcntl(int s, int cmd, ...) {
  (void)s, (void)cmd;
  return 0;
}
int setsockopt(int s, int level, int name, const void* value, socklen_t length) {
  (void)s, (void)level, (void)name, (void)value, (void)length;
  return 0;
}
int getsockopt(int s, int level, int name, void* value, socklen_t* length) {
  (void)s, (void)level, (void)name, (void)value, (void)length;
  return 0;
}
int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                struct addrinfo** res) {
  (void)node, (void)service, (void)hints;
  *res = 0;
  return -1;
}
void freeaddrinfo(struct addrinfo* ai) { (void)ai; }

/* The board's clock: a real board returns its tick count in milliseconds. */
static volatile uint64_t ticks;
uint64_t mqtt_port_now_ms(void) { return ticks += 10; }
