import { Aedes, type Client, type PublishPacket, type Subscription } from 'aedes'
import type { Device, FleetUpdate } from '../core/index.js'
import { canSubscribe } from './acl.js'
import { createDeviceAuth, type DeviceAuth } from './auth.js'
import { logBrokerEvents } from './broker-events.js'
import { GatewayCore } from './core.js'
import type { DeadLetter, DeadLetterQuery } from './dead-letters.js'
import { GatewayError } from './errors.js'
import { limitInbound } from './frame-limit.js'
import { openListeners, type GatewayEndpoints, type Listeners } from './listeners.js'
import { admitPublish, createPublishGate } from './publish.js'
import { TelemetryLane, watchesTelemetry } from './telemetry-lane.js'
import type { Gateway, GatewayDeps, GatewayStats } from './types.js'

type SubscribeDone = (err: Error | null, sub?: Subscription | null) => void

/** The longest device id the fleet allows; aedes' default (23) is MQTT 3.1's limit. */
const MAX_CLIENT_ID_CHARS = 64
const SUBACK_FAILURE = 0x80

interface Running {
  broker: Aedes
  listeners: Listeners
  detach: Array<() => void>
  /** Aborted on stop: releases messages held by the rate limit. */
  stopping: AbortController
}

/** The embedded aedes broker on TCP (and TLS, WebSocket); see publish.ts for how messages are admitted. */
export class MqttGateway implements Gateway {
  readonly #core: GatewayCore
  readonly #auth: DeviceAuth
  /** Ready connections by device id (= clientId), so a revoked device's connection can be closed. */
  readonly #connections = new Map<string, Client>()
  /** Devices that subscribed to their own telemetry: aedes routes it (telemetry-lane.ts). */
  readonly #watchedTelemetry = new Set<string>()
  #running: Running | null = null

