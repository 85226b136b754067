import {
  createLogger, loadConfig, type Config, type ConfigOverrides, type Logger, type Reading,
} from '../../core/index.js'

/** 2023-11-14T22:14:00Z, a whole minute, so 60 s buckets start exactly here. */
export const T0 = 1_700_000_040_000

/** A reading of pump-1's temperature at T0 + offsetMs; any field can be overridden. */
export function reading(
  offsetMs: number, value: number, overrides: Partial<Reading> = {},
): Reading {
  return {
    deviceId: 'dev-1',
    assetId: 'pump-1',
    metric: 'temperature',
    time: T0 + offsetMs,
    value,
    tags: { siteId: 'site-north', customerId: 'acme', equipmentType: 'pump' },
    ...overrides,
  }
}

export type LogRecord = Record<string, unknown>

/** A logger whose records land, parsed, in `records`. */
export function memoryLogger(level = 'debug'): { logger: Logger, records: LogRecord[] } {
  const records: LogRecord[] = []
  const destination = {
    write(line: string): void {
      records.push(JSON.parse(line) as LogRecord)
    },
  }
  return { logger: createLogger({ level, destination }), records }
}

/** Validated config from defaults plus overrides, ignoring the machine's FOREWARN_* variables. */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  return loadConfig({ env: {}, overrides })
}
