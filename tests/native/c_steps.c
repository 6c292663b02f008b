#include "c_steps.h"

#include <stddef.h>

void c_steps_connected(mqtt_client_t* client, void* user) {
  (void)client;
  ((struct c_steps*)user)->connected++;
}

void c_steps_subscribed(mqtt_client_t* client, void* user) {
  (void)client;
  ((struct c_steps*)user)->subscribed++;
}

void c_steps_published(mqtt_client_t* client, void* user) {
  (void)client;
  ((struct c_steps*)user)->published++;
}

void c_steps_failed(mqtt_client_t* client, const mqtt_error_t* error, void* user) {
  (void)client;
  ((struct c_steps*)user)->failed = error->code;
}

mqtt_client_t* c_steps_connect_v5(struct c_steps* steps, int port, mqtt_event_cb on_message) {
  mqtt_options_t options = MQTT_OPTIONS_INIT;
  mqtt_client_t* client;
  steps->loop = mqtt_loop_create();
  options.loop = steps->loop;
  options.host = "127.0.0.1";
  options.port = port;
  options.protocol_version = 5;
  options.user = steps;
  options.success = c_steps_connected;
  options.fail = c_steps_failed;
  client = mqtt_create_client(&options);
  if (!client) return NULL;
  if (mqtt_on(client, MQTT_EVENT_MESSAGE, on_message, steps) != 0) return NULL;
  C_WAIT(steps, steps->connected || steps->failed);
  return steps->connected ? client : NULL;
}
