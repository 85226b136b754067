import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { deviceTopic } from '../core/index.js'
import type { TelemetryMessage } from './device-signal.js'
import { SimulatorError } from './errors.js'

export interface DeviceConnectionOptions {
  brokerUrl: string
  deviceId: string
  secret: string
}

const CONNECT_TIMEOUT_MS = 10_000
const RECONNECT_PERIOD_MS = 1_000
/** A run gives up on a device whose broker has been gone this long, instead of hanging. */
const GIVE_UP_AFTER_MS = 30_000
/** CONNACK codes that mean "wrong credentials" in MQTT 3.1.1 (4, 5) and 5.0 (134, 135). */
const AUTH_REFUSALS: ReadonlySet<number> = new Set([4, 5, 134, 135])

/**
 * One device's MQTT session, as a real device would hold it: its own client id and
 * credentials, a retained "offline" last will, and a retained "online" status. Status
 * timestamps are in the data clock, like the telemetry, so consumers see one timeline.
 */
export class DeviceConnection {
  readonly deviceId: string
  readonly #client: MqttClient
  #lastTs: number | null = null
  #lostTimer: NodeJS.Timeout | null = null
  #isLost = false
  #lastError: unknown = null
  readonly #waiting = new Set<(err: Error) => void>()

  private constructor(deviceId: string, client: MqttClient) {
    this.deviceId = deviceId
    this.#client = client
    client.on('error', (err) => {
      this.#lastError = err
    })
    client.on('offline', () => this.#startGiveUpTimer())
    client.on('connect', () => this.#onReconnected())
  }

  /** Connects and waits for the broker's CONNACK; fails fast when the broker is unreachable. */
  static async open(options: DeviceConnectionOptions): Promise<DeviceConnection> {
    try {
      const client = await connectAsync(options.brokerUrl, clientOptions(options), false)
      return new DeviceConnection(options.deviceId, client)
    } catch (err: unknown) {
      throw connectError(err, options)
    }
  }

  /** Publishes the retained "online" status at the data-clock time of the first reading. */
  async announceOnline(ts: number): Promise<void> {
    this.#lastTs = ts
    await this.#publish(deviceTopic(this.deviceId, 'status'), { status: 'online', ts }, true)
  }

  /** Publishes one telemetry message with QoS 1; resolves on the broker's PUBACK. */
  async publishTelemetry(message: TelemetryMessage): Promise<void> {
    this.#lastTs = message.ts
    await this.#publish(deviceTopic(this.deviceId, 'telemetry'), message, false)
  }

  /**
   * Ends the session cleanly: replaces the retained status with "offline" (a clean
   * DISCONNECT discards the will), then disconnects. Without a connection it terminates.
   */
  async close(): Promise<void> {
    this.#clearGiveUpTimer()
    if (!this.#client.connected) {
      this.terminate()
      return
    }
    try {
      if (this.#lastTs !== null) {
        await this.#publish(deviceTopic(this.deviceId, 'status'), { status: 'offline', ts: this.#lastTs }, true)
      }
    } finally {
      await this.#client.endAsync()
    }
  }

  /**
   * Drops the session at once and rejects every publish still waiting for its PUBACK
   * (mqtt.js keeps them for a later reconnect otherwise, and a forced end never settles them).
   */
  terminate(): void {
    this.#clearGiveUpTimer()
    this.#client.end(true)
    const dropped = new Error('session terminated before the broker acknowledged')
    for (const reject of this.#waiting) reject(dropped)
    this.#waiting.clear()
  }

  async #publish(topic: string, payload: object, retain: boolean): Promise<void> {
    try {
      await this.#publishQos1(topic, JSON.stringify(payload), retain)
    } catch (err: unknown) {
      const code = this.#isLost ? 'FW_ERR_SIM_CONNECTION_LOST' : 'FW_ERR_SIM_PUBLISH_FAILED'
      const reason = this.#isLost ? `broker gone for ${GIVE_UP_AFTER_MS} ms` : errorText(err)
      throw new SimulatorError(code, `device ${this.deviceId} could not publish to ${topic}: ${reason}`, {
        cause: this.#isLost ? (this.#lastError ?? err) : err, details: { deviceId: this.deviceId, topic },
      })
    }
  }

  #publishQos1(topic: string, payload: string, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.add(reject)
      this.#client.publish(topic, payload, { qos: 1, retain }, (err) => {
        this.#waiting.delete(reject)
        if (err instanceof Error) reject(err)
        else resolve()
      })
    })
  }

  #startGiveUpTimer(): void {
    if (this.#lostTimer !== null) return
    this.#lostTimer = setTimeout(() => {
      this.#isLost = true
      this.terminate()
    }, GIVE_UP_AFTER_MS)
  }

  #clearGiveUpTimer(): void {
    if (this.#lostTimer !== null) clearTimeout(this.#lostTimer)
    this.#lostTimer = null
  }

  #onReconnected(): void {
    this.#clearGiveUpTimer()
    if (this.#lastTs === null) return
    // The will announced "offline" while the connection was down; restate the truth.
    const payload = JSON.stringify({ status: 'online', ts: this.#lastTs })
    this.#client.publish(deviceTopic(this.deviceId, 'status'), payload, { qos: 1, retain: true }, (err) => {
      if (err instanceof Error) this.#lastError = err
    })
  }
}

function clientOptions(options: DeviceConnectionOptions): IClientOptions {
  return {
    clientId: options.deviceId,
    username: options.deviceId,
    password: options.secret,
    clean: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    will: {
      topic: deviceTopic(options.deviceId, 'status'),
      payload: Buffer.from(JSON.stringify({ status: 'offline' })),
      qos: 1,
      retain: true,
    },
  }
}

function connectError(err: unknown, options: DeviceConnectionOptions): SimulatorError {
  const details = { deviceId: options.deviceId, brokerUrl: options.brokerUrl }
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'number' && AUTH_REFUSALS.has(code)) {
    return new SimulatorError('FW_ERR_SIM_AUTH_REJECTED',
      `broker at ${options.brokerUrl} rejected the credentials of device ${options.deviceId}`,
      { cause: err, details })
  }
  return new SimulatorError('FW_ERR_SIM_BROKER_UNREACHABLE',
    `broker at ${options.brokerUrl} is unreachable for device ${options.deviceId}: ${errorText(err)}`,
    { cause: err, details })
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
