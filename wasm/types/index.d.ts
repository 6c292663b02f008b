// Type declarations of `mqtt-wasm` (hand-written; the block of error codes is generated from the
// C++ error table by scripts/gen-errors.mjs).

/** Named error codes: every method result and every `MqttError.code`. 0 is success. */
export interface ErrorCodes {
  // <errors>
  readonly OK: 0;
  readonly INVALID_ARGUMENT: 1;
  readonly INVALID_OPTIONS: 2;
  readonly MISSING_HOST: 3;
  readonly INVALID_PORT: 4;
  readonly INVALID_CLIENT_ID: 5;
  readonly INVALID_KEEPALIVE: 6;
  readonly INVALID_PROTOCOL_VERSION: 7;
  readonly INVALID_URL: 8;
  readonly MISSING_TOPIC: 9;
  readonly INVALID_TOPIC: 10;
  readonly INVALID_TOPIC_FILTER: 11;
  readonly TOPIC_TOO_LONG: 12;
  readonly INVALID_UTF8: 13;
  readonly INVALID_QOS: 14;
  readonly MISSING_MESSAGE: 15;
  readonly PAYLOAD_TOO_LARGE: 16;
  readonly INVALID_PROPERTY: 17;
  readonly NOT_SUPPORTED: 18;
  readonly QUEUE_FULL: 20;
  readonly CLOSED: 21;
  readonly NOT_CONNECTED: 22;
  readonly BUSY: 23;
  readonly CONNECT_FAILED: 30;
  readonly CONNECT_TIMEOUT: 31;
  readonly DNS_FAILED: 32;
  readonly CONNECTION_LOST: 33;
  readonly PING_TIMEOUT: 34;
  readonly TLS_FAILED: 35;
  readonly TLS_CERTIFICATE_INVALID: 36;
  readonly TLS_HOSTNAME_MISMATCH: 37;
  readonly WEBSOCKET_FAILED: 38;
  readonly CONNECTION_REFUSED: 39;
  readonly NOT_AUTHORIZED: 40;
  readonly SERVER_DISCONNECT: 41;
  readonly SUBSCRIBE_REFUSED: 50;
  readonly UNSUBSCRIBE_REFUSED: 51;
  readonly PUBLISH_REFUSED: 52;
  readonly AUTH_FAILED: 53;
  readonly MALFORMED_REMAINING_LENGTH: 60;
  readonly PACKET_TOO_LARGE: 61;
  readonly MALFORMED_PACKET: 62;
  readonly INVALID_PACKET_TYPE: 63;
  readonly INVALID_FLAGS: 64;
  readonly MALFORMED_UTF8: 65;
  readonly MALFORMED_TOPIC: 66;
  readonly ZERO_PACKET_ID: 67;
  readonly UNKNOWN_PACKET_ID: 68;
  readonly UNEXPECTED_PACKET: 69;
  readonly DUPLICATE_PROPERTY: 70;
  readonly PROPERTY_NOT_ALLOWED: 71;
  readonly MALFORMED_PROPERTY: 72;
  readonly INVALID_REASON_CODE: 73;
  readonly INVALID_QOS_FROM_SERVER: 74;
  readonly TOPIC_ALIAS_INVALID: 75;
  readonly RECEIVE_MAXIMUM_EXCEEDED: 76;
  readonly PROTOCOL_ERROR: 77;
  // </errors>
}
export type ErrorName = keyof ErrorCodes;

/** What `fail`, `error` and `disconnect` receive. */
export interface MqttError extends Error {
  name: 'MqttError';
  /** A value of `mqtt.errors`. */
  code: number;
  /** The constant's name, e.g. 'INVALID_TOPIC'. */
  codeName: ErrorName | 'UNKNOWN';
  /** Fatal errors end the connection (reconnection follows); the others fail one request. */
  fatal: boolean;
  /** MQTT reason code from the broker (CONNACK, SUBACK, PUBACK, DISCONNECT), when it sent one. */
  reasonCode?: number;
  /** MQTT 5 Reason String from the broker. */
  reasonString?: string;
}
export interface MqttErrorConstructor {
  new (code: number, detail?: string, reasonCode?: number, reasonString?: string): MqttError;
  readonly prototype: MqttError;
}

