// require('network') for device scripts: the AliOS-Things AMP network module, reduced to an
// always-connected link (the browser already has one). openNetWorkClient() returns a client
// with getType/getStatus/getInfo/connect/disconnect/on, and 'connect' fires for every listener.

export function createNetworkModule({ schedule }) {
  function openNetWorkClient(options = {}) {
    const listeners = { connect: [], disconnect: [] };
    const type = options.devType === 'cellular' ? 'cellular' : options.devType === 'ethnet' ? 'ethnet' : 'wifi';
    const client = {
      getType: () => type,
      getStatus: () => 'connect',
      getInfo: () => ({
        netInfo: { dhcp_en: 1, ip_addr: '127.0.0.1', dns_server: '127.0.0.1', gw: '127.0.0.1', mask: '255.0.0.0', mac: '02:00:00:00:00:01', rssi: -40 },
        devInfo: '',
        simInfo: {},
        cellInfo: {},
      }),
      // Joining a Wi-Fi network always succeeds at once.
      connect(connectOptions = {}) {
        schedule(() => emit('connect'));
        if (typeof connectOptions.success === 'function') schedule(() => connectOptions.success());
        return 0;
      },
      disconnect() { return 0; },
      saveConfig() { return 0; },
      getState: () => 'connect',
      on(event, listener) {
        if (typeof listener !== 'function') return -1;
        (listeners[event] ||= []).push(listener);
        // Already connected: a device script waiting for 'connect' goes on right away.
        if (event === 'connect') schedule(() => listener());
        return 0;
      },
    };
    function emit(event) {
      for (const fn of listeners[event] || []) fn();
    }
    return client;
  }
  return {
    openNetWorkClient,
    openNetClient: openNetWorkClient,
  };
}
