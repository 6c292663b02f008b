// QoS 2, exactly once: each publish completes with PUBREC/PUBREL/PUBCOMP before `success`.
var mqtt = require('mqtt');

var sent = 0;
var delivered = 0;
var received = 0;
var client = mqtt.createClient({ host: 'broker.local', clientId: 'qos2-demo' });

client.on('connect', function () {
  client.subscribe({
    topic: 'playground/qos2',
    qos: 2,
    success: function () {
      for (var i = 1; i <= 10; i++) {
        sent++;
        client.publish({
          topic: 'playground/qos2',
          message: 'exactly once #' + i,
          qos: 2,
          success: function () {
            delivered++;
            if (delivered === 10) console.log('all 10 PUBCOMPs received');
          },
          fail: function (err) {
            console.error('publish failed:', err.message);
          }
        });
      }
    }
  });
});

client.on('message', function (topic, message, info) {
  received++;
  console.log('received', new TextDecoder().decode(message), 'qos', info && info.qos);
  if (received === 10) {
    console.log('sent', sent, 'delivered', delivered, 'received', received);
  }
});
