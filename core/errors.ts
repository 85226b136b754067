/**
 * Base of every error Forewarn throws. Callers branch on `code`, never on the message.
 * Codes look like FW_ERR_<AREA>_<PROBLEM>; each capability declares its own in its errors.ts.
 */
export class ForewarnError extends Error {
  readonly code: string
  readonly statusCode: number | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, options: ForewarnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ForewarnError'
    this.code = code
    this.statusCode = options.statusCode
    this.details = options.details
  }
}

export interface ForewarnErrorOptions {
  statusCode?: number
  details?: Record<string, unknown>
  cause?: unknown
}

/** True for any ForewarnError, also across duplicated module copies (checks the shape, not the class). */
export function isForewarnError(err: unknown): err is ForewarnError {
  if (!(err instanceof Error)) return false
  const code: unknown = (err as Error & { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('FW_ERR_')
}

/** Configuration could not be loaded or failed validation; details.issues lists every problem. */
export class ConfigError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_CFG_INVALID', message, options)
  }
}

/** The fleet file is missing, unreadable or inconsistent (unknown site, duplicate id, ...). */
export class FleetError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_CFG_FLEET_INVALID', message, options)
  }
}

/** Every code declared in core, for the catalogue test and docs/errors.md. */
export const CORE_ERROR_CODES = ['FW_ERR_CFG_INVALID', 'FW_ERR_CFG_FLEET_INVALID'] as const
