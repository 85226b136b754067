import type { PublishPacket } from 'aedes'
import type { Clock, Device, DeviceEvent, Fleet, Logger, Reading } from '../core/index.js'
import { GatewayError } from './errors.js'
import { decodeFault } from './handlers/events.js'
import { decodeStatus, type DeviceStatus } from './handlers/status.js'
import { decodeTelemetry, type TelemetryRules } from './handlers/telemetry.js'
import type { GatewayMetrics } from './metrics.js'
import type { Refusal } from './payload.js'
import type { RefusalRecorder } from './refusals.js'

/** One PUBLISH from an authenticated device, as the handlers see it. */
export interface Message {
  device: Device
  topic: string
  payload: Buffer
  /** Wall-clock arrival (the injected clock). */
  arrivedAt: number
  /** The broker publishing the device's last will after its connection died. */
  isWill: boolean
}

/** How a status message reached the gateway, which decides what it may change. */
export interface StatusOrigin {
  isWill: boolean
}

export interface AdmitDeps {
  fleet: Fleet
  clock: Clock
  logger: Logger
  metrics: GatewayMetrics
  refusals: RefusalRecorder
  rules: TelemetryRules
  brokerId: () => string
  onReadings: (readings: Reading[]) => Promise<void>
  /** Telemetry of the device was accepted (it is alive), at this arrival time. */
  onTelemetryAccepted: (device: Device, arrivedAt: number) => void
  onStatus: (device: Device, status: DeviceStatus, time: number, origin: StatusOrigin) => void
  onDeviceEvent: (event: DeviceEvent) => void
  /** Counts a message that was (at least partly) accepted, with its number of readings. */
  onAccepted: (readings: number) => void
}

/** Not async: it runs for every telemetry message, and one then() costs less than an async frame. */
export function admitTelemetry(
  deps: AdmitDeps, packet: PublishPacket, message: Message,
): Promise<Error | null> | Error | null {
  const decoded = decodeTelemetry(message.payload, message.arrivedAt, deps.rules)
  if (decoded.refusals.length > 0) deps.refusals.record(refusedFrom(message), decoded.refusals)
  const { samples } = decoded
  if (samples.length === 0) {
    defuse(packet, deps.brokerId())
    return null
  }

  const { device } = message
  const tags = deps.fleet.assetTags(device.assetId)
  const readings: Reading[] = new Array<Reading>(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as (typeof samples)[number]
    readings[i] = {
      deviceId: device.id, assetId: device.assetId, metric: sample.metric, time: sample.time, value: sample.value, tags,
    }
  }
  let handedOn: Promise<void>
  try {
    handedOn = deps.onReadings(readings)
  } catch (err: unknown) {
    return handoffFailed(deps, packet, message, err)
  }
  return handedOn.then(
    () => {
      deps.metrics.hot.readingsAccepted += readings.length
      deps.onAccepted(readings.length)
      deps.onTelemetryAccepted(device, message.arrivedAt)
      return null
    },
    (err: unknown) => handoffFailed(deps, packet, message, err),
  )
}

function handoffFailed(deps: AdmitDeps, packet: PublishPacket, message: Message, err: unknown): Error | null {
  deps.metrics.handoffFailures.inc()
  const { topic } = message
  deps.logger.warn({ deviceId: message.device.id, topic, qos: packet.qos, err }, 'readings handoff failed')
  // QoS 0 has no acknowledgement to withhold and no redelivery, so closing the connection gains nothing.
  if (packet.qos === 0) return null
  return new GatewayError('FW_ERR_GW_HANDOFF_FAILED', `readings from ${topic} could not be handed on`, {
    cause: err, details: { deviceId: message.device.id, topic },
  })
}

export function admitStatus(deps: AdmitDeps, packet: PublishPacket, message: Message): Error | null {
  const decoded = decodeStatus(message.payload, message.arrivedAt, deps.rules.window)
  if (!decoded.ok) return refuseWhole(deps, packet, message, decoded.refusal)
  if (decoded.status !== null) deps.onStatus(message.device, decoded.status, decoded.time, { isWill: message.isWill })
  deps.onAccepted(0)
  return null
}

export function admitFault(deps: AdmitDeps, packet: PublishPacket, message: Message): Error | null {
  const decoded = decodeFault(message.payload, message.arrivedAt, deps.rules.window)
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

/** Records the refusal of a whole message and makes sure aedes routes none of it. */
export function refuseWhole(
  deps: Pick<AdmitDeps, 'refusals' | 'brokerId'>,
  packet: PublishPacket,
  message: Message,
  refusal: Refusal,
): null {
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
export function defuse(packet: PublishPacket, brokerId: string): void {
  packet.topic = `$SYS/${brokerId}/forewarn/refused`
  packet.retain = false
  packet.payload = Buffer.alloc(0)
}
