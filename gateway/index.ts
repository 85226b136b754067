/** The MQTT edge: an embedded aedes broker that authenticates devices and turns their messages into Readings. */
import { ExternalBrokerGateway } from './external-broker.js'
import { MqttGateway } from './gateway.js'
import type { Gateway, GatewayDeps } from './types.js'

/** Wires the gateway (embedded broker, or a client of config.mqtt.brokerUrl); no I/O until start(). */
export function createGateway(deps: GatewayDeps): Gateway {
  return deps.config.mqtt.brokerUrl === '' ? new MqttGateway(deps) : new ExternalBrokerGateway(deps)
}

/** The gateway's dependencies, its lifecycle and its counters. */
export type { Gateway, GatewayDeps, GatewayStats } from './types.js'
/** The listeners' URLs. */
export type { GatewayEndpoints } from './listeners.js'
/** A refused message or metric, with its reason. */
export type { DeadLetter, DeadLetterQuery } from './dead-letters.js'
/** Dead-letter ring size and payload preview length. */
export { DEAD_LETTER_CAPACITY, PAYLOAD_PREVIEW_CHARS } from './dead-letters.js'
/** Error classes, refusal reasons and the catalogue of FW_ERR_GW_* codes. */
export {
  GatewayError, DeviceAuthError, AuthUnavailableError, GATEWAY_ERROR_CODES, REFUSAL_CODES, AUTH_FAILURES,
} from './errors.js'
/** Reason names and code types. */
export type { RefusalReason, AuthFailureReason, GatewayErrorCode, ConnackRefusal } from './errors.js'
/** The telemetry decoder on its own (no broker), for tests and tools in app/, and its default rules. */
export { decodeTelemetry, DEFAULT_TELEMETRY_RULES } from './handlers/telemetry.js'
/** Decoder result and rule types. */
export type { DecodedTelemetry, Sample, TelemetryRules } from './handlers/telemetry.js'
/** The metric-name rule: what is wrong with a name (null when it is fine), and the length limit. */
export { metricNameProblem, METRIC_NAME_MAX_CHARS } from './metric-name.js'
/** The device-time rule: epoch s/ms/µs/ns or ISO 8601, within [EARLIEST_MS, LATEST_MS). */
export { parseDeviceTime, EARLIEST_MS, LATEST_MS } from './timestamp.js'
/** The time window around arrival and the parse result. */
export type { TimeWindow, DeviceTime } from './timestamp.js'
