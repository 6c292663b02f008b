/* Stand-in for lwIP's lwip/netdb.h in the Cortex-M size build (see sockets.h beside it). */
#ifndef MQTT_SIZE_LWIP_NETDB_H
#define MQTT_SIZE_LWIP_NETDB_H

#include "lwip/sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

int getaddrinfo(const char* nodename, const char* servname, const struct addrinfo* hints,
                struct addrinfo** res);
void freeaddrinfo(struct addrinfo* ai);

#ifdef __cplusplus
}
#endif

#endif
