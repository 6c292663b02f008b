/* MQTT 5 from C: a message published with every property mqtt_properties_t offers comes back
 * with them (user properties in order, binary correlation data); what C can pass and MQTT cannot
 * carry is refused with MQTT_ERR_INVALID_PROPERTY, through the return value and fail.
 * Returns 0 on success, or the number of the step that went wrong. */
#include <string.h>

#include "c_steps.h"

struct v5_scenario {
  struct c_steps steps; /* first: the user pointer of the request callbacks */
  int received, had_properties;
  /* What the message event carried, copied: its pointers are valid only during the callback. */
  int has_format, format, has_expiry;
  uint32_t expiry;
  char content_type[32], response_topic[32];
  unsigned char correlation[8];
  size_t correlation_len;
  size_t user_len;
  char user[3][2][16];
};

static void copy_text(char* to, size_t size, const char* from) {
  if (!from) return;
  strncpy(to, from, size - 1);
  to[size - 1] = '\0';
}

static void on_message(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  struct v5_scenario* s = (struct v5_scenario*)user;
  const mqtt_properties_t* p = e->properties;
  size_t i;
  (void)c;
  s->received++;
  if (!p) return;
  s->had_properties = 1;
  s->has_format = p->has_payload_format_indicator;
  s->format = p->payload_format_indicator;
  s->has_expiry = p->has_message_expiry_interval;
  s->expiry = p->message_expiry_interval;
  copy_text(s->content_type, sizeof s->content_type, p->content_type);
  copy_text(s->response_topic, sizeof s->response_topic, p->response_topic);
  s->correlation_len = p->correlation_data_len;
  if (p->correlation_data && p->correlation_data_len <= sizeof s->correlation)
    memcpy(s->correlation, p->correlation_data, p->correlation_data_len);
  s->user_len = p->user_properties_len;
  for (i = 0; i < p->user_properties_len && i < 3; ++i) {
    copy_text(s->user[i][0], sizeof s->user[i][0], p->user_properties[i].key);
    copy_text(s->user[i][1], sizeof s->user[i][1], p->user_properties[i].value);
  }
}

#define WAIT(cond) C_WAIT(&s.steps, cond)

int c_api_v5_scenario(int port) {
  struct v5_scenario s;
  mqtt_subscribe_options_t sub;
  mqtt_publish_options_t pub;
  mqtt_properties_t props;
  mqtt_user_property_t user[3];
  mqtt_client_t* client;
  static const unsigned char correlation[4] = {0x00, 0xfe, 0x01, 0x00};
  static const char topic[] = "c/v5/properties";

  memset(&s, 0, sizeof s);
  client = c_steps_connect_v5(&s.steps, port, on_message);
  if (!client) return 1;

  memset(&sub, 0, sizeof sub);
  sub.topic = topic;
  sub.qos = 1;
  sub.success = c_steps_subscribed;
  sub.user = &s;
  if (mqtt_subscribe(client, &sub) != 0) return 4;
  WAIT(s.steps.subscribed);
  if (!s.steps.subscribed) return 5;

  /* Every property; the strings and bytes are the caller's, read before mqtt_publish returns. */
  user[0].key = "sensor";
  user[0].value = "kitchen";
  user[1].key = "unit";
  user[1].value = "C";
  user[2].key = "sensor"; /* keys may repeat; order is kept */
  user[2].value = "hall";
  memset(&props, 0, sizeof props);
  props.has_payload_format_indicator = 1;
  props.payload_format_indicator = 1;
  props.has_message_expiry_interval = 1;
  props.message_expiry_interval = 60;
  props.content_type = "text/plain";
  props.response_topic = "c/v5/reply";
  props.correlation_data = correlation;
  props.correlation_data_len = sizeof correlation;
  props.user_properties = user;
  props.user_properties_len = 3;
  memset(&pub, 0, sizeof pub);
  pub.topic = topic;
  pub.message = "21.5";
  pub.message_len = 4;
  pub.qos = 1;
  pub.success = c_steps_published;
  pub.fail = c_steps_failed;
  pub.user = &s;
  pub.properties = &props;
  if (mqtt_publish(client, &pub) != 0) return 6;
  WAIT(s.steps.published && s.received);
  if (!s.steps.published || s.received != 1) return 7;
  if (!s.had_properties) return 8;
  if (!s.has_format || s.format != 1) return 9;
  /* The broker forwards the time left: at most what was sent, and a moment of it passed. */
  if (!s.has_expiry || s.expiry > 60 || s.expiry < 50) return 10;
  if (strcmp(s.content_type, "text/plain") != 0) return 11;
  if (strcmp(s.response_topic, "c/v5/reply") != 0) return 12;
  if (s.correlation_len != sizeof correlation ||
      memcmp(s.correlation, correlation, sizeof correlation) != 0)
    return 13;
  if (s.user_len != 3) return 14;
  if (strcmp(s.user[0][0], "sensor") != 0 || strcmp(s.user[0][1], "kitchen") != 0) return 15;
  if (strcmp(s.user[1][0], "unit") != 0 || strcmp(s.user[1][1], "C") != 0) return 16;
  if (strcmp(s.user[2][0], "sensor") != 0 || strcmp(s.user[2][1], "hall") != 0) return 17;

  /* No properties given: none arrive (the event still has the struct, all absent). */
  memset(&s.content_type, 0, sizeof s.content_type);
  s.steps.published = 0;
  pub.properties = NULL;
  if (mqtt_publish(client, &pub) != 0) return 18;
  WAIT(s.steps.published && s.received == 2);
  if (s.received != 2) return 19;
  if (s.has_format || s.has_expiry || s.content_type[0] != '\0' || s.user_len != 0 ||
      s.correlation_len != 0)
    return 20;

  /* Refused before anything is sent: a NULL value, a format indicator MQTT does not define. */
  pub.properties = &props;
  user[1].value = NULL;
  if (mqtt_publish(client, &pub) != MQTT_ERR_INVALID_PROPERTY) return 21;
  if (s.steps.failed != MQTT_ERR_INVALID_PROPERTY) return 22;
  user[1].value = "C";
  s.steps.failed = 0;
  props.payload_format_indicator = 2;
  if (mqtt_publish(client, &pub) != MQTT_ERR_INVALID_PROPERTY) return 23;
  if (s.steps.failed != MQTT_ERR_INVALID_PROPERTY) return 24;

  mqtt_destroy(client);
  mqtt_loop_destroy(s.steps.loop);
  return 0;
}
