/**
 * Wall-clock arithmetic in IANA time zones through Intl only (no tz database of our own), so
 * daylight-saving transitions follow whatever the Node runtime's ICU knows.
 */

/** A calendar date and time of day as read on a clock in some zone. */
export interface LocalDateTime {
  year: number
  /** 1..12 */
  month: number
  day: number
  hour: number
  minute: number
}

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

/** The local date and time (to the minute) that `epochMs` shows in `zone`. */
export function toLocal(epochMs: number, zone: string): LocalDateTime {
  const fields = new Map<string, number>()
  for (const part of partsFormatter(zone).formatToParts(epochMs)) {
    fields.set(part.type, Number(part.value))
  }
  const field = (name: string): number => fields.get(name) ?? 0
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
  }
}

/** How far `zone` is ahead of UTC at `epochMs`, in milliseconds (minute precision). */
export function zoneOffsetMs(epochMs: number, zone: string): number {
  const local = toLocal(epochMs, zone)
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute)
  return asUtc - Math.floor(epochMs / MINUTE_MS) * MINUTE_MS
}

/**
 * The instant a clock in `zone` shows `local`. The offsets in force a day before and a day
 * after are both tried, which covers a DST change on that day: an ambiguous fall-back time
 * maps to its earlier occurrence, and a time skipped by a spring-forward gap is read with the
 * offset from before the gap, so it lands as much later as the gap is long (02:30 → 03:30).
 */
export function fromLocal(local: LocalDateTime, zone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute)
  const before = zoneOffsetMs(asUtc - DAY_MS, zone)
  const after = zoneOffsetMs(asUtc + DAY_MS, zone)
  const matches = [asUtc - before, asUtc - after]
    .filter((instant) => sameMinute(toLocal(instant, zone), local))
    .sort((a, b) => a - b)
  return matches[0] ?? asUtc - before
}

function sameMinute(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour
    && a.minute === b.minute
}

/** The calendar date `days` after the given one, with its ISO weekday (1 = Monday). */
export function addDays(
  date: { year: number, month: number, day: number }, days: number,
): { year: number, month: number, day: number, isoWeekday: number } {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  const weekday = shifted.getUTCDay()
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    isoWeekday: weekday === 0 ? 7 : weekday,
  }
}
