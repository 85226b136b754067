import { addDays, fromLocal, toLocal } from '../core/index.js'

/** A customer's quiet hours as HH:MM on their own clock; an end before the start spans midnight. */
export interface QuietHours {
  start: string
  end: string
}

/**
 * When the quiet hours around `now` end, or null when `now` is outside them. Read on the
 * customer's own clock, so "22:00 to 07:00" stays right across daylight-saving changes.
 */
export function quietUntil(now: number, quiet: QuietHours | undefined, zone: string): number | null {
  if (quiet === undefined) return null
  const local = toLocal(now, zone)
  const minuteOfDay = local.hour * 60 + local.minute
  const start = minutes(quiet.start)
  const end = minutes(quiet.end)
  if (start === end) return null

  const spansMidnight = end < start
  const inside = spansMidnight
    ? minuteOfDay >= start || minuteOfDay < end
    : minuteOfDay >= start && minuteOfDay < end
  if (!inside) return null

  // Past the start on a midnight-spanning window, the quiet hours end tomorrow.
  const endDay = spansMidnight && minuteOfDay >= start ? addDays(local, 1) : addDays(local, 0)
  return fromLocal({ ...endDay, hour: Math.floor(end / 60), minute: end % 60 }, zone)
}

function minutes(text: string): number {
  const [hour = '0', minute = '0'] = text.split(':')
  return Number(hour) * 60 + Number(minute)
}
