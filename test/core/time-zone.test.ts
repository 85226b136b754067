import { describe, expect, it } from 'vitest'
import { addDays, fromLocal, toLocal, zoneOffsetMs } from '../../core/time-zone.js'

const HOUR_MS = 3_600_000

describe('time-zone', () => {
  it('reads the local wall time of an instant', () => {
    expect(toLocal(Date.UTC(2026, 6, 1, 22, 30), 'Europe/Berlin'))
      .toEqual({ year: 2026, month: 7, day: 2, hour: 0, minute: 30 })
  })

  it('reports the offset on both sides of a DST change', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 2, 29, 0, 59), 'Europe/Berlin')).toBe(HOUR_MS)
    expect(zoneOffsetMs(Date.UTC(2026, 2, 29, 1, 0), 'Europe/Berlin')).toBe(2 * HOUR_MS)
  })

  it('maps local times to instants across DST, including skipped and repeated hours', () => {
    const berlin = (day: number, hour: number): number =>
      fromLocal({ year: 2026, month: 3, day, hour, minute: 0 }, 'Europe/Berlin')

    expect(berlin(28, 9)).toBe(Date.UTC(2026, 2, 28, 8))
    expect(berlin(30, 9)).toBe(Date.UTC(2026, 2, 30, 7))
    // 02:00 does not exist on 29 March; it lands one hour later, at 03:00 CEST.
    expect(berlin(29, 2)).toBe(Date.UTC(2026, 2, 29, 1))
    expect(toLocal(berlin(29, 2), 'Europe/Berlin').hour).toBe(3)
    // Repeated hours (fall back) resolve to the earlier occurrence, east and west of UTC alike.
    expect(fromLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'))
      .toBe(Date.UTC(2026, 9, 25, 0, 30))
    expect(fromLocal({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York'))
      .toBe(Date.UTC(2026, 10, 1, 5, 30))
  })

  it('adds calendar days across month ends with ISO weekdays', () => {
    expect(addDays({ year: 2026, month: 2, day: 28 }, 1)).toEqual({ year: 2026, month: 3, day: 1, isoWeekday: 7 })
    expect(addDays({ year: 2026, month: 3, day: 2 }, -1)).toEqual({ year: 2026, month: 3, day: 1, isoWeekday: 7 })
  })
})
