/* The C API in a few lines: connect, subscribe, publish to ourselves, print, close.
 *   example_c [host] [port] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt.h"

static mqtt_loop_t* loop;
static int status = 1;

static void on_published(mqtt_client_t* client, void* user) {
  (void)client, (void)user;
  printf("published\n");
}

static void on_subscribed(mqtt_client_t* client, void* user) {
  mqtt_publish_options_t p;
  (void)user;
  memset(&p, 0, sizeof p);
  p.topic = "example/c";
  p.message = "hello from C";
  p.message_len = strlen("hello from C");
  p.qos = 1;
  p.success = on_published;
  mqtt_publish(client, &p);
}

static void on_connected(mqtt_client_t* client, void* user) {
  mqtt_subscribe_options_t s;
  (void)user;
  memset(&s, 0, sizeof s);
  s.topic = "example/c";
  s.qos = 1;
  s.success = on_subscribed;
  mqtt_subscribe(client, &s);
}

static void on_fail(mqtt_client_t* client, const mqtt_error_t* error, void* user) {
  (void)client, (void)user;
  fprintf(stderr, "could not connect: %s (%d)\n", error->message, error->code);
  mqtt_loop_stop(loop);
}

static void on_event(mqtt_client_t* client, const mqtt_event_t* event, void* user) {
  (void)user;
  if (event->type == MQTT_EVENT_MESSAGE) {
    printf("%s: %.*s\n", event->topic, (int)event->message_len, (const char*)event->message);
    status = 0;
    mqtt_close(client);
  } else if (event->type == MQTT_EVENT_CLOSE) {
    mqtt_loop_stop(loop);
  }
}

int main(int argc, char** argv) {
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  mqtt_client_t* client;
  loop = mqtt_loop_create();
  options.host = argc > 1 ? argv[1] : "127.0.0.1";
  options.port = argc > 2 ? atoi(argv[2]) : 1883;
  options.loop = loop;
  options.success = on_connected;
  options.fail = on_fail;
  client = mqtt_create_client(&options);
  if (!client) return 1;
  mqtt_on(client, MQTT_EVENT_MESSAGE, on_event, NULL);
  mqtt_on(client, MQTT_EVENT_CLOSE, on_event, NULL);
  mqtt_loop_run(loop);
  mqtt_destroy(client);
  mqtt_loop_destroy(loop);
  return status;
}
