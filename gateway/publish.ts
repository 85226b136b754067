import type { Client, PublishPacket } from 'aedes'
import type { Device } from '../core/index.js'
import { ownTopicsHint, publishKind } from './acl.js'
import { GatewayError } from './errors.js'
import type { OversizeMarker } from './frame-limit.js'
import {
  admitFault, admitStatus, admitTelemetry, defuse, refuseWhole, type AdmitDeps, type Message,
} from './admit.js'
import type { Handling, RedeliveryMemory } from './redelivery.js'

/*
 * Every device PUBLISH is admitted here: through aedes' authorizePublish hook, or, for a
 * device's own telemetry that aedes would only acknowledge, straight from the connection's
 * telemetry lane (telemetry-lane.ts), which calls admitPublish and acknowledges as aedes would.
 * Two facts of aedes 1.x (lib/handlers/publish.js) decide how the hook is used:
 *
 * 1. authorizePublish is the only hook that runs before the acknowledgement. enqueuePublish
 *    writes the QoS 1 PUBACK (QoS 2 PUBREC) first and only then calls broker.publish, which
 *    feeds mq subscriptions and the `published` hook. So readings are handed to onReadings
 *    here and the callback waits for it: an acknowledged reading has been handed on.
 *    aedes reads more of a client's bytes only when the callbacks of every packet parsed
 *    from its last read have run, so a slow onReadings, or the rate limit's delay, slows
 *    that device alone. Packets parsed from one read are handled concurrently.
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

export interface PublishGateDeps extends AdmitDeps {
  maxMessageBytes: number
  marker: OversizeMarker
  redeliveries: RedeliveryMemory
  /** Waits out the device's rate limit; false when the gateway stopped meanwhile. */
  throttle: (deviceId: string) => boolean | Promise<boolean>
}

type AuthorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => void

/** aedes' authorizePublish hook; `deviceOf` names the device a connection authenticated as. */
export function createPublishGate(
  deps: PublishGateDeps,
  deviceOf: (client: Client) => Device | undefined,
): AuthorizePublish {
  return (client, packet, callback) => {
    // client is null only for a will left by a dead broker instance (aedes _clearWills).
    const device = client === null ? undefined : deviceOf(client)
    if (client === null || device === undefined) {
      defuse(packet, deps.brokerId())
      callback(null)
      return
    }
    // aedes publishes a will from the closed client [MQTT-3.1.2-8]; nothing is waiting on it.
    admitPublish(deps, { device, isWill: client.closed }, packet).then(
      (error) => { answer(deps, packet, callback, error) },
      (err: unknown) => {
        deps.logger.error({ err, topic: packet.topic }, 'device publish handling failed')
        answer(deps, packet, callback, err instanceof Error ? err : new Error(String(err)))
      },
    )
  }
}

/**
 * Calls aedes back (which writes the PUBACK). A throw from there is logged here rather than
 * through a further .catch(): that would cost every message one more promise.
 */
function answer(
  deps: PublishGateDeps, packet: PublishPacket, callback: (error?: Error | null) => void, error: Error | null,
): void {
  try {
    callback(error)
  } catch (err: unknown) {
    deps.logger.error({ err, topic: packet.topic }, 'device publish callback failed')
  }
}

/**
 * Handles one PUBLISH of a known device: null when it was acknowledged-worthy (accepted or
 * refused with a dead letter), an error when it must be left unacknowledged. Not async, nor
 * is admitOnce: every message passes here, and plain promise chains on the common path (no
 * rate-limit wait, no redelivery) cost less than two async frames.
 */
export function admitPublish(
  deps: PublishGateDeps,
  source: { device: Device, isWill: boolean },
  packet: PublishPacket,
): Promise<Error | null> {
  // A throw before the first promise still reaches the caller as a rejection.
  return settled(() => startAdmission(deps, source, packet))
}

