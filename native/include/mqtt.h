/* The native C API: the `mqtt` module of the API contract for firmware and programs written in C.
 * Same names and meaning as the JavaScript and C++ APIs (mqtt_create_client = createClient...).
 *
 *   mqtt_options_t options = MQTT_OPTIONS_INIT;
 *   options.host = "127.0.0.1";
 *   mqtt_client_t* client = mqtt_create_client(&options);   // NULL: invalid options, fail called
 *   mqtt_on(client, MQTT_EVENT_MESSAGE, on_message, NULL);
 *
 * Threads: with options.loop NULL the client runs on a background thread: the functions may be
 * called from any thread and every callback runs on that thread (on the device port, which has
 * no threads, NULL is instead a default loop the program runs with mqtt_loop_run*). With a loop from
 * mqtt_loop_create(), run it (mqtt_loop_run) and call everything on its thread; the callbacks
 * then run inside mqtt_loop_run / mqtt_loop_run_once (and inside a call that completes a request
 * at once, such as a refused mqtt_publish).
 *
 * Memory: strings and bytes passed in (options, properties and what they point to) are copied
 * or used before the call returns: the caller keeps them and may free them after. Pointers
 * handed to callbacks (topic, payload, properties and every string and byte they point to, the
 * error with its message and reason_string) are valid only during the callback: copy what you
 * keep. The client functions may be called from inside the client's own callbacks,
 * mqtt_close and mqtt_destroy included. */
#ifndef MQTT_H
#define MQTT_H

#include <stddef.h>
#include <stdint.h>

#include "mqtt_errors.h" /* MQTT_ERR_*: generated from the core's error table (error.h) */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mqtt_client mqtt_client_t;
typedef struct mqtt_loop mqtt_loop_t;

/* What fail callbacks and the error/disconnect events carry. */
typedef struct {
  int code;                  /* MQTT_ERR_* */
  const char* message;       /* names the problem, with the transport's or broker's detail */
  int reason_code;           /* the broker's MQTT reason code, 0 when none */
  const char* reason_string; /* MQTT 5: the broker's reason string; NULL when it gave none */
} mqtt_error_t;

/* An MQTT 5 user property: UTF-8 text, NUL-terminated (MQTT forbids U+0000 in it). */
typedef struct {
  const char* key;
  const char* value;
} mqtt_user_property_t;

/* MQTT 5 properties of a message, as mqtt_publish sends them and the message event receives
 * them (the same names as the C++ API's). All zero (memset, {0}) is none: a field is sent only
 * when set. An MQTT 3.1.1 connection sends none of them. */
typedef struct {
  int has_payload_format_indicator;
  int payload_format_indicator; /* 0: unspecified bytes; 1: UTF-8 text */
  int has_message_expiry_interval;
  uint32_t message_expiry_interval; /* seconds */
  const char* content_type;         /* NULL: none */
  const char* response_topic;       /* NULL: none */
  const void* correlation_data;     /* NULL: none (binary: correlation_data_len bytes) */
  size_t correlation_data_len;
  const mqtt_user_property_t* user_properties; /* user_properties_len pairs, in order */
  size_t user_properties_len;
} mqtt_properties_t;

typedef void (*mqtt_success_cb)(mqtt_client_t* client, void* user);
typedef void (*mqtt_fail_cb)(mqtt_client_t* client, const mqtt_error_t* error, void* user);

typedef struct {
  const char* host;                 /* required */
  int port;                         /* 0: 1883 (8883 for mqtts) */
  const char* client_id;            /* NULL: generated */
  const char* username;             /* NULL: none */
  const char* password;             /* NULL: none */
  int keepalive_interval;           /* seconds; -1: default (60); 0: off */
  int protocol_version;             /* 0 or 4: MQTT 3.1.1; 5: MQTT 5.0 */
  int clean;                        /* -1: default (clean session); 0: keep the session; 1: clean */
  uint32_t session_expiry_interval; /* MQTT 5, seconds */
  const char* url;                  /* optional: mqtt://host:port or mqtts://host:port */
  int tls;                          /* 1: TLS (mqtts) */
  const char* ca_file;              /* TLS: trusted CAs (PEM); NULL: the system's store */
  const char* cert_file;            /* TLS client certificate */
  const char* key_file;             /* TLS client key */
  int insecure;                     /* 1: do not verify the broker's certificate or name */
  const char* will_topic;           /* last will: NULL for none */
  const void* will_message;
  size_t will_message_len;
  int will_qos;
  int will_retain;
  int reconnect;           /* -1: default (on); 0: off; 1: on */
  mqtt_loop_t* loop;       /* NULL: the background loop */
  mqtt_success_cb success; /* connected */
  mqtt_fail_cb fail;       /* could not connect */
  void* user;              /* passed to success and fail */
  /* Timing and limits (0: the default; the same options as in C++, sized for a device in the
   * porting guide of the README). */
  uint32_t connect_timeout_ms; /* 0: 30 s */
  uint32_t reconnect_min_ms;   /* first delay before reconnecting, doubled each try; 0: 1 s */
  uint32_t reconnect_max_ms;   /* its cap; 0: 30 s */
  uint32_t queue_max_messages; /* offline queue; beyond: MQTT_ERR_QUEUE_FULL; 0: 1000 */
  uint32_t queue_max_bytes;    /* 0: 8 MiB */
  uint32_t max_inflight;       /* QoS 1/2 publishes awaiting their acknowledgement; 0: 20 */
  uint32_t max_packet_size;    /* largest packet accepted from the broker; 0: 4 MiB */
  const char* servername;      /* TLS: the name verified and sent as SNI; NULL: the host */
  const char* ca;              /* TLS: trusted CAs as PEM text (instead of ca_file) */
} mqtt_options_t;

