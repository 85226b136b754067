import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countReadings, readingTimes } from '../../simulator/device-signal.js'

describe('readingTimes', () => {
  it('yields the grid before the failure, then the failure time itself', () => {
    const grid = { startTime: 0, endTime: 100, intervalMs: 10 }

    expect([...readingTimes(grid, 35)]).toEqual([0, 10, 20, 30, 35])
    expect([...readingTimes(grid, 40)]).toEqual([0, 10, 20, 30, 40])
    expect([...readingTimes(grid, 100)]).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    expect([...readingTimes(grid, 130)]).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
  })

  it('is counted exactly by countReadings', () => {
    fc.assert(fc.property(
      fc.integer({ min: -1_000, max: 1_000 }),
      fc.integer({ min: 0, max: 500 }),
      fc.integer({ min: 1, max: 60 }),
      fc.option(fc.integer({ min: 0, max: 600 })),
      (startTime, durationMs, intervalMs, failureOffset) => {
        const grid = { startTime, endTime: startTime + durationMs, intervalMs }
        const failureAt = failureOffset === null ? null : startTime + failureOffset
        expect(countReadings(grid, failureAt)).toBe([...readingTimes(grid, failureAt)].length)
      },
    ))
  })
})
