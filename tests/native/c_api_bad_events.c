/* Event numbers outside the enumeration, passed from C (where any int is a value of an enum):
 * each call must refuse them. Returns how many calls did not return MQTT_ERR_INVALID_ARGUMENT. */
#include "mqtt.h"

static void ignore(mqtt_client_t* client, const mqtt_event_t* event, void* user) {
  (void)client, (void)event, (void)user;
}

int c_api_bad_events(mqtt_client_t* client) {
  static const int bad[] = {-1, 6, 99, 1 << 30};
  int wrong = 0;
  unsigned i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    mqtt_event_type_t event = (mqtt_event_type_t)bad[i];
    wrong += mqtt_on(client, event, ignore, 0) != MQTT_ERR_INVALID_ARGUMENT;
    wrong += mqtt_once(client, event, ignore, 0) != MQTT_ERR_INVALID_ARGUMENT;
    wrong += mqtt_off(client, event, ignore, 0) != MQTT_ERR_INVALID_ARGUMENT;
  }
  return wrong;
}