#define MQTT_OPTIONS_INIT                                                                       \
  {                                                                                             \
    NULL, 0, NULL, NULL, NULL, -1, 0, -1, 0, NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, 0, \
        -1, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, NULL, NULL                             \
  }

typedef struct {
  const char* topic; /* required */
  int qos;
  mqtt_success_cb success; /* SUBACK granted it */
  mqtt_fail_cb fail;
  void* user;
  /* MQTT 5 subscription options (0: MQTT's default; ignored by MQTT 3.1.1). */
  int no_local;            /* 1: not the messages this client publishes */
  int retain_as_published; /* 1: forwarded messages keep their retain flag */
  int retain_handling;     /* retained messages at subscribe: 0 always, 1 if new, 2 never */
} mqtt_subscribe_options_t;

typedef struct {
  const char* topic; /* required */
  mqtt_success_cb success;
  mqtt_fail_cb fail;
  void* user;
} mqtt_unsubscribe_options_t;

typedef struct {
  const char* topic;   /* required */
  const void* message; /* required (may be "" with message_len 0) */
  size_t message_len;
  int qos;
  int retain;
  mqtt_success_cb success; /* written (QoS 0), PUBACK (1), PUBCOMP (2) */
  mqtt_fail_cb fail;
  void* user;
  /* MQTT 5: NULL for none. Read, like the strings and bytes it points to, before mqtt_publish
   * returns: a queued message keeps its own copy. */
  const mqtt_properties_t* properties;
} mqtt_publish_options_t;

typedef enum {
  MQTT_EVENT_CONNECT = 0,
  MQTT_EVENT_DISCONNECT = 1,
  MQTT_EVENT_RECONNECT = 2,
  MQTT_EVENT_MESSAGE = 3,
  MQTT_EVENT_ERROR = 4,
  MQTT_EVENT_CLOSE = 5
} mqtt_event_type_t;

typedef struct {
  mqtt_event_type_t type;
  const char* topic;      /* message: NUL-terminated */
  const uint8_t* message; /* message: exactly the payload bytes */
  size_t message_len;
  int qos, retain, dup;      /* message */
  const mqtt_error_t* error; /* disconnect, error */
  /* message on an MQTT 5 connection: its properties (strings NUL-terminated); NULL on 3.1.1. */
  const mqtt_properties_t* properties;
} mqtt_event_t;

typedef void (*mqtt_event_cb)(mqtt_client_t* client, const mqtt_event_t* event, void* user);

/* createClient: starts connecting. Returns NULL when the options are invalid (options NULL,
 * no host, port outside 1..65535, keepalive_interval above 65535, protocol_version not 4 or 5, a
 * bad url...); fail is then called before it returns, with client NULL. Otherwise the client:
 * success follows the first CONNACK accepted, or fail the first failure to connect
 * (MQTT_ERR_CONNECT_FAILED, _DNS_FAILED, _TLS_*, _CONNECT_TIMEOUT, _NOT_AUTHORIZED,
 * _CONNECTION_REFUSED...), with this client; reconnection goes on after it unless reconnect is 0.
 * On the background loop they may run before this function has returned. Free with
 * mqtt_destroy. */
