import { describeValue, type Refusal } from './payload.js'

/**
 * Where a device's time may lie relative to the message's arrival (config mqtt.maxFutureMs,
 * mqtt.maxPastMs; 0 = no limit in the past).
 */
export interface TimeWindow {
  maxFutureMs: number
  maxPastMs: number
}

export type DeviceTime = { ok: true, time: number } | { ok: false, refusal: Refusal }

/*
 * Every accepted time lies in [EARLIEST_MS, LATEST_MS): 2001-09-09T01:46:40Z to
 * 2286-11-20T17:46:40Z. In that span an epoch number has 10 digits in seconds, 13 in
 * milliseconds, 16 in microseconds and 19 in nanoseconds, so its size names its unit and a
 * unit is never guessed: 1764781200 can only be seconds. A number in a gap between the
 * ranges (an uptime counter, seconds from 1990, ms from 1975) is refused, not misread.
 */
export const EARLIEST_MS = 1e12
export const LATEST_MS = 1e13

interface EpochUnit {
  name: string
  /** Integer digits of a value in range. */
  digits: number
  /** ms = value * msNumerator / msDenominator */
  msNumerator: bigint
  msDenominator: bigint
}

const UNITS: readonly EpochUnit[] = [
  { name: 'seconds', digits: 10, msNumerator: 1000n, msDenominator: 1n },
  { name: 'milliseconds', digits: 13, msNumerator: 1n, msDenominator: 1n },
  { name: 'microseconds', digits: 16, msNumerator: 1n, msDenominator: 1000n },
  { name: 'nanoseconds', digits: 19, msNumerator: 1n, msDenominator: 1_000_000n },
]

const NUMERIC_TEXT = /^([1-9]\d{0,19})(?:\.(\d{1,9}))?$/
/*
 * RFC 3339 (the ISO 8601 profile devices print): date, 'T' or a space, time with seconds,
 * optional fraction of up to 9 digits, and a zone. A local time without zone is refused: it
 * would be read in the server's zone, which is never what the device meant.
 */
const ISO_TIME
  = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/
const DAY_MS = 86_400_000

const EXPECTED = 'epoch s, ms, µs or ns (number or digits), or ISO 8601 with a zone'

/**
 * Epoch ms (rounded to the millisecond) of a device timestamp; `arrivedAt` when the device
 * sent none. Refused: anything not a time (`timestamp_invalid`) and times outside the window
 * around the arrival (`timestamp_out_of_range`).
 */
export function parseDeviceTime(ts: unknown, arrivedAt: number, window: TimeWindow): DeviceTime {
  if (ts === undefined) return { ok: true, time: arrivedAt }
  const time = typeof ts === 'number' ? fromNumber(ts) : typeof ts === 'string' ? fromText(ts) : null
  if (time === null || time < EARLIEST_MS || time >= LATEST_MS) {
    const detail = `ts: expected ${EXPECTED} between 2001-09-09 and 2286-11-20, got ${describeValue(ts)}`
    return { ok: false, refusal: { reason: 'timestamp_invalid', detail } }
  }
  return withinWindow(time, arrivedAt, window)
}

function withinWindow(time: number, arrivedAt: number, window: TimeWindow): DeviceTime {
  const ahead = time - arrivedAt
  if (ahead > window.maxFutureMs) {
    const detail = `ts ${new Date(time).toISOString()} is ${days(ahead)} days after its arrival; `
      + `mqtt.maxFutureMs allows ${days(window.maxFutureMs)} days`
    return { ok: false, refusal: { reason: 'timestamp_out_of_range', detail } }
  }
  if (window.maxPastMs > 0 && -ahead > window.maxPastMs) {
    const detail = `ts ${new Date(time).toISOString()} is ${days(-ahead)} days before its arrival; `
      + `mqtt.maxPastMs allows ${days(window.maxPastMs)} days`
    return { ok: false, refusal: { reason: 'timestamp_out_of_range', detail } }
  }
  return { ok: true, time }
}

function days(ms: number): string {
  return (ms / DAY_MS).toFixed(1)
}

/** A JSON number: its magnitude names the unit. Beyond 2^53 (ns) a double is exact to 256 ns. */
function fromNumber(value: number): number | null {
  // Epoch ms, what nearly every device sends: 13 digits, no unit to look up.
  if (value >= EARLIEST_MS && value < LATEST_MS) return Math.round(value)
  if (!Number.isFinite(value) || value <= 0) return null
  const digits = Math.floor(Math.log10(value)) + 1
  const unit = UNITS.find((u) => u.digits === digits)
  if (unit === undefined) return null
  return Math.round(value * Number(unit.msNumerator) / Number(unit.msDenominator))
}

/** Digits (exact, whatever their length) or ISO 8601. */
function fromText(text: string): number | null {
  const numeric = NUMERIC_TEXT.exec(text)
  if (numeric !== null) return fromDigits(numeric[1] ?? '', numeric[2] ?? '')
  return fromIso(text)
}

function fromDigits(integer: string, fraction: string): number | null {
  const unit = UNITS.find((u) => u.digits === integer.length)
  if (unit === undefined) return null
  const scaled = BigInt(integer + fraction) * unit.msNumerator
  const denominator = 10n ** BigInt(fraction.length) * unit.msDenominator
  // Half up: epoch values here are positive.
  return Number((2n * scaled + denominator) / (2n * denominator))
}

function fromIso(text: string): number | null {
  const match = ISO_TIME.exec(text)
  if (match === null) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[] as [
    number, number, number, number, number, number,
  ]
  if (!isValidCivilTime({ year, month, day, hour, minute, second })) return null

  const offset = zoneOffsetMs(match[8], match[9], match[10], match[11])
  if (offset === null) return null
  const nanos = Number((match[7] ?? '').padEnd(9, '0'))
  return Date.UTC(year, month - 1, day, hour, minute, second) + Math.round(nanos / 1e6) - offset
}

interface CivilTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** Leap seconds (second 60) and 24:00 are refused rather than silently moved. */
function isValidCivilTime(c: CivilTime): boolean {
  if (c.month < 1 || c.month > 12 || c.day < 1) return false
  const daysInMonth = new Date(Date.UTC(c.year, c.month, 0)).getUTCDate()
  return c.day <= daysInMonth && c.hour <= 23 && c.minute <= 59 && c.second <= 59
}

function zoneOffsetMs(
  utc: string | undefined,
  sign: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
): number | null {
  if (utc !== undefined) return 0
  const h = Number(hours)
  const m = Number(minutes ?? '0')
  if (h > 23 || m > 59) return null
  return (sign === '-' ? -1 : 1) * (h * 60 + m) * 60_000
}
