import type { Client, PublishPacket } from 'aedes'
import type { Clock, Device, DeviceEvent, Fleet, Logger, Reading } from '../core/index.js'
import { ownTopicsHint, publishKind } from './acl.js'
import { GatewayError } from './errors.js'
import { decodeFault } from './handlers/events.js'
import { decodeStatus, type DeviceStatus } from './handlers/status.js'
import { decodeTelemetry } from './handlers/telemetry.js'
import type { GatewayMetrics } from './metrics.js'
import type { Refusal } from './payload.js'
import type { RefusalRecorder } from './refusals.js'

/*
 * Every device PUBLISH passes through aedes' authorizePublish hook, and this is where the
 * gateway does all its work on it. Two facts of aedes 1.x (lib/handlers/publish.js) decide that:
 *
 * 1. authorizePublish is the only hook that runs before the acknowledgement. enqueuePublish
 *    writes the QoS 1 PUBACK (QoS 2 PUBREC) first and only then calls broker.publish, which
 *    feeds mq subscriptions and the `published` hook. So readings are handed to onReadings
 *    here and the callback waits for it: an acknowledged reading has been handed on.
 *    aedes reads a client's next packets only when this callback has run, so a slow
 *    onReadings slows that device alone. For QoS 2, aedes consults its duplicate store only
 *    after this hook, so a retransmitted message is handed on twice: QoS 2 is at-least-once
 *    here, like QoS 1 (a reading repeated with the same time overwrites itself in the store).
 *
 * 2. Calling back with an error makes aedes emit clientError and close the connection,
 *    without a PUBACK (MQTT 3.1.1 has no negative acknowledgement, [MQTT-3.3.5-2]).
 *    That is right when onReadings failed: the device keeps the message and sends it again
 *    after reconnecting. It is wrong for a message that will never be acceptable: a client
 *    with a persistent outbox would resend it after every reconnect, forever, each time
 *    paying an scrypt check and cutting off its good telemetry. So a refused message is
 *    acknowledged as [MQTT-3.3.5-2] allows, recorded as a dead letter, and defused so that
 *    aedes' routing after the callback delivers and retains nothing (see `defuse`).
 */

export interface PublishGateDeps {
  fleet: Fleet
  clock: Clock
  logger: Logger
  metrics: GatewayMetrics
  refusals: RefusalRecorder
  maxMessageBytes: number
  deviceOf: (client: Client) => Device | undefined
  brokerId: () => string
  onReadings: (readings: Reading[]) => Promise<void>
  onStatus: (device: Device, status: DeviceStatus, time: number) => void
  onDeviceEvent: (event: DeviceEvent) => void
  /** Counts a message that was (at least partly) accepted, with its number of readings. */
  onAccepted: (readings: number) => void
}

type AuthorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => void

interface Message {
  device: Device
  topic: string
  payload: Buffer
  arrivedAt: number
}

/** aedes' authorizePublish hook. */
export function createPublishGate(deps: PublishGateDeps): AuthorizePublish {
  return (client, packet, callback) => {
    admit(deps, client, packet).then(
      (error) => { callback(error) },
      (err: unknown) => {
        deps.logger.error({ err, topic: packet.topic }, 'device publish handling failed')
        callback(err instanceof Error ? err : new Error(String(err)))
      },
    ).catch((err: unknown) => {
      deps.logger.error({ err, topic: packet.topic }, 'device publish callback failed')
    })
  }
}

async function admit(deps: PublishGateDeps, client: Client | null, packet: PublishPacket): Promise<Error | null> {
  // client is null only for a will left by a dead broker instance (aedes _clearWills).
  const device = client === null ? undefined : deps.deviceOf(client)
  if (device === undefined) {
    defuse(packet, deps.brokerId())
    return null
  }

  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
  const message: Message = { device, topic: packet.topic, payload, arrivedAt: deps.clock.now() }
  const kind = publishKind(device.id, packet.topic)
  deps.metrics.messagesReceived.inc({ kind: kind ?? 'other' })

  if (kind === null) {
    const detail = `device ${device.id} may publish only to ${ownTopicsHint(device.id)}`
    return refuseWhole(deps, packet, message, { reason: 'topic_not_allowed', detail })
  }
  // Limitation: mqtt-packet has already buffered the whole packet (up to MQTT's 256 MB) by
  // now, so this bounds what is parsed and kept, not what a connection can make us read.
  if (payload.length > deps.maxMessageBytes) {
    const detail = `${payload.length} bytes exceed the limit of ${deps.maxMessageBytes} (mqtt.maxMessageBytes)`
    return refuseWhole(deps, packet, message, { reason: 'message_too_large', detail })
  }

  if (kind === 'telemetry') return admitTelemetry(deps, packet, message)
  if (kind === 'status') return admitStatus(deps, packet, message)
  return admitFault(deps, packet, message)
}

