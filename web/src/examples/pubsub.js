// Publish and subscribe: one client subscribes to a filter with a wildcard and publishes to
// two topics under it. While it runs, send to a topic under playground/demo/ with the
// "Publish" form: the script prints that message too.
var mqtt = require('mqtt');

var client = mqtt.createClient({
  host: 'broker.local',
  port: 1883,
  success: function () {
    console.log('connected');
  },
  fail: function (err) {
    console.log('could not connect:', err.message);
  }
});

client.on('connect', function () {
  client.subscribe({
    topic: 'playground/demo/#',
    qos: 1,
    success: function () {
      client.publish({ topic: 'playground/demo/a', message: 'first', qos: 1 });
      client.publish({ topic: 'playground/demo/b', message: 'second', qos: 1 });
    }
  });
});

client.on('message', function (topic, message) {
  console.log(topic, '→', new TextDecoder().decode(message));
});
