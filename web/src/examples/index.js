// The examples offered in the playground; the first is the default script.
import haasDevice from './haas-device.js?raw';
import pubsub from './pubsub.js?raw';
import qos2 from './qos2.js?raw';
import binary from './binary.js?raw';
import sensor from './sensor.js?raw';

export const EXAMPLES = [
  { id: 'haas-device', title: 'HaaS device (original AliOS-Things example)', code: haasDevice },
  { id: 'pubsub', title: 'Publish / subscribe', code: pubsub },
  { id: 'qos2', title: 'QoS 2, exactly once', code: qos2 },
  { id: 'binary', title: 'Binary payloads', code: binary },
  { id: 'sensor', title: 'Simulated sensor (JSON)', code: sensor },
];

export const DEFAULT_EXAMPLE = EXAMPLES[0];
