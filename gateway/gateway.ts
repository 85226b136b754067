import { Aedes, type Client, type Subscription } from 'aedes'
import type { FastifyPluginAsync } from 'fastify'
import { canSubscribe } from './acl.js'
import { createDeviceAuth, type DeviceAuth } from './auth.js'
import { logBrokerEvents } from './broker-events.js'
import { GatewayCore } from './core.js'
import type { DeadLetter } from './dead-letters.js'
import { GatewayError } from './errors.js'
import { limitInbound } from './frame-limit.js'
import { openListeners, type GatewayEndpoints, type Listeners } from './listeners.js'
import { createPublishGate } from './publish.js'
import type { Gateway, GatewayDeps, GatewayStats } from './types.js'

type SubscribeDone = (err: Error | null, sub?: Subscription | null) => void

/** The longest device id the fleet allows; aedes' default (23) is MQTT 3.1's limit. */
const MAX_CLIENT_ID_CHARS = 64

interface Running {
  broker: Aedes
  listeners: Listeners
  detach: Array<() => void>
  /** Aborted on stop: releases messages held by the rate limit. */
  stopping: AbortController
}

/** The embedded aedes broker on TCP (and TLS, WebSocket); see publish.ts for how messages are admitted. */
export class MqttGateway implements Gateway {
  readonly routes: FastifyPluginAsync
  readonly #core: GatewayCore
  readonly #auth: DeviceAuth
  #running: Running | null = null

  constructor(deps: GatewayDeps) {
    this.#core = new GatewayCore(deps, () => this.#running?.broker.connectedClients ?? 0)
    this.#auth = createDeviceAuth(deps.fleet, this.#core.metrics)
    this.routes = this.#core.routes
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
    const broker = await Aedes.createBroker({
      authenticate: this.#auth.authenticate,
      authorizePublish: createPublishGate(core.publishDeps({
        brokerId: () => broker.id,
        throttle: (deviceId) => core.throttle(deviceId, stopping.signal),
      }), (client) => this.#auth.deviceOf(client)),
      authorizeSubscribe: (client, sub, done) => { this.#authorizeSubscribe(client, sub, done) },
      maxClientsIdLength: MAX_CLIENT_ID_CHARS,
    })
    const detach = [logBrokerEvents(broker, core.logger), this.#trackConnections(broker)]
    const { mqtt } = core.deps.config
    const limits = { maxPayloadBytes: mqtt.maxMessageBytes, marker: core.marker }

    let listeners: Listeners
    try {
      const handle = (connection: Parameters<typeof limitInbound>[0]): void => {
        broker.handle(limitInbound(connection, limits))
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
    this.#core.reset()
    this.#core.logger.info({}, 'gateway stopped')
  }

  deadLetters(limit?: number): DeadLetter[] {
    return this.#core.listDeadLetters(limit)
  }

  stats(): GatewayStats {
    return this.#core.stats(this.#running?.broker.connectedClients ?? 0)
  }

  checkSilence(): void {
    this.#core.lifecycle.checkSilence()
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

  #trackConnections(broker: Aedes): () => void {
    const { lifecycle } = this.#core
    const onReady = (client: Client): void => {
      const device = this.#auth.deviceOf(client)
      if (device !== undefined) lifecycle.connected(device)
    }
    const onGone = (client: Client): void => {
      const device = this.#auth.deviceOf(client)
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
