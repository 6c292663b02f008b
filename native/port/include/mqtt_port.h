/* What a board supplies to run the MQTT client (see native/README.md, "Porting guide").
 *
 * Sockets are not in this list: the port uses the BSD-socket subset that lwIP also provides
 * (socket, connect, send, recv, select, close, getaddrinfo, freeaddrinfo, fcntl O_NONBLOCK,
 * setsockopt TCP_NODELAY, getsockopt SO_ERROR), so a board with lwIP (ESP-IDF, AliOS Things)
 * or any POSIX system supplies them already. Build with MQTT_PORT_LWIP=1 to include lwIP's
 * headers instead of the POSIX ones. */
#ifndef MQTT_PORT_H
#define MQTT_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Required: a monotonic clock in milliseconds (e.g. xTaskGetTickCount() * portTICK_PERIOD_MS,
 * widened to 64 bits so it never wraps). */
uint64_t mqtt_port_now_ms(void);

/* Optional (a weak default exists): 32 random bits, for client ids and reconnection jitter.
 * Use the hardware generator where there is one (esp_random()). */
uint32_t mqtt_port_random(void);

/* Optional (weak no-op defaults): a mutex around the client, needed only when one task calls
 * mqtt_port_poll() and another makes requests. A recursive mutex is not required. */
void mqtt_port_lock(void);
void mqtt_port_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_PORT_H */
