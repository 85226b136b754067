import type { Clock, Config, DeviceEvent, Fleet, Logger, Reading, Registry } from '../core/index.js'
import type { DeadLetter, DeadLetterQuery } from './dead-letters.js'
import type { GatewayEndpoints } from './listeners.js'

export interface GatewayDeps {
  /** Uses config.mqtt.*. */
  config: Config
  fleet: Fleet
  logger: Logger
  metrics: Registry
  /**
   * Called once per accepted telemetry message with its Readings. The QoS 1 PUBACK is sent
   * only after this promise resolves (so an acknowledged reading has been handed on); if it
   * rejects, the message is not acknowledged and the device's connection is closed, so the
   * device sends it again after reconnecting.
   */
  onReadings: (readings: Reading[]) => Promise<void>
  /** Connection status, device-reported faults, and silence (silent, resumed). */
  onDeviceEvent: (event: DeviceEvent) => void
  /** Arrival time for messages without `ts`, liveness and dead-letter times; defaults to the system clock. */
  clock?: Clock
}

export interface GatewayStats {
  connectedDevices: number
  /** Messages (telemetry, status, events) of which at least something was accepted. */
  messagesAccepted: number
  readingsAccepted: number
  /** Refusals: whole messages, single metrics and subscriptions (one per dead letter). */
  rejected: number
  /** Devices silent now (no telemetry for longer than their expected interval). */
  silentDevices: number
}

export interface Gateway {
  /**
   * Embedded: listens on TCP config.mqtt.host:config.mqtt.port (0 = free port), and TLS and
   * WebSocket when configured. External (config.mqtt.brokerUrl): connects and subscribes.
   */
  start(): Promise<void>
  /** Closes clients, server and aedes, and clears every timer. */
  stop(): Promise<void>
  /** Actual port after start(). */
  readonly port: number
  /** e.g. mqtt://127.0.0.1:1883 */
  readonly url: string
  /** Newest first; `limit` (default all held), `deviceId` and `reason` narrow the list. */
  deadLetters(query?: DeadLetterQuery): DeadLetter[]
  /** Dead letters held (at most DEAD_LETTER_CAPACITY). */
  readonly deadLetterCount: number
  stats(): GatewayStats
  /** Reports devices that fell silent now; a timer does it every mqtt.silenceCheckIntervalMs. */
  checkSilence(): void
  /** Every listener's URL after start() (external broker mode: the broker's URL, without password). */
  endpoints(): GatewayEndpoints
  /**
   * Closes the device's current connection, if it has one; `reason` goes to the log. The
   * gateway does this itself when the fleet changes under a connected device (removed,
   * disabled, secret changed). External broker mode: always false, the broker holds the
   * connections.
   */
  disconnectDevice(deviceId: string, reason: string): boolean
}