async function admitTelemetry(deps: PublishGateDeps, packet: PublishPacket, message: Message): Promise<Error | null> {
  const decoded = decodeTelemetry(message.payload, message.arrivedAt)
  deps.refusals.record(refusedFrom(message), decoded.refusals)
  if (decoded.samples.length === 0) {
    defuse(packet, deps.brokerId())
    return null
  }

  const { device } = message
  const tags = deps.fleet.assetTags(device.assetId)
  const readings: Reading[] = decoded.samples.map((sample) => ({
    deviceId: device.id, assetId: device.assetId, metric: sample.metric, time: sample.time, value: sample.value, tags,
  }))
  try {
    await deps.onReadings(readings)
  } catch (err: unknown) {
    return handoffFailed(deps, packet, message, err)
  }

  deps.metrics.readingsAccepted.inc(readings.length)
  deps.onAccepted(readings.length)
  return null
}

function handoffFailed(deps: PublishGateDeps, packet: PublishPacket, message: Message, err: unknown): Error | null {
  deps.metrics.handoffFailures.inc()
  const { topic } = message
  deps.logger.warn({ deviceId: message.device.id, topic, qos: packet.qos, err }, 'readings handoff failed')
  // QoS 0 has no acknowledgement to withhold and no redelivery, so closing the connection gains nothing.
  if (packet.qos === 0) return null
  return new GatewayError('FW_ERR_GW_HANDOFF_FAILED', `readings from ${topic} could not be handed on`, {
    cause: err, details: { deviceId: message.device.id, topic },
  })
}

function admitStatus(deps: PublishGateDeps, packet: PublishPacket, message: Message): Error | null {
  const decoded = decodeStatus(message.payload, message.arrivedAt)
  if (!decoded.ok) return refuseWhole(deps, packet, message, decoded.refusal)
  if (decoded.status !== null) deps.onStatus(message.device, decoded.status, decoded.time)
  deps.onAccepted(0)
  return null
}

function admitFault(deps: PublishGateDeps, packet: PublishPacket, message: Message): Error | null {
  const decoded = decodeFault(message.payload, message.arrivedAt)
  if (!decoded.ok) return refuseWhole(deps, packet, message, decoded.refusal)

  const { device } = message
  const { fault } = decoded
  const event: DeviceEvent = {
    deviceId: device.id, assetId: device.assetId, kind: 'fault', time: fault.time, code: fault.code,
    tags: deps.fleet.assetTags(device.assetId),
  }
  if (fault.detail !== undefined) event.detail = fault.detail
  deps.onDeviceEvent(event)
  deps.onAccepted(0)
  return null
}

function refuseWhole(deps: PublishGateDeps, packet: PublishPacket, message: Message, refusal: Refusal): null {
  deps.refusals.record(refusedFrom(message), [refusal])
  defuse(packet, deps.brokerId())
  return null
}

function refusedFrom(message: Message): { deviceId: string, topic: string, payload: Buffer } {
  return { deviceId: message.device.id, topic: message.topic, payload: message.payload }
}

/*
 * aedes routes an authorized packet after the callback: stores it when retained, queues it
 * for QoS > 0 subscribers, emits it on mq. A refused packet is pointed at a $SYS topic no
 * device may subscribe to (the ACL allows only filters under the device's own id, and
 * [MQTT-4.7.2-1] keeps '#' away from $ topics), unretained and emptied, so none of that
 * reaches anyone. The QoS is kept: aedes picks the acknowledgement from it.
 */
function defuse(packet: PublishPacket, brokerId: string): void {
  packet.topic = `$SYS/${brokerId}/forewarn/refused`
  packet.retain = false
  packet.payload = Buffer.alloc(0)
}
