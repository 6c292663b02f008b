// The JavaScript error constants agree with the C++ table (MQTT_ERRORS) compiled into the wasm.
import { equal, ok } from './assert.mjs';

export async function errorConstantsMatchCppTable(mqtt) {
  const rows = mqtt.errorTable();
  ok(rows.length > 40, 'the table is there');
  const names = Object.keys(mqtt.errors);
  equal(names.length, rows.length, 'as many constants as table rows');
  for (const [name, value, fatal, message] of rows) {
    const key = name.toUpperCase();
    equal(mqtt.errors[key], value, `errors.${key}`);
    equal(mqtt.errorName(value), key);
    equal(mqtt.errorMessage(value), message);
    const e = new mqtt.MqttError(value);
    ok(e instanceof Error);
    equal(e.code, value);
    equal(e.codeName, key);
    equal(e.fatal, fatal);
    equal(e.message, message);
  }
  equal(mqtt.errors.OK, 0);
  ok(Object.isFrozen(mqtt.errors), 'frozen');
}
