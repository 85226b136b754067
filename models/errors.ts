import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/** Every code the models module throws, for the catalogue test and docs/errors.md. */
export const MODELS_ERROR_CODES = [
  'FW_ERR_MDL_OPTIONS_INVALID', 'FW_ERR_MDL_DATASET_NOT_FOUND', 'FW_ERR_MDL_DATASET_INVALID',
] as const

export type ModelsErrorCode = typeof MODELS_ERROR_CODES[number]

/**
 * A detector could not be built (its settings or metric profile are unusable), or an
 * evaluation dataset is missing or malformed. The message names the setting, file or row at
 * fault and the value received.
 */
export class ModelsError extends ForewarnError {
  constructor(code: ModelsErrorCode, message: string, options: ForewarnErrorOptions = {}) {
    super(code, message, options)
    this.name = 'ModelsError'
  }
}
