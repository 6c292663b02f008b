/* Firmware written in C, for the size build: the C API (mqtt.h) on the device port, connecting,
 * subscribing, publishing and running the loop from the task. Linked to be measured, never run. */
#include <string.h>

#include "mqtt.h"

static volatile unsigned received;

static void on_event(mqtt_client_t* client, const mqtt_event_t* event, void* user) {
  (void)client, (void)user;
  if (event->type == MQTT_EVENT_MESSAGE) received += (unsigned)event->message_len;
}

static void on_connected(mqtt_client_t* client, void* user) {
  mqtt_subscribe_options_t s;
  (void)user;
  memset(&s, 0, sizeof s);
  s.topic = "device/cmd/#";
  s.qos = 1;
  mqtt_subscribe(client, &s);
}

int main(void) {
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  mqtt_publish_options_t p;
  mqtt_client_t* client;
  unsigned i;
  options.host = "192.0.2.1";
  options.keepalive_interval = 30;
  options.success = on_connected;
  client = mqtt_create_client(&options);
  if (!client) return 1;
  mqtt_on(client, MQTT_EVENT_MESSAGE, on_event, NULL);
  memset(&p, 0, sizeof p);
  p.topic = "device/temp";
  p.message = "21.5";
  p.message_len = 4;
  p.qos = 1;
  for (i = 0; i < 1000; ++i) {
    mqtt_loop_run_once(NULL, 100);
    if (i % 100 == 0) mqtt_publish(client, &p);
  }
  mqtt_close(client);
  mqtt_destroy(client);
  return (int)received;
}
