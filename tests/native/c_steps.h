/* What the C scenarios share: the outcomes of the connection and of requests, counted by these
 * callbacks (pass a struct c_steps*, or a struct whose first member is one, as `user`), and a
 * wait that runs the loop until a condition holds or about five seconds passed. */
#ifndef C_STEPS_H
#define C_STEPS_H

#include "mqtt.h"

struct c_steps {
  mqtt_loop_t* loop;
  int connected, subscribed, published;
  int failed; /* the code the last fail callback got */
};

void c_steps_connected(mqtt_client_t* client, void* user);
void c_steps_subscribed(mqtt_client_t* client, void* user);
void c_steps_published(mqtt_client_t* client, void* user);
void c_steps_failed(mqtt_client_t* client, const mqtt_error_t* error, void* user);

/* A new loop in steps->loop and an MQTT 5 client on it, connected to 127.0.0.1:port, with
 * on_message listening (user: steps); NULL when it did not connect. */
mqtt_client_t* c_steps_connect_v5(struct c_steps* steps, int port, mqtt_event_cb on_message);

#define C_WAIT(steps, cond)                                                        \
  do {                                                                             \
    int i_;                                                                        \
    for (i_ = 0; i_ < 500 && !(cond); ++i_) mqtt_loop_run_once((steps)->loop, 10); \
  } while (0)

#endif
