// Binary payloads: all 256 byte values in one message, and an empty one, round trip intact.
var mqtt = require('mqtt');

var bytes = new Uint8Array(256);
for (var i = 0; i < 256; i++) bytes[i] = i;

var client = mqtt.createClient({ host: 'broker.local', clientId: 'binary-demo' });

client.on('connect', function () {
  client.subscribe({
    topic: 'playground/binary/#',
    success: function () {
      client.publish({ topic: 'playground/binary/all-bytes', message: bytes.buffer });
      client.publish({ topic: 'playground/binary/empty', message: new ArrayBuffer(0) });
    }
  });
});

client.on('message', function (topic, message) {
  var got = new Uint8Array(message);
  var same = got.length === (topic.endsWith('empty') ? 0 : 256) && got.every(function (b, i) { return b === i; });
  console.log(topic, got.length, 'bytes', same ? 'intact' : 'CHANGED');
});
