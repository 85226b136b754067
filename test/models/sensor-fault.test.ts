import { describe, expect, it } from 'vitest'
import { createStreamDetector } from '../../models/index.js'
import { DAY_MS, HOUR_MS, SETTINGS, START, healthyStream, sample } from './synthetic.js'

const { profile, shape } = sample('vibration_rms')

describe('physical range check', () => {
  it('turns impossible readings into one sensor_fault Signal that does not touch the baseline', () => {
    const detector = createStreamDetector({ assetId: 'pump-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const points = healthyStream(shape, { seed: 3, days: 4 })
    const faultFrom = START + 2 * DAY_MS
    const isFault = (time: number): boolean => time >= faultFrom && time < faultFrom + 2 * HOUR_MS
    const observe = (p: { time: number, value: number }) => detector.observe(p.time, isFault(p.time) ? 250 : p.value)

    const before = points.filter((p) => p.time < faultFrom).flatMap((p) => observe(p).signals)
    const baselineBefore = detector.baseline()
    const during = points.filter((p) => isFault(p.time)).map(observe)
    const baselineAfter = detector.baseline()
    const after = points.filter((p) => p.time >= faultFrom + 2 * HOUR_MS).flatMap((p) => observe(p).signals)

    expect(before).toEqual([])
    expect(during.every((o) => o.isSensorFault && o.score === 0)).toBe(true)
    expect(during.flatMap((o) => o.signals)).toMatchObject([{
      kind: 'sensor_fault', failureMode: 'sensor_fault', severity: 'warning', detectedAt: faultFrom,
      detector: { name: 'physical-range', version: '1.0.0' },
    }])
    expect(baselineAfter).toEqual(baselineBefore)
    expect(after).toEqual([])
  })

  it('explains the fault in plain words', () => {
    const detector = createStreamDetector({ assetId: 'pump-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const [signal] = detector.observe(START, -3).signals

    expect(signal?.evidence.summary).toBe('The vibration RMS sensor reported -3 mm/s, outside the range it can '
      + 'physically measure (0 mm/s to 100 mm/s), at 2026-01-05 00:00 UTC. '
      + 'Such readings are ignored by the detectors; the sensor or its wiring needs checking.')
  })

  it('treats a non-finite value as a sensor fault even without a profile, with JSON-safe evidence', () => {
    const detector = createStreamDetector({ assetId: 'm-1', metric: 'value', settings: SETTINGS })
    const signals = [Number.NaN, Infinity].flatMap((value, i) => detector.observe(START + i, value).signals)

    expect(signals).toHaveLength(1)
    expect(JSON.parse(JSON.stringify(signals[0]))).toEqual(signals[0])
    expect(signals[0]?.evidence.summary).toMatch(/^The value sensor reported a value that is not a number, /)
  })

  it('reports a new episode after the sensor has been in range for six hours', () => {
    const detector = createStreamDetector({ assetId: 'pump-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const times = [0, 1, 5, 12].map((h) => START + h * HOUR_MS)
    const faults = times.flatMap((time) => [
      ...detector.observe(time, 500).signals,
      ...detector.observe(time + 60_000, 2.8).signals,
    ])

    expect(faults.map((s) => (s.detectedAt - START) / HOUR_MS)).toEqual([0, 12])
  })
})
