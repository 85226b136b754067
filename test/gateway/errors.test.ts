import { describe, expect, it } from 'vitest'
import {
  AUTH_FAILURES, DeviceAuthError, GATEWAY_ERROR_CODES, GatewayError, REFUSAL_CODES,
} from '../../gateway/index.js'

describe('gateway error catalogue', () => {
  it('declares unique FW_ERR_GW_ codes', () => {
    expect(new Set(GATEWAY_ERROR_CODES).size).toBe(GATEWAY_ERROR_CODES.length)
    expect(GATEWAY_ERROR_CODES.every((code) => /^FW_ERR_GW_[A-Z_]+$/.test(code))).toBe(true)
  })

  it('names each refusal reason\'s code after the reason', () => {
    for (const [reason, code] of Object.entries(REFUSAL_CODES)) {
      expect(code).toBe(`FW_ERR_GW_${reason.toUpperCase()}`)
    }
  })

  it('answers each auth failure with its CONNACK return code', () => {
    const reasons = Object.keys(AUTH_FAILURES) as Array<keyof typeof AUTH_FAILURES>
    const errors = reasons.map((reason) => new DeviceAuthError(reason, {}))

    expect(errors.map((e) => [e.reason, e.code, e.returnCode])).toEqual([
      ['credentials_missing', 'FW_ERR_GW_CREDENTIALS_MISSING', 5],
      ['client_id_rejected', 'FW_ERR_GW_CLIENT_ID_REJECTED', 2],
      ['device_unknown', 'FW_ERR_GW_DEVICE_UNKNOWN', 4],
      ['secret_invalid', 'FW_ERR_GW_SECRET_INVALID', 4],
      ['device_disabled', 'FW_ERR_GW_DEVICE_DISABLED', 5],
      ['login_throttled', 'FW_ERR_GW_LOGIN_THROTTLED', 3],
    ])
    expect(errors.every((e) => e instanceof GatewayError)).toBe(true)
  })
})
