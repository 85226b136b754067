import { describe, expect, it } from 'vitest'
import { createStreamDetector, type StreamDetector } from '../../models/index.js'
import type { Signal } from '../../core/index.js'
import { DAY_MS, HOUR_MS, SETTINGS, START, healthyStream, type Point } from './synthetic.js'

function run(detector: StreamDetector, points: Point[]): Signal[] {
  return points.flatMap((point) => detector.observe(point.time, point.value).signals)
}

function noisyLevel(level: (time: number) => number, days: number, seed = 7): Point[] {
  return healthyStream({ base: 1, dailyAmplitude: 0, noise: 0.03 }, { seed, days })
    .map((point) => ({ time: point.time, value: level(point.time) * point.value }))
}

describe('robust z-score anomaly detection', () => {
  it('raises exactly one anomaly Signal for a lasting step change', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const stepAt = START + 3 * DAY_MS
    const signals = run(detector, noisyLevel((time) => (time < stepAt ? 10 : 15), 5))

    expect(signals).toHaveLength(1)
    expect(signals[0]).toMatchObject({
      assetId: 'press-1', kind: 'anomaly', failureMode: 'abnormal_behaviour', severity: 'critical',
      predictedFailure: null, detector: { name: 'robust-zscore', version: '1.0.0' },
    })
    expect(signals[0]?.detectedAt).toBe(stepAt + 10 * 60_000)
    expect(signals[0]?.evidence.summary).toBe('Pressure rose to 15.5, well above its usual level of 9.98 '
      + '(usual variation ±0.298), starting 2026-01-08 00:00 UTC. That is 18 times the usual variation.')
  })

  it('reports again within an episode only when the severity grows', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const from = START + 3 * DAY_MS
    const level = (time: number): number => {
      if (time < from) return 10
      return time < from + 2 * HOUR_MS ? 13 : 18
    }
    const signals = run(detector, noisyLevel(level, 4))

    expect(signals.map((s) => s.severity)).toEqual(['warning', 'critical'])
    expect(signals[0]?.evidence.windowStart).toBe(signals[1]?.evidence.windowStart)
    expect(signals[0]?.id).not.toBe(signals[1]?.id)
  })

  it('treats dips separated by a quiet stretch as separate episodes and a flicker as one', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const dips = [[3 * DAY_MS, 3 * DAY_MS + HOUR_MS], [3 * DAY_MS + 2 * HOUR_MS, 3 * DAY_MS + 3 * HOUR_MS],
      [5 * DAY_MS, 5 * DAY_MS + HOUR_MS]]
    const isDip = (time: number): boolean => dips.some(([a = 0, b = 0]) => time >= START + a && time < START + b)
    const signals = run(detector, noisyLevel((time) => (isDip(time) ? 7.5 : 10), 6))

    expect(signals.map((s) => new Date(s.evidence.windowStart).toISOString())).toEqual([
      '2026-01-08T00:00:00.000Z', '2026-01-10T00:00:00.000Z',
    ])
  })

  it('starts a new episode after a silence longer than the quiet period', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const dip = START + 3 * DAY_MS
    const hoursAfterDip = (time: number): number => (time - dip) / HOUR_MS
    const isDip = (time: number): boolean => [0, 9].some((h) => hoursAfterDip(time) >= h && hoursAfterDip(time) < h + 1)
    const isSilent = (time: number): boolean => hoursAfterDip(time) > 1.25 && hoursAfterDip(time) < 9
    const points = noisyLevel((time) => (isDip(time) ? 7.5 : 10), 4).filter((p) => !isSilent(p.time))
    const signals = run(detector, points)
    const anomalies = signals.filter((s) => s.kind === 'anomaly')

    expect(anomalies.map((s) => hoursAfterDip(s.evidence.windowStart))).toEqual([0, 9])
    // The silence itself is a sensor fault (a dropout), reported once readings resume.
    expect(signals.filter((s) => s.kind === 'sensor_fault').map((s) => s.detector.name)).toEqual(['sensor-dropout'])
  })

  it('keeps the baseline where it was while an anomaly lasts', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const from = START + 3 * DAY_MS
    const points = noisyLevel((time) => (time >= from && time < from + DAY_MS ? 14 : 10), 4)
    run(detector, points.filter((p) => p.time < from))
    const before = detector.baseline()
    run(detector, points.filter((p) => p.time >= from && p.time < from + DAY_MS))

    expect(detector.baseline()).toEqual(before)
    expect(before.location).toBeCloseTo(10, 0)
  })

  it('accepts a level held for more than three days as the new normal', () => {
    const detector = createStreamDetector({ assetId: 'press-1', metric: 'pressure', settings: SETTINGS })
    const from = START + 3 * DAY_MS
    const points = noisyLevel((time) => (time < from ? 10 : 15), 9)
    const rebaselined = points.filter((p) => detector.observe(p.time, p.value).isRebaselined)

    expect(rebaselined.map((p) => (p.time - from) / HOUR_MS)).toEqual([72])
    expect(detector.baseline().location).toBeCloseTo(15, 0)
  })
})
