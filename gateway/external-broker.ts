import { hostname } from 'node:os'
import type { PublishPacket } from 'aedes'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { parseDeviceTopic, TOPIC_ROOT, type FleetUpdate } from '../core/index.js'
import { GatewayCore } from './core.js'
import type { DeadLetter, DeadLetterQuery } from './dead-letters.js'
import { GatewayError } from './errors.js'
import type { GatewayEndpoints } from './listeners.js'
import { admitPublish, type PublishGateDeps } from './publish.js'
import type { Gateway, GatewayDeps, GatewayStats } from './types.js'

const KINDS = ['telemetry', 'status', 'events'] as const
const CONNECT_TIMEOUT_MS = 10_000
const RECONNECT_PERIOD_MS = 1_000
const SUBACK_FAILURE = 128

type IncomingPacket = Parameters<MqttClient['handleMessage']>[0]

/**
 * External broker mode: Forewarn is a client of Mosquitto, EMQX, HiveMQ... instead of the
 * broker. It subscribes with QoS 1 to every device's topics through a shared subscription
 * (`$share/<mqtt.sharedGroup>/forewarn/v1/devices/+/<kind>`), so several instances split
 * the messages, each message going to one of them. The session is persistent (clean
 * session off, a stable client id), so messages for an instance that is down wait at the
 * broker. A message is acknowledged only after it was handled (mqtt.js sends the PUBACK
 * when handleMessage calls back); when the handoff fails the connection is dropped
 * unacknowledged and the broker sends it again after the reconnect [MQTT-4.4.0-1].
 *
 * What the broker, not Forewarn, must do here: authenticate devices and keep each to its
 * own topics (MQTT does not tell a subscriber who published, so Forewarn takes the device
 * id from the topic), and limit message size and rate.
 */
export class ExternalBrokerGateway implements Gateway {
  readonly #core: GatewayCore
  readonly #publishDeps: PublishGateDeps
  #client: MqttClient | null = null
  #stopWatchingFleet: (() => void) | null = null

  constructor(deps: GatewayDeps) {
    this.#core = new GatewayCore(deps, () => 0)
    this.#publishDeps = this.#core.publishDeps({ brokerId: () => 'external' })
  }

  get url(): string {
    this.#started()
    const url = new URL(this.#core.deps.config.mqtt.brokerUrl)
    url.username = ''
    url.password = ''
    return url.toString().replace(/\/$/, '')
  }

  get port(): number {
    const url = new URL(this.url)
    if (url.port !== '') return Number(url.port)
    return url.protocol === 'mqtts:' || url.protocol === 'ssl:' ? 8883 : 1883
  }

  endpoints(): GatewayEndpoints {
    return { mqtt: this.url }
  }

  async start(): Promise<void> {
    if (this.#client !== null) return
    const { mqtt: settings } = this.#core.deps.config
    const client = mqtt.connect(settings.brokerUrl, clientOptions(settings))
    // Set before the CONNACK: a persistent session's queued messages follow it at once.
    client.handleMessage = (packet, callback) => {
      this.#onMessage(client, packet, callback)
    }
    try {
      await connected(client)
      await subscribe(client, settings.sharedGroup)
    } catch (err: unknown) {
      await client.endAsync(true)
      throw new GatewayError('FW_ERR_GW_BROKER_UNAVAILABLE', `the external broker at ${redacted(settings.brokerUrl)} `
        + 'could not be reached or refused Forewarn (mqtt.brokerUrl)', { cause: err })
    }
    this.#watch(client)
    this.#client = client
    this.#stopWatchingFleet = this.#core.deps.fleet.onChange((update) => {
      this.#fleetChanged(update)
    })
    this.#core.lifecycle.start()
    this.#core.logger.info({ url: this.url }, 'gateway started')
  }

  async stop(): Promise<void> {
    const client = this.#client
    if (client === null) return
    this.#client = null
    this.#stopWatchingFleet?.()
    this.#stopWatchingFleet = null
    this.#core.lifecycle.stop()
    // A clean DISCONNECT; the session (and the messages queued in it) stays at the broker.
    await client.endAsync()
    this.#core.reset()
    this.#core.logger.info({}, 'gateway stopped')
  }

  deadLetters(query: DeadLetterQuery = {}): DeadLetter[] {
    return this.#core.deadLetters.query(query)
  }

  get deadLetterCount(): number {
    return this.#core.deadLetters.size
  }

  stats(): GatewayStats {
    return this.#core.stats(0)
  }

