const HOUR_MS = 3_600_000
const MAX_CACHED_OFFSETS = 10_000

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsets = new Map<string, number>()

/**
 * Local hour of day (0 <= h < 24, fractional) of an instant in an IANA time zone.
 * Time-zone offsets only change on whole hours in practice, so the offset is computed once
 * per zone and UTC hour and cached; Intl formatting per reading would dominate a large run.
 */
export function localHourOfDay(timeMs: number, timeZone: string): number {
  const utcHour = Math.floor(timeMs / HOUR_MS)
  const key = `${timeZone}:${utcHour}`
  let offsetMs = offsets.get(key)
  if (offsetMs === undefined) {
    offsetMs = zoneOffsetMs(utcHour * HOUR_MS, timeZone)
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear()
    offsets.set(key, offsetMs)
  }

  const localMs = timeMs + offsetMs
  const dayMs = 24 * HOUR_MS
  return (((localMs % dayMs) + dayMs) % dayMs) / HOUR_MS
}

function zoneOffsetMs(timeMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(timeMs))
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? 0)

  const localAsUtc = Date.UTC(
    field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'),
  )
  return localAsUtc - timeMs
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}
