// Loads the real WebAssembly package: its browser entry instantiates the module with a
// top-level await, so the default export is the ready `mqtt` module object of the contract.
import mqtt from 'mqtt-wasm';

export async function loadMqtt() {
  if (!mqtt || typeof mqtt.createClient !== 'function') throw new Error('the mqtt-wasm package has no createClient');
  return mqtt;
}
