import { zoneOffsetMs } from '../core/index.js'

const HOUR_MS = 3_600_000
const MAX_CACHED_OFFSETS = 10_000

const offsets = new Map<string, number>()

/**
 * Local hour of day (0 <= h < 24, fractional) of an instant in an IANA time zone.
 * Time-zone offsets only change on whole hours in practice, so the offset is computed once
 * per zone and UTC hour and cached; Intl formatting per reading would dominate a large run.
 */
export function localHourOfDay(timeMs: number, timeZone: string): number {
  const localMs = localTimeMs(timeMs, timeZone)
  const dayMs = 24 * HOUR_MS
  return (((localMs % dayMs) + dayMs) % dayMs) / HOUR_MS
}

/** Whether an instant falls on a Saturday or Sunday in an IANA time zone. */
export function isLocalWeekend(timeMs: number, timeZone: string): boolean {
  const weekday = new Date(localTimeMs(timeMs, timeZone)).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** The instant shifted by the zone's offset, so its UTC fields read as local time. */
function localTimeMs(timeMs: number, timeZone: string): number {
  const utcHour = Math.floor(timeMs / HOUR_MS)
  const key = `${timeZone}:${utcHour}`
  let offsetMs = offsets.get(key)
  if (offsetMs === undefined) {
    offsetMs = zoneOffsetMs(utcHour * HOUR_MS, timeZone)
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear()
    offsets.set(key, offsetMs)
  }
  return timeMs + offsetMs
}
