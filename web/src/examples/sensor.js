// A simulated sensor: publishes a JSON reading every second, and listens for commands.
// Send {"interval": 250} to playground/sensor/cmd with the Publish form to speed it up.
var mqtt = require('mqtt');

var id = 'sensor-' + Math.floor(Math.random() * 1000);
var interval = 1000;
var timer = null;
var t = 0;

var client = mqtt.createClient({
  host: 'broker.local',
  clientId: id,
  keepalive_interval: 30
});

function reading() {
  t++;
  return {
    id: id,
    temperature: +(21 + 3 * Math.sin(t / 10) + Math.random() * 0.3).toFixed(2),
    humidity: +(45 + 10 * Math.cos(t / 15)).toFixed(1),
    ts: Date.now()
  };
}

function schedule() {
  if (timer) clearInterval(timer);
  timer = setInterval(function () {
    client.publish({ topic: 'playground/sensor/data', message: JSON.stringify(reading()) });
  }, interval);
}

client.on('connect', function () {
  console.log(id, 'online');
  client.subscribe({ topic: 'playground/sensor/cmd', qos: 1 });
  schedule();
});

client.on('message', function (topic, message) {
  try {
    var cmd = JSON.parse(new TextDecoder().decode(message));
    if (cmd.interval >= 50) {
      interval = cmd.interval;
      schedule();
      console.log('interval now', interval, 'ms');
    }
  } catch (e) {
    console.warn('ignored command:', e.message);
  }
});