/** Bytes accepted as a payload: a String is sent as UTF-8. */
export type Payload = string | ArrayBuffer | ArrayBufferView;
export type QoS = 0 | 1 | 2;
/** MQTT 5 user properties: an object (repeated keys as arrays) or [key, value] pairs. */
export type UserProperties = Record<string, string | string[]> | Array<[string, string]>;

export interface WillOptions {
  topic: string;
  /** Also accepted as `message`. */
  payload?: Payload;
  message?: Payload;
  qos?: QoS;
  retain?: boolean;
  /** MQTT 5 Will Delay Interval, seconds (also `properties.willDelayInterval`). */
  delayInterval?: number;
  properties?: { willDelayInterval?: number };
}

/** Node only: TLS for protocol 'mqtts' (and 'wss' through the `ws` package). */
export interface TlsOptions {
  /** Trusted CA certificates (PEM); default: Node's store. */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** Client certificate and key (PEM). */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** Verify the broker's certificate and name (default true). `verify` is the same. */
  rejectUnauthorized?: boolean;
  verify?: boolean;
  /** Name to verify and send as SNI; default: the host. */
  servername?: string;
}

export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Payload;
}

export interface ClientOptions extends ConnectProperties {
  /** Broker address (IP or name). Required unless `url` is given. */
  host?: string;
  /** Default: the protocol's port (1883 mqtt, 8883 mqtts, 80 ws, 443 wss). */
  port?: number;
  /** Default: generated, 23 characters of [0-9a-zA-Z]. */
  clientId?: string;
  username?: string;
  password?: string;
  /** Seconds, default 60; 0 turns keep-alive off. */
  keepalive_interval?: number;
  /** Called once, when the first CONNACK accepts the connection. */
  success?: () => void;
  /** Called once, when the first attempt fails (or the options are invalid: createClient returns null). */
  fail?: (error: MqttError) => void;

  /** Transport. Node: default 'mqtt' (TCP). Browser: default 'ws' ('mqtt'/'mqtts' are refused). */
  protocol?: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  /** WebSocket path, default '/mqtt'. */
  path?: string;
  /** Full address instead of protocol/host/port/path: mqtt://, mqtts://, ws://, wss://. */
  url?: string;
  /** Further broker urls tried in turn after the first (failover). */
  servers?: string[];
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5.0. */
  protocolVersion?: 4 | 5;
  /** Clean Session / Clean Start, default true. */
  clean?: boolean;
  will?: WillOptions;
  /** Connection attempt timeout, ms (default 30000; 0: none). */
  connectTimeout?: number;
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean;
  /** First reconnection delay, ms (default 1000); doubles each try up to reconnectMaxDelay. */
  reconnectMinDelay?: number;
  /** Largest reconnection delay, ms (default 30000). */
  reconnectMaxDelay?: number;
  /** Each delay varies by ± this percentage (default 20). */
  reconnectJitter?: number;
  /** Delay after refused credentials, ms (default 60000). */
  refusedRetryDelay?: number;
  /** Offline queue limits (default 1000 messages, 8 MiB). */
  queueMaxMessages?: number;
  queueMaxBytes?: number;
  /** Outgoing QoS 1/2 messages in flight at once (default 20; MQTT 5 brokers may lower it). */
  maxInflight?: number;
  /** MQTT 5 CONNECT properties, MQTT.js style (the same names are accepted at the top level). */
  properties?: ConnectProperties;
  /** Node only. */
  tls?: TlsOptions;
}

export interface RequestCallbacks<T = void> {
  success?: (result: T) => void;
  fail?: (error: MqttError) => void;
}

export interface SubscribeOptions extends RequestCallbacks<{ topic: string; qos: number }> {
  /** Topic filter (wildcards allowed). */
  topic: string;
  qos?: QoS;
  /** MQTT 5 subscription options. */
  nl?: boolean;
  noLocal?: boolean;
  rap?: boolean;
  retainAsPublished?: boolean;
  rh?: 0 | 1 | 2;
  retainHandling?: 0 | 1 | 2;
  properties?: { subscriptionIdentifier?: number; userProperties?: UserProperties };
}

