/** Where the time and the value sit in each row. */
export interface CsvColumns {
  time: number
  value: number
}

/** A row turned into a reading, or the reason it cannot be one. */
export type CsvRowResult = { ts: number, value: number } | { reason: string }

const TIME_HEADERS: ReadonlySet<string> = new Set(['timestamp', 'time', 'ts', 'datetime', 'date'])

/**
 * 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.fff]]' or the same with 'T', optionally followed by
 * 'Z' or an offset (±HH, ±HHMM, ±HH:MM).
 */
const TIMESTAMP = new RegExp(
  '^(\\d{4})-(\\d{2})-(\\d{2})'
  + '(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?)?'
  + '\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?$', 'i',
)

/**
 * Finds the columns from the header: a time column by its usual names, the value column by
 * the metric's name or "value", else the first two columns. Null when the first row is not
 * a header at all but already data.
 */
export function columnsFromHeader(header: string[], metric: string): CsvColumns | null {
  if (header[0] !== undefined && parseTimestamp(header[0]) !== null) return null

  const names = header.map((name) => name.trim().toLowerCase())
  const foundTime = names.findIndex((name) => TIME_HEADERS.has(name))
  const time = foundTime === -1 ? 0 : foundTime
  const byName = names.findIndex((name, index) => index !== time && (name === metric.toLowerCase() || name === 'value'))
  const value = byName !== -1 ? byName : names.findIndex((_name, index) => index !== time)
  return { time, value: value === -1 ? 1 : value }
}

/** Converts one data row, naming what is wrong with it when it cannot be a reading. */
export function parseRow(record: string[], columns: CsvColumns): CsvRowResult {
  const timeText = record[columns.time]?.trim() ?? ''
  const valueText = record[columns.value]?.trim() ?? ''
  const ts = parseTimestamp(timeText)
  if (ts === null) return { reason: `unparseable time ${JSON.stringify(timeText)}` }

  const value = valueText === '' ? Number.NaN : Number(valueText)
  if (!Number.isFinite(value)) return { reason: `unparseable value ${JSON.stringify(valueText)}` }
  return { ts, value }
}

/** Epoch ms of a CSV timestamp; a time without offset is UTC. Null for anything else. */
export function parseTimestamp(text: string): number | null {
  const match = TIMESTAMP.exec(text.trim())
  if (match === null) return null

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as
    [number, number, number, number, number, number]
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0${match[7]}`) * 1000)
  if (hour > 23 || minute > 59 || second > 59) return null

  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction)
  const date = new Date(local)
  // Date.UTC rolls 2024-02-30 over into March; a calendar date that does not exist is bad input.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null

  const offsetMs = parseOffset(match[8])
  return offsetMs === null ? null : local - offsetMs
}

function parseOffset(text: string | undefined): number | null {
  if (text === undefined || text.toUpperCase() === 'Z') return 0

  const digits = text.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return null
  const sign = text.startsWith('-') ? -1 : 1
  return sign * (hours * 60 + minutes) * 60_000
}
