/*
 * MQTT on a HaaS board: connect to test.mosquitto.org, subscribe, publish every 2 s,
 * print what arrives. The same file runs on the device; in the playground the broker
 * address is routed to a WebSocket endpoint (see Routing).
 */
var network = require('network');
var mqtt = require('mqtt');

var topic = '/haas/amp/hello';
var mqttClient;

function ab2str(buf) {
  return String.fromCharCode.apply(null, new Uint8Array(buf));
}

function startMqtt() {
  mqttClient = mqtt.createClient({
    host: 'test.mosquitto.org',
    port: 1883,
    clientId: 'haas_amp_device',
    username: 'aiot',
    password: '123456',
    keepalive_interval: 5,
    success: function () {
      console.log('mqtt connected');
    },
    fail: function (err) {
      console.log('mqtt connect failed: ' + (err && err.message));
    }
  });

  mqttClient.on('connect', function () {
    mqttClient.subscribe({
      topic: topic,
      qos: 0,
      success: function () {
        console.log('subscribed to ' + topic);
      }
    });

    var count = 0;
    setInterval(function () {
      count++;
      mqttClient.publish({
        topic: topic,
        message: 'hello from HaaS #' + count,
        qos: 0
      });
    }, 2000);
  });

  mqttClient.on('message', function (topic, payload) {
    console.log('mqtt message: topic ' + topic + ', payload ' + ab2str(payload));
  });

  mqttClient.on('disconnect', function () {
    console.log('mqtt disconnected');
  });

  mqttClient.on('error', function (err) {
    console.log('mqtt error: ' + err.message);
  });
}

var net = network.openNetWorkClient();
if (net.getStatus() == 'connect') {
  console.log('network ' + net.getType() + ' connected');
  startMqtt();
} else {
  net.on('connect', function () {
    console.log('network ' + net.getType() + ' connected');
    startMqtt();
  });
}
