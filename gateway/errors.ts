import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/**
 * Why a device's message, or one metric of it, was refused. These are the `reason` of a
 * dead letter and the `reason` label of forewarn_gateway_rejected_total.
 */
export const REFUSAL_CODES = {
  topic_not_allowed: 'FW_ERR_GW_TOPIC_NOT_ALLOWED',
  subscription_not_allowed: 'FW_ERR_GW_SUBSCRIPTION_NOT_ALLOWED',
  message_too_large: 'FW_ERR_GW_MESSAGE_TOO_LARGE',
  batch_too_large: 'FW_ERR_GW_BATCH_TOO_LARGE',
  too_many_metrics: 'FW_ERR_GW_TOO_MANY_METRICS',
  payload_malformed: 'FW_ERR_GW_PAYLOAD_MALFORMED',
  payload_invalid: 'FW_ERR_GW_PAYLOAD_INVALID',
  timestamp_invalid: 'FW_ERR_GW_TIMESTAMP_INVALID',
  timestamp_out_of_range: 'FW_ERR_GW_TIMESTAMP_OUT_OF_RANGE',
  metric_name_invalid: 'FW_ERR_GW_METRIC_NAME_INVALID',
  value_missing: 'FW_ERR_GW_VALUE_MISSING',
  value_not_number: 'FW_ERR_GW_VALUE_NOT_NUMBER',
  value_not_finite: 'FW_ERR_GW_VALUE_NOT_FINITE',
} as const

export type RefusalReason = keyof typeof REFUSAL_CODES

/**
 * Why a CONNECT was refused, with the MQTT 3.1.1 CONNACK return code sent for it
 * (table 3.1 of the spec: 2 identifier rejected, 4 bad user name or password, 5 not authorized).
 */
export const AUTH_FAILURES = {
  credentials_missing: { code: 'FW_ERR_GW_CREDENTIALS_MISSING', returnCode: 5 },
  client_id_rejected: { code: 'FW_ERR_GW_CLIENT_ID_REJECTED', returnCode: 2 },
  // Unknown device and wrong secret share return code 4 so a client cannot tell them apart.
  device_unknown: { code: 'FW_ERR_GW_DEVICE_UNKNOWN', returnCode: 4 },
  secret_invalid: { code: 'FW_ERR_GW_SECRET_INVALID', returnCode: 4 },
  // Checked after the secret, so only a holder of the right secret learns the device is disabled.
  device_disabled: { code: 'FW_ERR_GW_DEVICE_DISABLED', returnCode: 5 },
  // Too many failed logins from this address lately; "server unavailable" so clients back off and retry.
  login_throttled: { code: 'FW_ERR_GW_LOGIN_THROTTLED', returnCode: 3 },
} as const

export type AuthFailureReason = keyof typeof AUTH_FAILURES

const OTHER_CODES = [
  /** Credentials could not be checked at all (answered with CONNACK 3, server unavailable). */
  'FW_ERR_GW_AUTH_UNAVAILABLE',
  /** onReadings rejected; the message is left unacknowledged so the device sends it again. */
  'FW_ERR_GW_HANDOFF_FAILED',
  'FW_ERR_GW_NOT_STARTED',
  'FW_ERR_GW_LISTEN_FAILED',
  /** A control packet (not PUBLISH) above MAX_CONTROL_PACKET_BYTES; the connection is closed. */
  'FW_ERR_GW_PACKET_TOO_LARGE',
  /** mqtt.tlsCertFile / mqtt.tlsKeyFile could not be read or do not make a TLS server. */
  'FW_ERR_GW_TLS_INVALID',
  /** External broker mode: mqtt.brokerUrl could not be reached or refused the connection at start. */
  'FW_ERR_GW_BROKER_UNAVAILABLE',
] as const

/** Every code the gateway declares, for the catalogue test and docs/errors.md. */
export const GATEWAY_ERROR_CODES = [
  ...Object.values(REFUSAL_CODES),
  ...Object.values(AUTH_FAILURES).map((failure) => failure.code),
  ...OTHER_CODES,
] as const

export type GatewayErrorCode
  = | (typeof REFUSAL_CODES)[RefusalReason]
    | (typeof AUTH_FAILURES)[AuthFailureReason]['code']
    | (typeof OTHER_CODES)[number]

/** Base of the gateway's errors. */
export class GatewayError extends ForewarnError {
  constructor(code: GatewayErrorCode, message: string, options: ForewarnErrorOptions = {}) {
    super(code, message, options)
    this.name = 'GatewayError'
  }
}

/**
 * A refused CONNECT. aedes reads `returnCode` to pick the CONNACK code it sends before
 * closing the connection [MQTT-3.2.2-5].
 */
export class DeviceAuthError extends GatewayError {
  readonly reason: AuthFailureReason
  readonly returnCode: ConnackRefusal

  constructor(reason: AuthFailureReason, details: Record<string, unknown>) {
    const failure = AUTH_FAILURES[reason]
    super(failure.code, `device connection refused: ${reason.replaceAll('_', ' ')}`, { details })
    this.name = 'DeviceAuthError'
    this.reason = reason
    this.returnCode = failure.returnCode
  }
}

/** CONNACK return codes the gateway refuses with (3 = server unavailable). */
export type ConnackRefusal = 2 | 3 | 4 | 5

/** Credentials could not be checked (not the device's fault); refused with CONNACK 3. */
export class AuthUnavailableError extends GatewayError {
  readonly returnCode: ConnackRefusal = 3

  constructor(cause: unknown, details: Record<string, unknown>) {
    super('FW_ERR_GW_AUTH_UNAVAILABLE', 'device credentials could not be checked', { cause, details })
    this.name = 'AuthUnavailableError'
  }
}
