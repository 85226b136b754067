/** The MQTT edge: an embedded aedes broker that authenticates devices and turns their messages into Readings. */
import { MqttGateway } from './gateway.js'
import type { Gateway, GatewayDeps } from './types.js'

/** Wires the gateway; no I/O until start(). */
export function createGateway(deps: GatewayDeps): Gateway {
  return new MqttGateway(deps)
}

/** The gateway's dependencies, its lifecycle and its counters. */
export type { Gateway, GatewayDeps, GatewayStats } from './types.js'
/** A refused message or metric, with its reason. */
export type { DeadLetter } from './dead-letters.js'
/** Dead-letter ring size and payload preview length. */
export { DEAD_LETTER_CAPACITY, PAYLOAD_PREVIEW_CHARS } from './dead-letters.js'
/** Error classes, refusal reasons and the catalogue of FW_ERR_GW_* codes. */
export {
  GatewayError, DeviceAuthError, AuthUnavailableError, GATEWAY_ERROR_CODES, REFUSAL_CODES, AUTH_FAILURES,
} from './errors.js'
/** Reason names and code types. */
export type { RefusalReason, AuthFailureReason, GatewayErrorCode, ConnackRefusal } from './errors.js'
/** The telemetry decoder on its own (no broker), for tests and tools in app/. */
export { decodeTelemetry, METRIC_NAME } from './handlers/telemetry.js'
/** Decoder result types. */
export type { DecodedTelemetry, Sample } from './handlers/telemetry.js'
