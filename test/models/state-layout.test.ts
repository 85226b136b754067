import { describe, expect, it } from 'vitest'
import { NoveltyScore, TrendBank, createStreamDetector } from '../../models/index.js'
import { LEVEL_HISTORY_STATE_SIZE, LevelHistory } from '../../models/level-history.js'
import { NOVELTY_STATE_SIZE } from '../../models/novelty-score.js'
import { TREND_STATE_SIZE } from '../../models/trend-bank.js'
import { DAY_MS, HOUR_MS, SETTINGS, START, degradingStream, healthyStream, sample } from './synthetic.js'

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

  it('scores novelty in the stream buffer exactly like a standalone NoveltyScore', () => {
    // A daily cycle with a step, a flat stretch and values near the largest double (the score
    // starts afresh after those), all finite and in time order, so the stream feeds every one.
    const points = healthyStream({ base: 50, dailyAmplitude: 0.3, noise: 0.02 }, { seed: 11, days: 12 })
      .map((point, i) => {
        const huge = i === 1500 || i === 1501
        const flat = i >= 2200 && i < 2260
        return { time: point.time, value: huge ? 1.7e308 : flat ? 40 : point.value + (i > 2600 ? 8 : 0) }
      })
    const limited = { ...sample('vibration_rms').profile, physicalMin: undefined, physicalMax: undefined }
    for (const profile of [undefined, limited]) {
      const stream = createStreamDetector({ assetId: 'a-1', metric: 'load', profile, settings: SETTINGS })
      const alone = new NoveltyScore(SETTINGS.warmupReadings)
      let high = 0
      for (const { time, value } of points) {
        const a = stream.observe(time, value).anomalyScore
        const b = alone.observe(time, value)
        expect(Object.is(a, b)).toBe(true)
        if (a > 0.5) high++
      }
      expect(high).toBeGreaterThan(0)
    }
  })

  it('keeps a NoveltyScore inside its numbers of a shared buffer', () => {
    const at = 7
    const shared = new Float64Array(at + NOVELTY_STATE_SIZE + 5).fill(-123.5)
    const inShared = new NoveltyScore(SETTINGS.warmupReadings, shared, at)
    const alone = new NoveltyScore(SETTINGS.warmupReadings)
    const points = healthyStream({ base: 5, dailyAmplitude: 0.1, noise: 0.05 }, { seed: 2, days: 3 })
    for (const { time, value } of points) {
      expect(Object.is(inShared.observe(time, value), alone.observe(time, value))).toBe(true)
    }
    const outside = [...shared.subarray(0, at), ...shared.subarray(at + NOVELTY_STATE_SIZE)]
    expect(outside.every((x) => x === -123.5)).toBe(true)
  })

  it('keeps the trend bank\'s float32 statistics and the level history in their part of a shared buffer', () => {
    const historyAt = TREND_STATE_SIZE + 3
    const size = historyAt + LEVEL_HISTORY_STATE_SIZE + 4
    const shared = new Float64Array(size).fill(-123.5)
    const floats = new Float32Array(shared.buffer, 0, 2 * size)
    const bank = new TrendBank(shared, floats)
    const history = new LevelHistory(shared, historyAt, floats)
    const aloneBank = new TrendBank()
    const aloneHistory = new LevelHistory()
    for (let i = 0; i < 2000; i++) {
      const time = START + i * 300_000
      const y = 0.01 * i + Math.sin(i / 40)
      bank.add(time, y)
      aloneBank.add(time, y)
      history.record(time, y)
      aloneHistory.record(time, y)
    }
    const fits = bank.evaluate()?.fits.map((fit) => ({ ...fit }))
    expect(aloneBank.evaluate()?.fits).toEqual(fits)
    expect(history.furthestFromLimit(1)).toEqual(aloneHistory.furthestFromLimit(1))
    const cutoff = START + 3 * DAY_MS
    expect(history.nearestToLimitBefore(cutoff, 1)).toEqual(aloneHistory.nearestToLimitBefore(cutoff, 1))
    const between = [
      ...shared.subarray(TREND_STATE_SIZE, historyAt), ...shared.subarray(historyAt + LEVEL_HISTORY_STATE_SIZE),
    ]
    expect(between.every((x) => x === -123.5)).toBe(true)
  })

  it('gives the level history\'s times exactly (whole seconds), its levels to float32 precision of the change', () => {
    const history = new LevelHistory()
    // Six-hourly records over 300 days: the anchor moves twice; only the last 28 are kept.
    const times = Array.from({ length: 1200 }, (_, i) => START + i * 6 * HOUR_MS + i * 1000)
    for (const [i, time] of times.entries()) history.record(time, 1000 + 0.001 * i)
    const lowest = history.furthestFromLimit(1)
    expect(lowest?.time).toBe(times[1200 - 28])
    expect(lowest?.value).toBeCloseTo(1000 + 0.001 * (1200 - 28), 6)
    const cutoff = times[1200 - 10] ?? 0
    const highestBefore = history.nearestToLimitBefore(cutoff, 1)
    expect(highestBefore?.time).toBe(cutoff)
    expect(history.nearestToLimitBefore(cutoff - 1, 1)?.time).toBe(times[1200 - 11])
  })
})
