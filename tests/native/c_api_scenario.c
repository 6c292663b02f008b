/* The C API used from C, as firmware would: connect, subscribe, publish binary, receive, change
 * listeners from inside a listener, close.
 * Returns 0 on success, or the number of the step that went wrong. */
#include <string.h>

#include "c_steps.h"

struct scenario {
  struct c_steps steps; /* first: the user pointer of the request callbacks */
  int closed;
  int received;
  size_t received_len;
  unsigned char received_bytes[8];
  char topic[64];
  int invalid_fail_code;
  int editor_calls, removed_calls, added_calls;
  int properties_on_v311; /* MQTT 3.1.1 messages carry no properties: NULL */
};

static void on_invalid(mqtt_client_t* c, const mqtt_error_t* e, void* user) {
  (void)c;
  ((struct scenario*)user)->invalid_fail_code = e->code;
}

static void on_event(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  struct scenario* s = (struct scenario*)user;
  (void)c;
  if (e->type == MQTT_EVENT_MESSAGE) {
    s->received++;
    if (e->properties) s->properties_on_v311 = 1;
    s->received_len = e->message_len;
    if (e->message_len <= sizeof s->received_bytes)
      memcpy(s->received_bytes, e->message, e->message_len);
    strncpy(s->topic, e->topic, sizeof s->topic - 1);
  } else if (e->type == MQTT_EVENT_CLOSE) {
    s->closed = 1;
  }
}

/* Listeners changed from inside a listener (the editor runs first, then `removed`). */
static void removed_listener(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  (void)c, (void)e;
  ((struct scenario*)user)->removed_calls++;
}

static void added_listener(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  (void)c, (void)e;
  ((struct scenario*)user)->added_calls++;
}

static void editor_listener(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  struct scenario* s = (struct scenario*)user;
  (void)e;
  s->editor_calls++;
  /* As in C++ and JavaScript: off still lets `removed` run for this message (it was there when
   * the delivery began), not for the next; on: called from the next message on. */
  mqtt_off(c, MQTT_EVENT_MESSAGE, removed_listener, s);
  mqtt_on(c, MQTT_EVENT_MESSAGE, added_listener, s);
  mqtt_off(c, MQTT_EVENT_MESSAGE, editor_listener, s);
}

#define WAIT(cond) C_WAIT(&s.steps, cond)

int c_api_scenario(int port) {
  struct scenario s;
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  mqtt_subscribe_options_t sub;
  mqtt_publish_options_t pub;
  mqtt_client_t* client;
  static const unsigned char payload[5] = {0x00, 0xff, 0x10, 0x00, 0x7f};

  memset(&s, 0, sizeof s);
  s.steps.loop = mqtt_loop_create();

  /* Invalid options: NULL, and fail tells why. */
  options.loop = s.steps.loop;
  options.user = &s;
  options.fail = c_steps_failed;
  if (mqtt_create_client(&options) != NULL) return 1;
  if (s.steps.failed != MQTT_ERR_MISSING_HOST) return 2;
  s.steps.failed = 0;

  options.host = "127.0.0.1";
  options.port = port;
  options.success = c_steps_connected;
  client = mqtt_create_client(&options);
  if (!client) return 3;
  if (strlen(mqtt_client_id(client)) == 0) return 4;
  if (mqtt_on(client, MQTT_EVENT_MESSAGE, on_event, &s) != 0) return 5;
  if (mqtt_on(client, MQTT_EVENT_CLOSE, on_event, &s) != 0) return 6;
  WAIT(s.steps.connected || s.steps.failed);
  if (!s.steps.connected) return 7;

  memset(&sub, 0, sizeof sub);
  sub.topic = "c/api";
  sub.qos = 1;
  sub.success = c_steps_subscribed;
  sub.user = &s;
  if (mqtt_subscribe(client, &sub) != 0) return 8;
  WAIT(s.steps.subscribed);
  if (!s.steps.subscribed) return 9;

  memset(&pub, 0, sizeof pub);
  pub.topic = "c/api";
  pub.message = payload;
  pub.message_len = sizeof payload;
  pub.qos = 2;
  pub.success = c_steps_published;
  pub.user = &s;
  if (mqtt_publish(client, &pub) != 0) return 10;
  WAIT(s.steps.published && s.received);
  if (!s.steps.published || s.received != 1) return 11;
  if (s.received_len != sizeof payload || memcmp(s.received_bytes, payload, sizeof payload) != 0)
    return 12;
  if (strcmp(s.topic, "c/api") != 0) return 13;
  if (s.properties_on_v311) return 27;

  /* Listeners added and removed during a delivery. */
  if (mqtt_on(client, MQTT_EVENT_MESSAGE, editor_listener, &s) != 0) return 14;
  if (mqtt_on(client, MQTT_EVENT_MESSAGE, removed_listener, &s) != 0) return 15;
  s.steps.published = 0;
  if (mqtt_publish(client, &pub) != 0) return 16;
  WAIT(s.steps.published && s.received == 2);
  if (s.received != 2) return 17;
  if (s.editor_calls != 1 || s.removed_calls != 1 || s.added_calls != 0) return 18;
  s.steps.published = 0;
  if (mqtt_publish(client, &pub) != 0) return 19;
  WAIT(s.steps.published && s.received == 3);
  if (s.received != 3) return 20;
  if (s.editor_calls != 1 || s.removed_calls != 1 || s.added_calls != 1) return 21;

  /* A wildcard in a publish topic: non-zero, fail called with the same code. */
  pub.topic = "c/+";
  pub.fail = on_invalid;
  if (mqtt_publish(client, &pub) != MQTT_ERR_INVALID_TOPIC) return 22;
  if (s.invalid_fail_code != MQTT_ERR_INVALID_TOPIC) return 23;

  if (mqtt_close(client) != 0) return 24;
  WAIT(s.closed);
  if (!s.closed) return 25;
  if (mqtt_close(client) == 0) return 26;
  mqtt_destroy(client);
  mqtt_loop_destroy(s.steps.loop);
  return 0;
}
