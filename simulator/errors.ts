import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/** Every code the simulator throws, for the catalogue test and docs/errors.md. */
export const SIMULATOR_ERROR_CODES = [
  'FW_ERR_SIM_OPTIONS_INVALID',
  'FW_ERR_SIM_DEVICE_UNKNOWN',
  'FW_ERR_SIM_CREDENTIALS_MISSING',
  'FW_ERR_SIM_DEGRADATION_INVALID',
  'FW_ERR_SIM_BROKER_UNREACHABLE',
  'FW_ERR_SIM_AUTH_REJECTED',
  'FW_ERR_SIM_CONNECTION_LOST',
  'FW_ERR_SIM_PUBLISH_FAILED',
  'FW_ERR_SIM_CSV_NOT_FOUND',
  'FW_ERR_SIM_CSV_UNREADABLE',
  'FW_ERR_SIM_GROUND_TRUTH_WRITE_FAILED',
] as const

export type SimulatorErrorCode = typeof SIMULATOR_ERROR_CODES[number]

/**
 * A simulator or replay run could not start or could not finish. Callers branch on `code`;
 * the message names the option, device or file at fault.
 */
export class SimulatorError extends ForewarnError {
  constructor(code: SimulatorErrorCode, message: string, options: ForewarnErrorOptions = {}) {
    super(code, message, options)
    this.name = 'SimulatorError'
  }
}