function startAdmission(
  deps: PublishGateDeps,
  source: { device: Device, isWill: boolean },
  packet: PublishPacket,
): Promise<Error | null> {
  const { device, isWill } = source
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
  const message: Message = { device, topic: packet.topic, payload, arrivedAt: deps.clock.now(), isWill }
  const kind = publishKind(device.id, packet.topic)
  deps.metrics.hot.received[kind ?? 'other'] += 1
  const { messageId } = packet
  // A synchronous throw here reaches admitPublish's settled(); no redelivery record to settle.
  if (packet.qos === 0 || messageId === undefined) {
    return Promise.resolve(admitOnce(deps, packet, message, { kind, earlier: null }))
  }

  // Registered before anything waits, so a copy parsed from the same read finds this one.
  const { handling, earlier } = deps.redeliveries.begin(device.id, messageId, payload)
  return settled(() => admitOnce(deps, packet, message, { kind, earlier: packet.dup ? earlier : null })).then(
    (error) => {
      handling.settle(error === null)
      return error
    },
    (err: unknown) => {
      handling.settle(false)
      throw err
    },
  )
}

/** The outcome as a promise, a synchronous throw included (as an async function would give). */
function settled<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(run())
  } catch (err: unknown) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)))
  }
}

interface Admission {
  kind: ReturnType<typeof publishKind>
  /** An earlier copy of this DUP-flagged message, if any. */
  earlier: Handling | null
}

function admitOnce(
  deps: PublishGateDeps,
  packet: PublishPacket,
  message: Message,
  admission: Admission,
): Promise<Error | null> | Error | null {
  if (message.isWill) return afterThrottle(deps, packet, message, admission)
  const admitted = deps.throttle(message.device.id)
  if (admitted === true) return afterThrottle(deps, packet, message, admission)
  if (admitted === false) return gatewayStopped()
  // Only when the rate limit made it wait: awaiting a plain boolean would cost a turn.
  return admitted.then((isAdmitted) => {
    return isAdmitted ? afterThrottle(deps, packet, message, admission) : gatewayStopped()
  })
}

function gatewayStopped(): GatewayError {
  return new GatewayError('FW_ERR_GW_NOT_STARTED', 'the gateway stopped while the message waited')
}

function afterThrottle(
  deps: PublishGateDeps,
  packet: PublishPacket,
  message: Message,
  admission: Admission,
): Promise<Error | null> | Error | null {
  if (admission.earlier === null) return admitKind(deps, packet, message, admission.kind)
  const decide = (wasAcknowledged: boolean): Promise<Error | null> | Error | null => {
    if (!wasAcknowledged) return admitKind(deps, packet, message, admission.kind)
    skipRepeat(deps, packet, message)
    return null
  }
  const wasAcknowledged = admission.earlier.wasAcknowledged()
  return typeof wasAcknowledged === 'boolean' ? decide(wasAcknowledged) : wasAcknowledged.then(decide)
}

function skipRepeat(deps: PublishGateDeps, packet: PublishPacket, message: Message): void {
  deps.metrics.redeliveries.inc()
  if (deps.logger.isLevelEnabled('debug')) {
    const fields = { deviceId: message.device.id, topic: message.topic, qos: packet.qos }
    deps.logger.debug(fields, 'device redelivery skipped')
  }
  defuse(packet, deps.brokerId())
}

/** Not async: only telemetry waits (for its handoff), and its promise is passed on as it is. */
function admitKind(
  deps: PublishGateDeps,
  packet: PublishPacket,
  message: Message,
  kind: ReturnType<typeof publishKind>,
): Promise<Error | null> | Error | null {
  if (kind === null) {
    const detail = `device ${message.device.id} may publish only to ${ownTopicsHint(message.device.id)}`
    return refuseWhole(deps, packet, message, { reason: 'topic_not_allowed', detail })
  }
  const oversized = deps.marker.decode(message.payload)
  const size = oversized?.payloadBytes ?? message.payload.length
  if (size > deps.maxMessageBytes) {
    const detail = `${size} bytes exceed the limit of ${deps.maxMessageBytes} (mqtt.maxMessageBytes)`
    const refused = oversized === null ? message : { ...message, payload: oversized.preview }
    return refuseWhole(deps, packet, refused, { reason: 'message_too_large', detail })
  }

  if (kind === 'telemetry') return admitTelemetry(deps, packet, message)
  if (kind === 'status') return admitStatus(deps, packet, message)
  return admitFault(deps, packet, message)
}
