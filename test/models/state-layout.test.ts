import { describe, expect, it } from 'vitest'
import { createStreamDetector } from '../../models/index.js'
import { DAY_MS, HOUR_MS, SETTINGS, START, degradingStream, sample } from './synthetic.js'

/**
 * Every detector of a stream keeps its numbers in one shared buffer; with a failure limit the
 * trend's numbers come first and shift everyone else's. A mistake in that layout would let one
 * detector write over another's numbers, so the two layouts must score every reading alike.
 */
describe('one state buffer per stream', () => {
  it('gives the same scores and non-trend Signals with and without the trend in the buffer', () => {
    const { profile, shape } = sample('vibration_rms')
    const failureAt = START + 14 * DAY_MS
    const points = degradingStream(shape, { seed: 7, limit: profile.failureLimit ?? 0, failureAt })
      // A stuck stretch and a step, so sensor health and the CUSUM have something to say too.
      .map((point, i) => {
        const stuck = i >= 2000 && i < 2040
        const stepped = point.time > START + 9 * DAY_MS && point.time < START + 10 * DAY_MS
        return { time: point.time, value: stuck ? 2.5 : point.value + (stepped ? 1 : 0) }
      })
    const withTrend = createStreamDetector({ assetId: 'a-1', metric: 'vibration_rms', profile, settings: SETTINGS })
    const withoutTrend = createStreamDetector({
      assetId: 'a-1', metric: 'vibration_rms', profile: { ...profile, failureLimit: undefined }, settings: SETTINGS,
    })

    const kinds = new Set<string>()
    for (const { time, value } of points) {
      const a = withTrend.observe(time, value)
      const b = withoutTrend.observe(time, value)
      expect([a.score, a.anomalyScore, a.isSensorFault]).toEqual([b.score, b.anomalyScore, b.isSensorFault])
      expect(a.signals.filter((signal) => signal.kind !== 'degradation')).toEqual(b.signals)
      for (const signal of a.signals) kinds.add(signal.kind)
    }
    expect(kinds).toEqual(new Set(['sensor_fault', 'anomaly', 'degradation']))
    expect(withTrend.baseline()).toEqual(withoutTrend.baseline())
    expect(points.at(-1)?.time).toBeGreaterThan(START + 13 * DAY_MS + HOUR_MS)
  })
})
