import { describe, expect, it } from 'vitest'
import { createStreamDetector, hoursToLimit } from '../../models/index.js'
import type { Signal } from '../../core/index.js'
import {
  DAY_MS, HOUR_MS, PROFILES, SETTINGS, START, degradingStream, healthyStream, sample,
} from './synthetic.js'

const MINUTE_MS = 60_000

const FAILURE_AT = START + 8 * DAY_MS + 5 * HOUR_MS
/** Pump flow: fails when it falls to 150 m³/h. */
const FLOW = { base: 420, dailyAmplitude: 0.12, noise: 0.04 }

function flowDetector() {
  return createStreamDetector({
    assetId: 'pump-9', metric: 'flow_rate', settings: SETTINGS,
    profile: { unit: 'm³/h', failureLimit: 150, direction: 'below', failureMode: 'impeller_wear' },
  })
}

function degradationSignals(metric: string, seed: number): Signal[] {
  const { profile, shape } = sample(metric)
  const detector = createStreamDetector({ assetId: 'asset-1', metric, profile, settings: SETTINGS })
  return degradingStream(shape, { seed, limit: profile.failureLimit ?? 0, failureAt: FAILURE_AT })
    .flatMap((point) => detector.observe(point.time, point.value).signals)
    .filter((signal) => signal.kind === 'degradation')
}