mqtt_client_t* mqtt_create_client(const mqtt_options_t* options);
/* Registers a listener for one event (mqtt_once: for its next occurrence only). Returns 0, or
 * MQTT_ERR_INVALID_ARGUMENT for a NULL client or callback or an unknown event. Listeners run in
 * the order they were added; one added twice is called twice. As in the C++ and JavaScript APIs
 * (Node's EventEmitter), an event calls the listeners registered when it began: one added or
 * removed meanwhile counts from the next event on. A listener that calls mqtt_close or
 * mqtt_destroy ends the delivery: the later listeners of that event are not called. */
int mqtt_on(mqtt_client_t* client, mqtt_event_type_t event, mqtt_event_cb cb, void* user);
int mqtt_once(mqtt_client_t* client, mqtt_event_type_t event, mqtt_event_cb cb, void* user);
/* Removes the listeners of that event registered with this callback and user pointer (0 also
 * when there were none; MQTT_ERR_INVALID_ARGUMENT for a NULL client or an unknown event). Safe
 * inside a listener: one removed during a delivery is still called by that delivery, not after. */
int mqtt_off(mqtt_client_t* client, mqtt_event_type_t event, mqtt_event_cb cb, void* user);

/* Requests. Return 0 when accepted: the request's success or fail then runs exactly once
 * (subscribe: SUBACK granted / MQTT_ERR_SUBSCRIBE_REFUSED; publish: written at QoS 0, PUBACK,
 * PUBCOMP / MQTT_ERR_PUBLISH_REFUSED; any: MQTT_ERR_CLOSED when mqtt_close ends it first). While
 * offline, requests wait in the offline queue and are sent once connected.
 * Otherwise an MQTT_ERR_* value, and fail was called with it before the return:
 * MQTT_ERR_MISSING_TOPIC (NULL or ""), _INVALID_TOPIC (a publish topic with + or #),
 * _INVALID_TOPIC_FILTER, _TOPIC_TOO_LONG, _INVALID_UTF8, _INVALID_QOS (not 0..2),
 * _INVALID_ARGUMENT (subscribe: retain_handling not 0..2),
 * _MISSING_MESSAGE (publish: message NULL), _PAYLOAD_TOO_LARGE, _INVALID_PROPERTY (a NULL user
 * property key or value, a payload format indicator not 0 or 1...), _QUEUE_FULL, _CLOSED (after
 * mqtt_close). A NULL client or options pointer returns MQTT_ERR_INVALID_ARGUMENT without
 * calling anything. */
int mqtt_subscribe(mqtt_client_t* client, const mqtt_subscribe_options_t* options);
int mqtt_unsubscribe(mqtt_client_t* client, const mqtt_unsubscribe_options_t* options);
int mqtt_publish(mqtt_client_t* client, const mqtt_publish_options_t* options);
/* Sends DISCONNECT, releases the connection, fails every pending request with MQTT_ERR_CLOSED
 * and emits close, all before it returns. Returns 0; MQTT_ERR_CLOSED when already closed;
 * MQTT_ERR_INVALID_ARGUMENT for NULL. The client stays valid until mqtt_destroy. */
int mqtt_close(mqtt_client_t* client);
/* Frees the client (NULL: nothing), closing it first if needed. No callback of the client runs
 * after it, not even close or a pending request's fail: call mqtt_close first to hear them.
 * Allowed inside the client's own callbacks (the release is then deferred until the callback
 * returns) and, for a background client, from any thread. */
void mqtt_destroy(mqtt_client_t* client);

/* The generated client id (or the one given); valid until mqtt_destroy. "" for NULL. */
const char* mqtt_client_id(mqtt_client_t* client);

/* The message of an error code ("unknown error" for values not in the table). Static text. */
const char* mqtt_error_message(int code);
/* Its name ("invalid_topic"; "unknown" for values not in the table). Static text. */
const char* mqtt_error_name(int code);

/* A loop you run yourself: many clients in one thread. Destroy its clients before it. */
mqtt_loop_t* mqtt_loop_create(void);
void mqtt_loop_destroy(mqtt_loop_t* loop);
/* Runs the loop until mqtt_loop_stop. NULL on Linux (the background loop runs by itself): waits
 * until mqtt_loop_stop(NULL), which may also have been asked before this call. */
void mqtt_loop_run(mqtt_loop_t* loop);
/* One round: waits at most timeout_ms (-1: no limit) for I/O or a timer and runs the callbacks
 * due. NULL on Linux: waits at most timeout_ms until a callback of a background client ran
 * (so not from inside such a callback: the background thread would wait on itself). */
void mqtt_loop_run_once(mqtt_loop_t* loop, int timeout_ms);
void mqtt_loop_stop(mqtt_loop_t* loop); /* thread-safe; also from a callback */

#ifdef __cplusplus
}
#endif

#endif /* MQTT_H */