  checkSilence(): void {
    this.#core.lifecycle.checkSilence()
  }

  /** The broker holds the devices' connections; Forewarn cannot close one. */
  disconnectDevice(): boolean {
    return false
  }

  /**
   * The broker authenticates devices in this mode, so a rotated secret or a disabled device
   * must be changed there too; until then a disabled or removed device's messages are
   * dead-lettered here.
   */
  #fleetChanged(update: FleetUpdate): void {
    try {
      this.#core.lifecycle.fleetChanged(update)
      for (const { deviceId, reason } of update.revoked) {
        this.#core.logger.warn({ deviceId, reason }, 'device access changed: update the external broker\'s credentials')
      }
    } catch (err: unknown) {
      this.#core.logger.error({ err }, 'fleet change could not be applied')
    }
  }

  #started(): MqttClient {
    if (this.#client === null) throw new GatewayError('FW_ERR_GW_NOT_STARTED', 'the gateway has not been started')
    return this.#client
  }

  #onMessage(client: MqttClient, packet: IncomingPacket, callback: (error?: Error) => void): void {
    const core = this.#core
    // [MQTT-3.3.1-9]: retain is set only on a retained message sent for a new subscription,
    // which is history (a status that may be long dead, a reading already handled).
    if (packet.retain) {
      core.metrics.retainedIgnored.inc()
      callback()
      return
    }
    const deviceId = parseDeviceTopic(packet.topic)?.deviceId
    const device = deviceId === undefined ? undefined : core.deps.fleet.device(deviceId)
    if (device === undefined || device.disabled === true) {
      const detail = device === undefined
        ? `no device ${deviceId ?? '(none)'} in the fleet for this topic`
        : `device ${device.id} is disabled in the fleet`
      const payload = Buffer.from(packet.payload)
      const refused = { deviceId: deviceId ?? '', topic: packet.topic, payload }
      core.refusals.record(refused, [{ reason: 'topic_not_allowed', detail }])
      callback()
      return
    }
    // A broker-published will and a device's own "offline" look the same here: both keep the device watched.
    admitPublish(this.#publishDeps, { device, isWill: true }, packet as unknown as PublishPacket).then(
      (error) => this.#acknowledge(client, callback, error),
      (err: unknown) => {
        core.logger.error({ err, topic: packet.topic }, 'device publish handling failed')
        this.#acknowledge(client, callback, err instanceof Error ? err : new Error(String(err)))
      },
    ).catch((err: unknown) => {
      core.logger.error({ err, topic: packet.topic }, 'device publish callback failed')
    })
  }

  /** An error withholds the PUBACK and drops the connection, so the broker sends the message again. */
  #acknowledge(client: MqttClient, callback: (error?: Error) => void, error: Error | null): void {
    if (error === null) {
      callback()
      return
    }
    client.stream.destroy()
    callback(error)
  }

  #watch(client: MqttClient): void {
    const { logger } = this.#core
    client.on('error', (err) => logger.warn({ err }, 'external broker connection failed'))
    client.on('offline', () => logger.warn({}, 'external broker connection lost'))
    client.on('connect', () => logger.info({}, 'external broker connection restored'))
  }
}

function clientOptions(settings: GatewayDeps['config']['mqtt']): IClientOptions {
  const options: IClientOptions = {
    clientId: settings.brokerClientId === '' ? `forewarn-${hostname()}` : settings.brokerClientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
  }
  if (settings.brokerUsername !== '') options.username = settings.brokerUsername
  if (settings.brokerPassword !== '') options.password = settings.brokerPassword
  return options
}

/** Resolves on the first CONNACK, rejects on the first error (a refusal, an unreachable broker). */
function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      client.removeListener('connect', onConnect)
      reject(err)
    }
    const onConnect = (): void => {
      client.removeListener('error', onError)
      resolve()
    }
    client.once('error', onError)
    client.once('connect', onConnect)
  })
}

async function subscribe(client: MqttClient, group: string): Promise<void> {
  const prefix = group === '' ? '' : `$share/${group}/`
  const filters = KINDS.map((kind) => `${prefix}${TOPIC_ROOT}/+/${kind}`)
  const granted = await client.subscribeAsync(filters, { qos: 1 })
  const refused = granted.filter((grant) => grant.qos === SUBACK_FAILURE).map((grant) => grant.topic)
  if (refused.length > 0) throw new Error(`the broker refused the subscriptions ${refused.join(', ')}`)
}

function redacted(brokerUrl: string): string {
  const url = new URL(brokerUrl)
  url.password = ''
  return url.toString()
}