describe('degradation trend detection', () => {
  it.each(Object.keys(PROFILES))('warns about %s at least 36 h ahead, bracketing the failure', (metric) => {
    const signals = degradationSignals(metric, 41)
    const first = signals[0]
    const window = first?.predictedFailure ?? { earliest: Number.NaN, mostLikely: Number.NaN }
    const hours = (time: number): number => Math.round((time - FAILURE_AT) / HOUR_MS)
    const leadHours = -hours(first?.detectedAt ?? Number.NaN)
    console.log(`${metric}: first degradation Signal ${leadHours} h before the failure; `
      + `earliest ${hours(window.earliest)} h, most likely ${hours(window.mostLikely)} h from the true failure; `
      + `confidence ${first?.confidence.toFixed(2)}; ${signals.length} degradation Signal(s)`)

    expect(leadHours).toBeGreaterThanOrEqual(36)
    expect(window.earliest).toBeLessThanOrEqual(FAILURE_AT)
    expect(Math.abs(window.mostLikely - FAILURE_AT)).toBeLessThanOrEqual(24 * HOUR_MS)
    expect(FAILURE_AT - window.earliest).toBeLessThanOrEqual(24 * HOUR_MS)
  })

  it('raises at most one degradation Signal per severity for one wear episode', () => {
    const signals = degradationSignals('vibration_rms', 42)

    expect(signals.length).toBeGreaterThanOrEqual(1)
    expect(new Set(signals.map((s) => s.severity)).size).toBe(signals.length)
    expect(new Set(signals.map((s) => s.evidence.windowEnd)).size).toBe(signals.length)
  })

  it('describes the trend in plain words with the unit and the predicted time', () => {
    const summary = degradationSignals('vibration_rms', 41)[0]?.evidence.summary

    expect(summary).toBe('Vibration RMS rose from 2.8 to 3 mm/s over 3 days and is on course to reach the '
      + 'failure limit of 11.2 mm/s around 2026-01-13 17:01 UTC (possibly as early as 2026-01-12 17:22 UTC).')
  })

  it('raises a critical Signal with the failure now when the value is already past the limit', () => {
    const { profile, shape } = sample('vibration_rms')
    const detector = createStreamDetector({ assetId: 'asset-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const healthy = healthyStream(shape, { seed: 5, days: 1 })
    const jumped = healthyStream({ ...shape, base: 12 }, { seed: 6, days: 1, start: START + DAY_MS })
    const signals = [...healthy, ...jumped].flatMap((p) => detector.observe(p.time, p.value).signals)
    const beyond = signals.filter((s) => s.kind === 'degradation')

    expect(beyond).toHaveLength(1)
    expect(beyond[0]).toMatchObject({
      severity: 'critical',
      failureMode: 'bearing_wear',
      predictedFailure: { earliest: beyond[0]?.detectedAt, mostLikely: beyond[0]?.detectedAt },
    })
    expect(beyond[0]?.evidence.summary)
      .toBe('Vibration RMS has been at 11.9 mm/s, beyond its failure limit of 11.2 mm/s, since 2026-01-06 01:00 UTC.')
  })

  it('judges readings past the limit at once, between the trend fits of a fast stream', () => {
    const { profile, shape } = sample('vibration_rms')
    const detector = createStreamDetector({ assetId: 'asset-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    // One reading a minute: the trend is fitted every 15 minutes, the limit checked on every reading.
    const healthy = healthyStream(shape, { seed: 5, days: 2, stepMinutes: 1 })
    const pastAt = START + 2 * DAY_MS + 7 * MINUTE_MS
    const past = healthyStream({ ...shape, base: 20 }, { seed: 6, days: 1, start: pastAt, stepMinutes: 1 })
    const signals = [...healthy, ...past].flatMap((p) => detector.observe(p.time, p.value).signals)
    const first = signals.find((s) => s.kind === 'degradation')

    expect(first?.severity).toBe('critical')
    // The third reading past the limit (settings.anomalyMinRun), not the next fit.
    expect(first?.detectedAt).toBe(pastAt + (SETTINGS.anomalyMinRun - 1) * MINUTE_MS)
  })

  it('starts the quiet time when the value returns within the limit, so a repeat a day later is a new episode', () => {
    const { profile, shape } = sample('vibration_rms')
    const detector = createStreamDetector({ assetId: 'asset-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const minutes = (count: number): number => count / (24 * 60)
    const pastAt = START + 2 * DAY_MS + 7 * MINUTE_MS
    const backAt = pastAt + 10 * MINUTE_MS
    // 24 h 5 min after the return: past the episode's 24 quiet hours, but within 15 minutes of them.
    const againAt = backAt + (24 * 60 + 5) * MINUTE_MS
    const points = [
      ...healthyStream(shape, { seed: 5, days: 2, stepMinutes: 1 }),
      ...healthyStream({ ...shape, base: 20 }, { seed: 6, days: minutes(10), start: pastAt, stepMinutes: 1 }),
      ...healthyStream(shape, { seed: 7, days: minutes(24 * 60 + 5), start: backAt, stepMinutes: 1 }),
      ...healthyStream({ ...shape, base: 20 }, { seed: 8, days: minutes(10), start: againAt, stepMinutes: 1 }),
    ]
    const signals = points.flatMap((p) => detector.observe(p.time, p.value).signals)
      .filter((s) => s.kind === 'degradation')

    expect(signals.map((s) => [s.severity, s.detectedAt])).toEqual([
      ['critical', pastAt + 2 * MINUTE_MS],
      ['critical', againAt + 2 * MINUTE_MS],
    ])
  })

  it('never projects a failure for a stream moving away from a limit below it', () => {
    const detector = flowDetector()
    const rising = degradingStream(FLOW, { seed: 9, limit: 600, failureAt: FAILURE_AT })
    const signals = rising.flatMap((p) => detector.observe(p.time, p.value).signals)

    expect(signals.filter((s) => s.kind === 'degradation')).toEqual([])
  })

  it('warns about a metric that fails below its limit', () => {
    const detector = flowDetector()
    const falling = degradingStream(FLOW, { seed: 9, limit: 150, failureAt: FAILURE_AT })
    const first = falling.flatMap((p) => detector.observe(p.time, p.value).signals)
      .find((s) => s.kind === 'degradation')

    expect(FAILURE_AT - (first?.detectedAt ?? FAILURE_AT)).toBeGreaterThanOrEqual(36 * HOUR_MS)
    expect(first?.evidence.summary).toBe('Flow rate fell from 421 to 390 m³/h over 4 days and is on course to reach '
      + 'the failure limit of 150 m³/h around 2026-01-13 06:15 UTC (possibly as early as 2026-01-12 17:26 UTC).')
  })
})

describe('hoursToLimit', () => {
  it('solves the straight line and the exponential curve, and says never or now', () => {
    expect(hoursToLimit(2, 0.5, 0, 10)).toBe(16)
    expect(hoursToLimit(0, 1, 0.1, Math.expm1(1) * 10)).toBeCloseTo(10, 9)
    expect(hoursToLimit(2, -0.5, 0, 10)).toBe(Infinity)
    expect(hoursToLimit(12, 0.5, 0.1, 10)).toBe(0)
  })
})
