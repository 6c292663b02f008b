/* MQTT 5 subscription options from C, each shown against the same subscription without it:
 * retain_handling 2 (no retained message at subscribe), no_local (not our own messages),
 * retain_as_published (the retain flag kept on a forwarded message). A message on `marker`,
 * sent last on the same connection, proves that an absent one is not merely late.
 * Returns 0 on success, or the number of the step that went wrong. */
#include <string.h>

#include "c_steps.h"

struct so_scenario {
  struct c_steps steps; /* first: the user pointer of the request callbacks */
  mqtt_client_t* client;
  int retained, local, kept, cleared, marker;
  int kept_retain, cleared_retain;
};

static void on_message(mqtt_client_t* c, const mqtt_event_t* e, void* user) {
  struct so_scenario* s = (struct so_scenario*)user;
  (void)c;
  if (strcmp(e->topic, "so/retained") == 0) s->retained++;
  if (strcmp(e->topic, "so/local") == 0) s->local++;
  if (strcmp(e->topic, "so/kept") == 0) s->kept++, s->kept_retain = e->retain;
  if (strcmp(e->topic, "so/cleared") == 0) s->cleared++, s->cleared_retain = e->retain;
  if (strcmp(e->topic, "so/marker") == 0) s->marker++;
}

#define WAIT(cond) C_WAIT(&s.steps, cond)

static int subscribe(struct so_scenario* s, const char* topic, int no_local,
                     int retain_as_published, int retain_handling) {
  mqtt_subscribe_options_t sub;
  memset(&sub, 0, sizeof sub);
  sub.topic = topic;
  sub.qos = 1;
  sub.success = c_steps_subscribed;
  sub.fail = c_steps_failed;
  sub.user = s;
  sub.no_local = no_local;
  sub.retain_as_published = retain_as_published;
  sub.retain_handling = retain_handling;
  return mqtt_subscribe(s->client, &sub);
}

static int publish(struct so_scenario* s, const char* topic, int retain) {
  mqtt_publish_options_t pub;
  memset(&pub, 0, sizeof pub);
  pub.topic = topic;
  pub.message = "x";
  pub.message_len = 1;
  pub.qos = 1;
  pub.retain = retain;
  pub.success = c_steps_published;
  pub.fail = c_steps_failed;
  pub.user = s;
  return mqtt_publish(s->client, &pub);
}

int c_api_v5_subscribe_scenario(int port) {
  struct so_scenario s;

  memset(&s, 0, sizeof s);
  s.client = c_steps_connect_v5(&s.steps, port, on_message);
  if (!s.client) return 1;

  /* A retained message, then a subscription that asks for none at subscribe time. */
  if (publish(&s, "so/retained", 1) != 0) return 4;
  WAIT(s.steps.published == 1);
  if (s.steps.published != 1) return 5;
  if (subscribe(&s, "so/retained", 0, 0, 2) != 0) return 6;
  if (subscribe(&s, "so/local", 1, 0, 0) != 0) return 7;
  if (subscribe(&s, "so/kept", 0, 1, 0) != 0) return 8;
  if (subscribe(&s, "so/cleared", 0, 0, 0) != 0) return 9;
  if (subscribe(&s, "so/marker", 0, 0, 0) != 0) return 10;
  WAIT(s.steps.subscribed == 5 || s.steps.failed);
  if (s.steps.subscribed != 5) return 11;

  /* Our own message on a no_local subscription, retained messages forwarded live with and
   * without retain_as_published, then the marker. */
  if (publish(&s, "so/local", 0) != 0) return 12;
  if (publish(&s, "so/kept", 1) != 0) return 13;
  if (publish(&s, "so/cleared", 1) != 0) return 14;
  if (publish(&s, "so/marker", 0) != 0) return 15;
  WAIT(s.marker == 1);
  if (s.marker != 1) return 16;
  if (s.retained != 0) return 17; /* retain_handling 2 */
  if (s.local != 0) return 18;    /* no_local */
  if (s.kept != 1 || s.kept_retain != 1) return 19;         /* retain_as_published */
  if (s.cleared != 1 || s.cleared_retain != 0) return 20;   /* without it: cleared */

  /* The same filter again with retain_handling 0: the retained message comes at subscribe. */
  if (subscribe(&s, "so/retained", 0, 0, 0) != 0) return 22;
  WAIT(s.retained == 1);
  if (s.retained != 1) return 23;

  /* Out of range: refused before anything is sent. */
  if (subscribe(&s, "so/marker", 0, 0, 3) != MQTT_ERR_INVALID_ARGUMENT) return 24;
  if (s.steps.failed != MQTT_ERR_INVALID_ARGUMENT) return 25;

  mqtt_destroy(s.client);
  mqtt_loop_destroy(s.steps.loop);
  return 0;
}
