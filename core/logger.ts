import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

/**
 * Secrets and customer contact details never reach the logs. Paths cover the field at the
 * top level and one level down (pino redaction is path based, not recursive).
 */
const REDACT_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token',
  'email', '*.email', 'authorization', '*.authorization', 'smtpUrl', '*.smtpUrl',
]

export interface LoggerOptions {
  level: string
  /** Defaults to stdout. Tests pass a memory stream to assert on records. */
  destination?: DestinationStream
}

/** The root logger; each capability takes `logger.child({ module: '<name>' })`. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'forewarn' },
  }
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination)
}
