/* The board functions for a POSIX system (Linux): what the port tests run on. */
#include <time.h>

#include "mqtt_port.h"

uint64_t mqtt_port_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
