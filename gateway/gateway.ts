import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { Aedes, type Client, type Subscription } from 'aedes'
import { systemClock, type Device, type DeviceEvent } from '../core/index.js'
import { canSubscribe } from './acl.js'
import { createDeviceAuth, type DeviceAuth } from './auth.js'
import { logBrokerEvents } from './broker-events.js'
import { DeadLetterRing, type DeadLetter } from './dead-letters.js'
import { GatewayError } from './errors.js'
import type { DeviceStatus } from './handlers/status.js'
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js'
import { Presence } from './presence.js'
import { createPublishGate } from './publish.js'
import { RefusalRecorder } from './refusals.js'
import type { Gateway, GatewayDeps, GatewayStats } from './types.js'

type SubscribeDone = (err: Error | null, sub?: Subscription | null) => void

interface Running {
  broker: Aedes
  server: Server
  sockets: Set<Socket>
  detach: Array<() => void>
  port: number
}

/** The embedded aedes broker on a TCP server; see publish.ts for how messages are admitted. */
export class MqttGateway implements Gateway {
  readonly #deps: GatewayDeps
  readonly #logger: GatewayDeps['logger']
  readonly #clock
  readonly #metrics: GatewayMetrics
  readonly #deadLetters = new DeadLetterRing()
  readonly #refusals: RefusalRecorder
  readonly #auth: DeviceAuth
  readonly #presence = new Presence()
  #running: Running | null = null
  #isStopping = false
  #messagesAccepted = 0
  #readingsAccepted = 0

  constructor(deps: GatewayDeps) {
    this.#deps = deps
    // The composition root may already have bound module=gateway; binding it twice duplicates the key.
    const bound = deps.logger.bindings().module === 'gateway'
    this.#logger = bound ? deps.logger : deps.logger.child({ module: 'gateway' })
    this.#clock = deps.clock ?? systemClock
    this.#metrics = createGatewayMetrics(deps.metrics, () => this.#running?.broker.connectedClients ?? 0)
    this.#refusals = new RefusalRecorder({
      ring: this.#deadLetters, metrics: this.#metrics, logger: this.#logger, clock: this.#clock,
    })
    this.#auth = createDeviceAuth(deps.fleet, this.#metrics)
  }

  get port(): number {
    return this.#started().port
  }

  get url(): string {
    const host = this.#deps.config.mqtt.host
    return `mqtt://${host.includes(':') ? `[${host}]` : host}:${this.#started().port}`
  }

  async start(): Promise<void> {
    if (this.#running !== null) return
    this.#isStopping = false
    const broker = await Aedes.createBroker({
      authenticate: this.#auth.authenticate,
      authorizePublish: this.#publishGate(),
      authorizeSubscribe: (client, sub, done) => { this.#authorizeSubscribe(client, sub, done) },
    })
    const detach = [logBrokerEvents(broker, this.#logger), this.#trackConnections(broker)]
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      broker.handle(socket)
    })

    try {
      await listen(server, this.#deps.config.mqtt)
    } catch (err: unknown) {
      await closeBroker(broker)
      for (const off of detach) off()
      const { host, port } = this.#deps.config.mqtt
      const message = `MQTT could not listen on ${host}:${port} (mqtt.host, mqtt.port)`
      throw new GatewayError('FW_ERR_GW_LISTEN_FAILED', message, { cause: err, details: { host, port } })
    }
    server.on('error', (err) => this.#logger.error({ err }, 'mqtt server failed'))
    this.#running = { broker, server, sockets, detach, port: (server.address() as AddressInfo).port }
    this.#logger.info({ url: this.url }, 'gateway started')
  }

  async stop(): Promise<void> {
    const running = this.#running
    if (running === null) return
    // Shutting down is not every device going offline; downstream must not hear it as such.
    this.#isStopping = true
    this.#running = null

    const serverClosed = new Promise<void>((resolve) => {
      running.server.close((err) => {
        if (err !== undefined) this.#logger.warn({ err }, 'mqtt server close failed')
        resolve()
      })
    })
    await closeBroker(running.broker)
    // Connections that never sent CONNECT are not aedes clients yet; server.close would wait for them.
    for (const socket of running.sockets) socket.destroy()
    await serverClosed

    for (const off of running.detach) off()
    this.#presence.clear()
    this.#logger.info({}, 'gateway stopped')
  }

  deadLetters(limit?: number): DeadLetter[] {
    return this.#deadLetters.list(limit)
  }

  stats(): GatewayStats {
    return {
      connectedDevices: this.#running?.broker.connectedClients ?? 0,
      messagesAccepted: this.#messagesAccepted,
      readingsAccepted: this.#readingsAccepted,
      rejected: this.#refusals.count,
    }
  }

  #started(): Running {
    if (this.#running === null) throw new GatewayError('FW_ERR_GW_NOT_STARTED', 'the gateway has not been started')
    return this.#running
  }

  #publishGate(): ReturnType<typeof createPublishGate> {
    return createPublishGate({
      fleet: this.#deps.fleet,
      clock: this.#clock,
      logger: this.#logger,
      metrics: this.#metrics,
      refusals: this.#refusals,
      maxMessageBytes: this.#deps.config.mqtt.maxMessageBytes,
      deviceOf: (client) => this.#auth.deviceOf(client),
      brokerId: () => this.#running?.broker.id ?? 'stopped',
      onReadings: this.#deps.onReadings,
      onStatus: (device, status, time) => { this.#reportStatus(device, status, time) },
      onDeviceEvent: (event) => { this.#emitDeviceEvent(event) },
      onAccepted: (readings) => {
        this.#messagesAccepted++
        this.#readingsAccepted += readings
      },
    })
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
    this.#refusals.record({ deviceId, topic: sub.topic, payload: Buffer.alloc(0) }, [
      { reason: 'subscription_not_allowed', detail },
    ])
    done(null, null)
  }

  #trackConnections(broker: Aedes): () => void {
    const onReady = (client: Client): void => this.#connectionChanged(client, 'online')
    const onGone = (client: Client): void => this.#connectionChanged(client, 'offline')
    broker.on('clientReady', onReady)
    broker.on('clientDisconnect', onGone)
    return () => {
      broker.removeListener('clientReady', onReady)
      broker.removeListener('clientDisconnect', onGone)
    }
  }

  #connectionChanged(client: Client, status: DeviceStatus): void {
    const device = this.#auth.deviceOf(client)
    if (device !== undefined) this.#reportStatus(device, status, this.#clock.now())
  }

  #reportStatus(device: Device, status: DeviceStatus, time: number): void {
    if (this.#isStopping || !this.#presence.change(device.id, status)) return
    const tags = this.#deps.fleet.assetTags(device.assetId)
    this.#emitDeviceEvent({ deviceId: device.id, assetId: device.assetId, kind: status, time, tags })
  }

  #emitDeviceEvent(event: DeviceEvent): void {
    if (this.#isStopping) return
    try {
      this.#deps.onDeviceEvent(event)
    } catch (err: unknown) {
      // A consumer's bug must not reach aedes, which would drop the device's connection for it.
      this.#logger.error({ err, deviceId: event.deviceId, assetId: event.assetId }, 'device event handler failed')
    }
  }
}

function listen(server: Server, address: { host: string, port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(address.port, address.host, () => {
      server.removeListener('error', reject)
      resolve()
    })
  })
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()))
}
