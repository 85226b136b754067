import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MetricProfile, Signal } from '../../core/index.js'
import { createStreamDetector } from '../../models/index.js'
import { SETTINGS, START } from './synthetic.js'

/** Small warm-up so short generated streams reach every detector. */
const settings = { ...SETTINGS, warmupReadings: 8, anomalyMinRun: 2 }
const WITH_LIMIT: MetricProfile = { unit: 'mm/s', failureLimit: 11.2, direction: 'above', failureMode: 'bearing_wear' }
const FIVE_MINUTES = 300_000

const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true })
const hugeOrTiny = fc.oneof(anyFinite, fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 1.7976931348623157e308))

function feed(profile: MetricProfile | undefined, values: number[], stepMs = FIVE_MINUTES) {
  const detector = createStreamDetector({ assetId: 'a-1', metric: 'm', profile, settings })
  return values.map((value, i) => detector.observe(START + i * stepMs, value))
}

function isWellFormed(signal: Signal): boolean {
  const numbers = [signal.confidence, signal.detectedAt, signal.evidence.windowStart, signal.evidence.windowEnd,
    signal.predictedFailure?.earliest ?? 0, signal.predictedFailure?.mostLikely ?? 0,
    ...signal.evidence.points.flatMap((p) => [p.time, p.value, p.score ?? 0])]
  return numbers.every(Number.isFinite) && signal.confidence >= 0 && signal.confidence <= 1
    && JSON.stringify(JSON.parse(JSON.stringify(signal))) === JSON.stringify(signal)
}

describe('stream detector on arbitrary input', () => {
  it('never throws and never yields a NaN score or a malformed Signal', () => {
    const plausible = fc.double({ noNaN: true, min: 0, max: 20 })
    const value = fc.oneof({ weight: 1, arbitrary: hugeOrTiny }, { weight: 6, arbitrary: plausible })
    const streams = fc.array(fc.oneof(hugeOrTiny, value), { minLength: 1, maxLength: 400, size: 'max' })
    fc.assert(fc.property(streams, fc.boolean(), (values, hasLimit) => {
      const observations = feed(hasLimit ? WITH_LIMIT : undefined, values, 30 * 60_000)
      return observations.every((o) => !Number.isNaN(o.score) && o.signals.every(isWellFormed))
    }), { numRuns: 200 })
  })

  it('never yields a NaN score or a malformed Signal once every detector is warm (CUSUM after 9 days)', () => {
    const plausible = fc.double({ noNaN: true, min: 0, max: 20 })
    const value = fc.oneof({ weight: 1, arbitrary: hugeOrTiny }, { weight: 8, arbitrary: plausible })
    const streams = fc.array(value, { minLength: 330, maxLength: 450, size: 'max' })
    fc.assert(fc.property(streams, fc.boolean(), (values, hasLimit) => {
      const observations = feed(hasLimit ? WITH_LIMIT : undefined, values, 45 * 60_000)
      return observations.every((o) => !Number.isNaN(o.score) && !Number.isNaN(o.anomalyScore)
        && o.signals.every(isWellFormed))
    }), { numRuns: 60 })
  })

  it('never alarms on a stream that steps between two values, however close (no zero spread)', () => {
    const level = fc.double({ noNaN: true, min: -1e12, max: 1e12 })
    fc.assert(fc.property(level, fc.double({ min: 0, max: 1e-6, noNaN: true }), (base, step) => {
      const values = Array.from({ length: 450 }, (_, i) => base + (i % 2) * step * Math.abs(base))
      return feed(undefined, values, 45 * 60_000).every((o) => o.signals.length === 0 && !Number.isNaN(o.score))
    }), { numRuns: 40 })
  })

  it('never alarms on a constant stream, whatever its value', () => {
    fc.assert(fc.property(anyFinite, fc.integer({ min: 1, max: 600 }), (value, length) => {
      const observations = feed(undefined, Array.from({ length }, () => value))
      return observations.every((o) => o.signals.length === 0 && o.score === 0)
    }), { numRuns: 100 })
  })

  it('never alarms on a constant stream below its failure limit, over two days', () => {
    const below = fc.double({ noNaN: true, min: -1e300, max: 11.1 })
    fc.assert(fc.property(below, (value) => {
      const observations = feed(WITH_LIMIT, Array.from({ length: 600 }, () => value))
      return observations.every((o) => o.signals.length === 0)
    }), { numRuns: 30 })
  })

  it('never yields NaN for irregular gaps, including long silences', () => {
    const gaps = fc.array(fc.integer({ min: 1, max: 30 * 86_400_000 }), { minLength: 20, maxLength: 200, size: 'max' })
    fc.assert(fc.property(gaps, (steps) => {
      const detector = createStreamDetector({ assetId: 'a-1', metric: 'm', profile: WITH_LIMIT, settings })
      let time = START
      return steps.every((step, i) => {
        time += step
        const o = detector.observe(time, 3 + (i % 7) * 0.5)
        return !Number.isNaN(o.score) && o.signals.every(isWellFormed)
      })
    }), { numRuns: 50 })
  })

  it('ignores readings that are not later than the previous one', () => {
    const detector = createStreamDetector({ assetId: 'a-1', metric: 'm', settings })
    detector.observe(START, 1)

    expect([detector.observe(START, 2).ignored, detector.observe(START - 1, 2).ignored,
      detector.observe(Number.NaN, 2).ignored]).toEqual(['out_of_order', 'out_of_order', 'invalid_time'])
  })
})