  constructor(deps: GatewayDeps) {
    this.#core = new GatewayCore(deps, () => this.#running?.broker.connectedClients ?? 0)
    this.#auth = createDeviceAuth(deps.fleet, this.#core.metrics, {
      failedLoginsPerMinute: deps.config.mqtt.failedLoginsPerMinute, clock: this.#core.clock,
    })
  }

  get port(): number {
    return this.#started().listeners.tcpPort
  }

  get url(): string {
    return this.#started().listeners.endpoints.mqtt
  }

  endpoints(): GatewayEndpoints {
    return { ...this.#started().listeners.endpoints }
  }

  async start(): Promise<void> {
    if (this.#running !== null) return
    const core = this.#core
    const stopping = new AbortController()
    const publishDeps = core.publishDeps({
      brokerId: () => broker.id,
      throttle: (deviceId) => core.throttle(deviceId, stopping.signal),
    })
    const deviceOf = (client: Client): ReturnType<DeviceAuth['deviceOf']> => this.#auth.deviceOf(client)
    const broker = await Aedes.createBroker({
      authenticate: this.#auth.authenticate,
      authorizePublish: createPublishGate(publishDeps, deviceOf),
      authorizeSubscribe: (client, sub, done) => { this.#authorizeSubscribe(client, sub, done) },
      maxClientsIdLength: MAX_CLIENT_ID_CHARS,
    })
    const detach = [
      logBrokerEvents(broker, core.logger),
      this.#trackTelemetryWatchers(broker),
      this.#trackConnections(broker),
      core.deps.fleet.onChange((update) => { this.#fleetChanged(update) }),
    ]
    const { mqtt } = core.deps.config
    const limits = { maxPayloadBytes: mqtt.maxMessageBytes, marker: core.marker }

    let listeners: Listeners
    try {
      const laneDeps = {
        admit: (device: Device, packet: PublishPacket) => admitPublish(publishDeps, { device, isWill: false }, packet),
        deviceOf,
        isWatched: (deviceId: string) => this.#watchedTelemetry.has(deviceId),
      }
      const handle = (socket: Parameters<typeof limitInbound>[0]): void => {
        const lane = new TelemetryLane(laneDeps)
        const connection = limitInbound(socket, limits, lane)
        lane.attach(broker.handle(connection), connection)
      }
      listeners = await openListeners(mqtt, handle, core.logger)
    } catch (err: unknown) {
      await closeBroker(broker)
      for (const off of detach) off()
      throw err
    }
    this.#running = { broker, listeners, detach, stopping }
    core.lifecycle.start()
    core.logger.info({ url: listeners.endpoints.mqtt, ...listeners.endpoints }, 'gateway started')
  }

  async stop(): Promise<void> {
    const running = this.#running
    if (running === null) return
    this.#running = null
    // Shutting down is not every device going offline; the lifecycle stops reporting first.
    this.#core.lifecycle.stop()
    running.stopping.abort()

    await closeBroker(running.broker)
    await running.listeners.close()
    for (const off of running.detach) off()
    this.#connections.clear()
    this.#watchedTelemetry.clear()
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
    return this.#core.stats(this.#running?.broker.connectedClients ?? 0)
  }

  checkSilence(): void {
    this.#core.lifecycle.checkSilence()
  }

  disconnectDevice(deviceId: string, reason: string): boolean {
    const client = this.#connections.get(deviceId)
    if (client === undefined || client.closed) return false
    // The will is still published, and dropped: deviceOf no longer answers for this session.
    client.close()
    this.#core.logger.info({ deviceId, reason }, 'device connection closed by the gateway')
    return true
  }

  /** Runs inside Fleet.replace: must not throw, or the operator would see a failure for a change that stands. */
  #fleetChanged(update: FleetUpdate): void {
    try {
      this.#core.lifecycle.fleetChanged(update)
      for (const { deviceId, reason } of update.revoked) this.disconnectDevice(deviceId, reason)
    } catch (err: unknown) {
      this.#core.logger.error({ err }, 'fleet change could not be applied to connections')
    }
  }

  #started(): Running {
    if (this.#running === null) throw new GatewayError('FW_ERR_GW_NOT_STARTED', 'the gateway has not been started')
    return this.#running
  }

  /**
   * A refused filter is answered with 0x80 in the SUBACK and the connection stays up
   * [MQTT-3.9.3-2]; an error here would make aedes drop the device.
   */
  #authorizeSubscribe(client: Client, sub: Subscription, done: SubscribeDone): void {
    const device = this.#auth.deviceOf(client)
    if (device !== undefined && canSubscribe(device.id, sub.topic)) {
      done(null, sub)
      return
    }
    const deviceId = device?.id ?? client.id
    const detail = `device ${deviceId} may subscribe only under forewarn/v1/devices/${deviceId}/`
    this.#core.refusals.record({ deviceId, topic: sub.topic, payload: Buffer.alloc(0) }, [
      { reason: 'subscription_not_allowed', detail },
    ])
    done(null, null)
  }

  #trackTelemetryWatchers(broker: Aedes): () => void {
    const onSubscribe = (subscriptions: Subscription[], client: Client): void => {
      const deviceId = this.#auth.deviceIdOf(client)
      if (deviceId === undefined) return
      // aedes lists refused filters too, with QoS 128 (the SUBACK's failure code).
      const granted = subscriptions.filter((sub) => (sub.qos as number) !== SUBACK_FAILURE)
      if (granted.some((sub) => watchesTelemetry(deviceId, sub.topic))) this.#watchedTelemetry.add(deviceId)
    }
    broker.on('subscribe', onSubscribe)
    return () => {
      broker.removeListener('subscribe', onSubscribe)
    }
  }

  #trackConnections(broker: Aedes): () => void {
    const { lifecycle } = this.#core
    const { fleet } = this.#core.deps
    const onReady = (client: Client): void => {
      const device = this.#auth.deviceOf(client)
      if (device !== undefined) {
        this.#connections.set(client.id, client)
        lifecycle.connected(device)
        return
      }
      // Revoked after its CONNECT was accepted but before it was ready, so the fleet change
      // found no connection to close: close it now.
      if (this.#auth.deviceIdOf(client) !== undefined) {
        client.close()
        const fields = { deviceId: client.id, reason: 'revoked_while_connecting' }
        this.#core.logger.info(fields, 'device connection closed by the gateway')
      }
    }
    const onGone = (client: Client): void => {
      // A takeover's new connection may already be registered under the same id.
      if (this.#connections.get(client.id) === client) this.#connections.delete(client.id)
      // Looked up by id: a device whose session was revoked still goes offline, if it is still in the fleet.
      const deviceId = this.#auth.deviceIdOf(client)
      const device = deviceId === undefined ? undefined : fleet.device(deviceId)
      // aedes marks a connection that ended with DISCONNECT [MQTT-3.14.4-3]; there is no public flag.
      const isClean = (client as Client & { _disconnected?: boolean })._disconnected === true
      if (device !== undefined) lifecycle.disconnected(device, isClean)
    }
    broker.on('clientReady', onReady)
    broker.on('clientDisconnect', onGone)
    return () => {
      broker.removeListener('clientReady', onReady)
      broker.removeListener('clientDisconnect', onGone)
    }
  }
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()))
}