export interface UnsubscribeOptions extends RequestCallbacks {
  topic: string;
  properties?: { userProperties?: UserProperties };
}

export interface PublishProperties {
  payloadFormatIndicator?: boolean | 0 | 1;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Payload;
  userProperties?: UserProperties;
}

export interface PublishOptions extends RequestCallbacks {
  /** Topic name (no wildcards). */
  topic: string;
  message: Payload;
  qos?: QoS;
  retain?: boolean;
  /** MQTT 5. */
  properties?: PublishProperties;
}

/** MQTT 5 properties of a received message (absent ones are left out). */
export interface MessageProperties {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  subscriptionIdentifier?: number[];
  topicAlias?: number;
  userProperties?: Record<string, string | string[]>;
  [name: string]: unknown;
}

export interface MessageInfo {
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** MQTT 5 only. */
  properties?: MessageProperties;
}

export interface ClientEvents {
  connect: () => void;
  disconnect: (reason: MqttError) => void;
  reconnect: () => void;
  /** `info` is passed to a listener that declares three parameters (or none, `...args`); a default value does not count. */
  message: (topic: string, message: ArrayBuffer, info: MessageInfo) => void;
  error: (error: MqttError) => void;
  close: () => void;
  /** MQTT 5 enhanced authentication: the broker sent AUTH (continue). */
  auth: (packet: { reasonCode: number; properties: MessageProperties }) => void;
}
export type EventName = keyof ClientEvents;

export interface Client {
  on<E extends EventName>(event: E, listener: ClientEvents[E]): this;
  once<E extends EventName>(event: E, listener: ClientEvents[E]): this;
  /** Without a listener: removes every listener of the event. */
  off<E extends EventName>(event: E, listener?: ClientEvents[E]): this;

  /** 0: accepted (then success or fail follows once); other values: refused (fail was called). */
  subscribe(options: SubscribeOptions): number;
  unsubscribe(options: UnsubscribeOptions): number;
  publish(options: PublishOptions): number;
  /** Sends DISCONNECT, emits `close`, releases everything; later calls return errors.CLOSED. */
  close(): number;

  /** MQTT 5 enhanced authentication: answers an `auth` event (reasonCode default 0x18, continue). */
  auth(options?: { reasonCode?: number; data?: Payload }): number;

  /** Extensions: promise forms of the requests (they reject with the MqttError). */
  subscribeAsync(options: SubscribeOptions): Promise<{ topic: string; qos: number }>;
  unsubscribeAsync(options: UnsubscribeOptions): Promise<void>;
  publishAsync(options: PublishOptions): Promise<void>;
  closeAsync(): Promise<void>;

  readonly state: 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';
  readonly connected: boolean;
  readonly closed: boolean;
  readonly clientId: string;
}

export interface Mqtt {
  /** Synchronous: the client, or null (and `fail` is called) when the options are invalid. */
  createClient(options: ClientOptions): Client | null;
  /** Extension: resolves with the connected client; rejects (and closes it) when the first attempt fails. */
  connectAsync(options: ClientOptions): Promise<Client>;
  readonly errors: Readonly<ErrorCodes>;
  readonly MqttError: MqttErrorConstructor;
  /** 'INVALID_TOPIC' for 10. */
  errorName(code: number): ErrorName | 'UNKNOWN';
  errorMessage(code: number): string;
  readonly events: readonly EventName[];
  /** Diagnostics: the wasm heap size, the allocator's bytes in use, live clients. */
  memory(): { heapSize: number; allocated: number; clients: number };
  /** The C++ error table: [name, value, fatal, message] rows. */
  errorTable(): Array<[string, number, boolean, string]>;
}

declare const mqtt: Mqtt;
export default mqtt;
export declare const createClient: Mqtt['createClient'];
export declare const connectAsync: Mqtt['connectAsync'];
export declare const errors: Mqtt['errors'];
export declare const MqttError: MqttErrorConstructor;
