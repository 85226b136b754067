import { describe, expect, it } from 'vitest'
import { quietUntil } from '../../dispatch/quiet-hours.js'

const NIGHT = { start: '22:00', end: '07:00' }

describe('quietUntil', () => {
  it('is null outside the quiet hours and without any', () => {
    expect(quietUntil(Date.UTC(2026, 0, 5, 12), NIGHT, 'Europe/London')).toBeNull()
    expect(quietUntil(Date.UTC(2026, 0, 5, 23), undefined, 'Europe/London')).toBeNull()
    expect(quietUntil(Date.UTC(2026, 0, 5, 23), { start: '09:00', end: '09:00' }, 'Europe/London')).toBeNull()
  })

  it('ends the next morning before midnight and the same morning after it', () => {
    expect(quietUntil(Date.UTC(2026, 0, 5, 23, 30), NIGHT, 'Europe/London')).toBe(Date.UTC(2026, 0, 6, 7))
    expect(quietUntil(Date.UTC(2026, 0, 6, 5), NIGHT, 'Europe/London')).toBe(Date.UTC(2026, 0, 6, 7))
  })

  it('reads the customer\'s own clock across a daylight-saving change', () => {
    // London moves to BST at 01:00 UTC on 29 March 2026: 07:00 local is then 06:00 UTC.
    expect(quietUntil(Date.UTC(2026, 2, 28, 23), NIGHT, 'Europe/London')).toBe(Date.UTC(2026, 2, 29, 6))
    expect(quietUntil(Date.UTC(2026, 2, 2, 4), NIGHT, 'America/New_York')).toBe(Date.UTC(2026, 2, 2, 12))
  })

  it('handles a daytime window that does not span midnight', () => {
    expect(quietUntil(Date.UTC(2026, 0, 5, 13), { start: '12:00', end: '14:00' }, 'UTC')).toBe(Date.UTC(2026, 0, 5, 14))
  })
})
