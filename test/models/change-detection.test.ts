import { describe, expect, it } from 'vitest'
import type { Signal } from '../../core/index.js'
import { SeasonalProfile, createStreamDetector, hourOfWeek } from '../../models/index.js'
import { DAY_MS, HOUR_MS, SETTINGS, START, healthyStream, type Point } from './synthetic.js'

/** An unprofiled stream (no trend, no range): only the anomaly paths can speak. */
function replay(points: Point[]): Signal[] {
  const detector = createStreamDetector({ assetId: 'fan-1', metric: 'current', settings: SETTINGS })
  return points.flatMap((point) => detector.observe(point.time, point.value).signals)
}

const SHAPE = { base: 30, dailyAmplitude: 0.12, noise: 0.04 }
const isWeekend = (time: number): boolean => hourOfWeek(time) >= 120

describe('CUSUM level-shift detection', () => {
  it('reports a lasting shift of 10 % (2.5 reading SDs, far inside the z-score threshold) within 12 hours', () => {
    for (const seed of [1, 2, 3]) {
      const shiftAt = START + 11 * DAY_MS + 9 * HOUR_MS
      const points = healthyStream(SHAPE, { seed, days: 14 })
        .map((p) => ({ time: p.time, value: p.time >= shiftAt ? p.value + 3 : p.value }))
      const signals = replay(points)

      expect(signals.map((s) => [s.kind, s.detector.name, s.failureMode])).toEqual([['anomaly', 'cusum-shift', 'abnormal_behaviour']])
      const lag = ((signals[0]?.detectedAt ?? 0) - shiftAt) / HOUR_MS
      expect(lag).toBeGreaterThanOrEqual(1)
      expect(lag).toBeLessThanOrEqual(12)
      // The shift is dated from the last hour the sum was zero: the hour it began, or one or two before.
      const start = signals[0]?.evidence.windowStart ?? 0
      expect(start).toBeGreaterThanOrEqual(shiftAt - 3 * HOUR_MS)
      expect(start).toBeLessThanOrEqual(shiftAt)
    }
  })

  it('explains the shift in plain words', () => {
    const shiftAt = START + 11 * DAY_MS
    const points = healthyStream(SHAPE, { seed: 4, days: 12 })
      .map((p) => ({ time: p.time, value: p.time >= shiftAt ? p.value - 4 : p.value }))
    const [signal] = replay(points)

    expect(signal?.evidence.summary).toMatch(new RegExp('^Current has been running below its usual level for the time '
      + 'of week since 2026-01-16 00:00 UTC, by \\d+(\\.\\d)? times the usual variation of its hourly average: a lasting '
      + 'shift rather than a single outlier\\. It is now [\\d.]+, where [\\d.]+ \\(hourly average ±[\\d.]+\\) is usual\\.$'))
  })

  it('raises nothing on a healthy stream with a daily cycle over four weeks', () => {
    for (const seed of [5, 6, 7]) expect(replay(healthyStream(SHAPE, { seed, days: 28 }))).toEqual([])
  })
})

describe('weekly cycle', () => {
  it('leaves a plant that idles at 30 % every weekend alone once it has seen a week', () => {
    for (const seed of [8, 9]) {
      const points = healthyStream(SHAPE, { seed, days: 35 })
        .map((p) => ({ time: p.time, value: isWeekend(p.time) ? 0.3 * p.value : p.value }))
      const signals = replay(points)

      // The first weekend is news; from the second on the hour-of-week profile expects it.
      expect(signals.filter((s) => s.detectedAt >= START + 9 * DAY_MS)).toEqual([])
    }
  })

  it('still reports a weekend that does not idle as usual', () => {
    const odd = START + 26 * DAY_MS
    const points = healthyStream(SHAPE, { seed: 10, days: 28 }).map((p) => ({
      time: p.time, value: isWeekend(p.time) && p.time < odd ? 0.3 * p.value : p.value,
    }))
    const late = replay(points).filter((s) => s.detectedAt >= odd)

    expect(late.map((s) => s.kind)).toContain('anomaly')
  })
})

describe('SeasonalProfile', () => {
  it('numbers the hours of the week from Monday 00:00 UTC', () => {
    expect([hourOfWeek(START), hourOfWeek(START + 5 * DAY_MS + 13 * HOUR_MS), hourOfWeek(START - HOUR_MS)])
      .toEqual([0, 133, 167])
  })

  it('starts each hour as the mean of its readings, then follows them with weight 0.3 per hour', () => {
    const profile = new SeasonalProfile()
    expect(profile.expected(START)).toBeNaN()
    profile.learn(START, 10, 1)
    profile.learn(START + 60_000, 20, 1)
    expect(profile.expected(START + 30 * 60_000)).toBeCloseTo(15, 5)
    expect(profile.expected(START + HOUR_MS)).toBeNaN()
  })
})
