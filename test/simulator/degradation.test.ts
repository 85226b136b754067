import { describe, expect, it } from 'vitest'
import { degradationProgress, degradedValue } from '../../simulator/degradation.js'

const HOUR_MS = 3_600_000
const curve = { onset: 0, failureAt: 96 * HOUR_MS, failureLimit: 11.2 }

describe('degradationProgress', () => {
  it('is 0 up to the onset and 1 from failureAt on', () => {
    expect([-HOUR_MS, 0, curve.failureAt, curve.failureAt + HOUR_MS].map((t) => degradationProgress(curve, t)))
      .toEqual([0, 0, 1, 1])
  })

  it('accelerates: each quarter of the interval covers more than the one before', () => {
    const at = [0, 0.25, 0.5, 0.75, 1].map((share) => degradationProgress(curve, share * curve.failureAt))
    const steps = at.slice(1).map((value, i) => value - (at[i] ?? 0))

    expect(steps.every((step, i) => i === 0 || step > (steps[i - 1] ?? Infinity))).toBe(true)
    expect(at[2]).toBeLessThan(0.2)
  })
})

describe('degradedValue', () => {
  it('returns the failure limit itself at failureAt', () => {
    expect(degradedValue(curve, 2.93, curve.failureAt)).toBe(11.2)
  })

  it('leaves the value alone before onset and moves it towards a limit below', () => {
    const falling = { onset: 0, failureAt: 10 * HOUR_MS, failureLimit: 150 }
    const values = [0, 5, 9, 10].map((h) => degradedValue(falling, 420, h * HOUR_MS))

    expect(values[0]).toBe(420)
    expect(values[1]).toBeLessThan(420)
    expect(values[2]).toBeLessThan(values[1] ?? 0)
    expect(values[3]).toBe(150)
  })
})
