import type { Duplex } from 'node:stream'
import type { Client, PublishPacket } from 'aedes'
import { deviceTopic, type Device } from '../core/index.js'
import type { LanePublish, PublishLane } from './publish-lane.js'

/*
 * The embedded broker's lane for a device's own telemetry (see publish-lane.ts for why). It
 * takes an unretained QoS 0 or 1 PUBLISH only when aedes would have nothing to do but
 * acknowledge it:
 *
 * - the connection is an authenticated device whose CONNECT aedes has finished (before that,
 *   aedes queues the packets behind the CONNECT, so they are left to it);
 * - the topic is exactly the device's telemetry topic: anything else, a topic the ACL refuses
 *   included, is aedes' and the publish gate's as before;
 * - nobody subscribed to that topic. The ACL lets only the device itself subscribe under its
 *   own id, so a device that subscribed to a filter matching its telemetry has its telemetry
 *   routed by aedes from then on, for the broker's life (its subscription may outlive the
 *   connection in a persistent session, and aedes' persistence lives as long as the broker);
 * - QoS 2 and retained telemetry always go through aedes (the frame filter never offers them).
 *
 * A taken message is admitted exactly as the publish gate admits it (rate limit, redelivery
 * memory, decoding, handoff), and acknowledged when that settles, as aedes would after the
 * gate's callback; an error closes the connection without a PUBACK, as aedes does.
 */

export interface TelemetryLaneDeps {
  /** The publish gate's admission of a device's message (publish.ts `admitPublish`). */
  admit: (device: Device, packet: PublishPacket) => Promise<Error | null>
  deviceOf: (client: Client) => Device | undefined
  /** Whether someone subscribed to the device's telemetry: aedes must then route it. */
  isWatched: (deviceId: string) => boolean
}

/** One connection's lane; `attach` it to the aedes client and connection it serves. */
export class TelemetryLane implements PublishLane {
  readonly #deps: TelemetryLaneDeps
  #client: Client | undefined
  #connection: Duplex | undefined
  /** The connection's device telemetry topic, once the device is known. */
  #topic: string | undefined

  constructor(deps: TelemetryLaneDeps) {
    this.#deps = deps
  }

  attach(client: Client, connection: Duplex): void {
    this.#client = client
    this.#connection = connection
  }

  take(publish: LanePublish): Promise<Error | null> | undefined {
    const client = this.#client
    if (client === undefined || !client.connected || client.closed) return undefined
    const device = this.#deps.deviceOf(client)
    if (device === undefined) return undefined
    this.#topic ??= deviceTopic(device.id, 'telemetry')
    if (publish.topic !== this.#topic || this.#deps.isWatched(device.id)) return undefined

    refreshKeepalive(client)
    const { topic, qos, messageId, dup, payload } = publish
    const packet: PublishPacket = { cmd: 'publish', topic, qos, dup, retain: false, payload }
    if (messageId !== undefined) packet.messageId = messageId
    return this.#deps.admit(device, packet)
  }

  settle(acks: Buffer | null, failure: Error | null): void {
    const connection = this.#connection
    if (connection === undefined || connection.destroyed) return
    if (acks !== null) connection.write(acks)
    // aedes reports the error (clientError) and closes the session, as after a gate's error.
    if (failure !== null) connection.destroy(failure)
  }
}

/** Whether a granted subscription filter of a device matches its own telemetry topic. */
export function watchesTelemetry(deviceId: string, filter: string): boolean {
  const topic = deviceTopic(deviceId, 'telemetry')
  const levels = filter.split('/')
  const topicLevels = topic.split('/')
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]
    if (level === '#') return true
    if (i >= topicLevels.length || (level !== '+' && level !== topicLevels[i])) return false
  }
  return levels.length === topicLevels.length
}

/**
 * aedes restarts a client's keepalive timer for every packet it handles (handlers/index.js); a
 * device sending nothing but telemetry would otherwise be cut off after 1.5 keepalives. aedes
 * has no public call for it, so the lane does what its handler does.
 */
function refreshKeepalive(client: Client): void {
  const timed = client as Client & { _keepaliveInterval?: number, _keepaliveTimer?: NodeJS.Timeout | null }
  if ((timed._keepaliveInterval ?? 0) > 0) timed._keepaliveTimer?.refresh()
}
