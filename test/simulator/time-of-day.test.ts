import { describe, expect, it } from 'vitest'
import { localHourOfDay } from '../../simulator/time-of-day.js'

describe('localHourOfDay', () => {
  it('follows each zone and its daylight-saving time', () => {
    const winter = Date.parse('2024-01-15T12:30:00Z')
    const summer = Date.parse('2024-07-15T12:30:00Z')

    expect([
      localHourOfDay(winter, 'Europe/Berlin'),
      localHourOfDay(summer, 'Europe/Berlin'),
      localHourOfDay(winter, 'America/New_York'),
      localHourOfDay(summer, 'America/New_York'),
      localHourOfDay(winter, 'Asia/Kolkata'),
    ]).toEqual([13.5, 14.5, 7.5, 8.5, 18])
  })

  it('changes offset within the day of a daylight-saving switch', () => {
    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 2024-03-31.
    expect([
      localHourOfDay(Date.parse('2024-03-31T00:30:00Z'), 'Europe/Berlin'),
      localHourOfDay(Date.parse('2024-03-31T01:30:00Z'), 'Europe/Berlin'),
    ]).toEqual([1.5, 3.5])
  })
})
