import { describe, expect, it } from 'vitest'
import type { Signal } from '../../core/index.js'
import { createStreamDetector } from '../../models/index.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, SETTINGS, START, healthyStream, sample, type Point } from './synthetic.js'

const { profile, shape } = sample('vibration_rms')
const FAULT_AT = START + 2 * DAY_MS + 15 * HOUR_MS

function replay(points: Point[]): { signals: Signal[], faults: number } {
  const detector = createStreamDetector({ assetId: 'pump-1', metric: 'vibration_rms', profile, settings: SETTINGS })
  let faults = 0
  const signals = points.flatMap((point) => {
    const observation = detector.observe(point.time, point.value)
    if (observation.isSensorFault) faults++
    return observation.signals
  })
  return { signals, faults }
}

const healthy = healthyStream(shape, { seed: 21, days: 4 })

describe('stuck sensor', () => {
  it('reports a value repeated exactly 12 times in a row once, keeps it out of the detectors and explains it', () => {
    const stuckUntil = FAULT_AT + 3 * HOUR_MS
    const frozen = healthy.find((p) => p.time === FAULT_AT)?.value ?? 0
    const isStuck = (time: number): boolean => time >= FAULT_AT && time < stuckUntil
    const points = healthy.map((p) => ({ time: p.time, value: isStuck(p.time) ? frozen : p.value }))
    const { signals, faults } = replay(points)

    expect(signals.map((s) => [s.kind, s.detector.name, s.detectedAt])).toEqual([
      ['sensor_fault', 'stuck-sensor', FAULT_AT + 11 * 5 * MINUTE_MS],
    ])
    // The 12th to the 36th reading of the run are the fault; the first 11 looked like readings.
    expect(faults).toBe(36 - 11)
    expect(signals[0]?.evidence.summary).toBe('The vibration RMS sensor has reported exactly '
      + `${Number(frozen.toPrecision(3))} mm/s 12 times in a row since 2026-01-07 15:00 UTC, which a working sensor `
      + 'does not: it looks stuck. Its readings are ignored by the detectors until it moves again; the sensor needs checking.')
  })

  it('never calls a quantised stream that often repeats itself stuck', () => {
    const points = healthy.map((p) => ({ time: p.time, value: Math.round(p.value * 2) / 2 }))
    expect(replay(points).signals).toEqual([])
  })
})

describe('spiking sensor', () => {
  const spikeAt = (times: number[]) => healthy.map((p) => ({
    time: p.time, value: times.includes(p.time) ? p.value * 1.6 : p.value,
  }))

  it('reports three single-reading spikes within a day as one sensor fault, not an anomaly', () => {
    const times = [0, 2, 5, 9].map((h) => FAULT_AT + h * HOUR_MS)
    const { signals } = replay(spikeAt(times))

    expect(signals.map((s) => [s.kind, s.detector.name, s.detectedAt, s.evidence.windowStart])).toEqual([
      ['sensor_fault', 'sensor-spikes', times[2] as number + 5 * MINUTE_MS, FAULT_AT],
    ])
  })

  it('lets one or two spikes pass, and spikes a day apart', () => {
    expect(replay(spikeAt([FAULT_AT, FAULT_AT + HOUR_MS])).signals).toEqual([])
    expect(replay(spikeAt([0, 1, 2].map((d) => FAULT_AT - DAY_MS + d * 25 * HOUR_MS))).signals).toEqual([])
  })
})

describe('dropout', () => {
  const withGap = (hours: number) => healthy.filter((p) => p.time < FAULT_AT || p.time >= FAULT_AT + hours * HOUR_MS)

  it('reports a silence of 3 hours once readings resume, reads no value into it, and raises nothing else', () => {
    const { signals } = replay(withGap(3))
    const lastBefore = FAULT_AT - 5 * MINUTE_MS

    expect(signals.map((s) => [s.kind, s.detector.name, s.evidence.windowStart, s.detectedAt])).toEqual([
      ['sensor_fault', 'sensor-dropout', lastBefore, FAULT_AT + 3 * HOUR_MS],
    ])
    expect(signals[0]?.evidence.summary).toBe('The vibration RMS sensor sent no readings for 3 hours, from '
      + '2026-01-07 14:55 UTC to 2026-01-07 18:00 UTC, though it usually reports every 5 minutes. The gap is not '
      + 'read as a value; the sensor or its connection needs checking.')
  })

  it('lets a silence shorter than an hour pass', () => {
    expect(replay(withGap(0.75)).signals).toEqual([])
  })
})
