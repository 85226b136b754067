import { describe, expect, it } from 'vitest'
import { TrendBank } from '../../models/index.js'
import { HOUR_MS, START, seededRandom } from './synthetic.js'

/** Irregular sampling: 2 to 30 minutes apart, over `hours`. */
function irregularTimes(hours: number, seed: number): number[] {
  const random = seededRandom(seed)
  const times: number[] = []
  for (let time = START; time < START + hours * HOUR_MS; time += (2 + 28 * random.next()) * 60_000) times.push(time)
  return times
}

const cycle = (time: number): number => 0.5 * Math.cos((2 * Math.PI * ((time % 86_400_000) / HOUR_MS - 15)) / 24)

describe('TrendBank, straight line', () => {
  it('recovers the level and slope of a line under a daily cycle and noise, with irregular gaps', () => {
    const bank = new TrendBank()
    const random = seededRandom(4)
    const times = irregularTimes(96, 4)
    for (const time of times) {
      bank.add(time, 2 + 0.05 * ((time - START) / HOUR_MS) + cycle(time) + 0.1 * random.gaussian())
    }
    const fit = bank.evaluate()?.fits[0]
    const last = times.at(-1) ?? START

    expect(fit?.rate).toBe(0)
    expect(fit?.slope).toBeCloseTo(0.05, 3)
    expect(fit?.level).toBeCloseTo(2 + 0.05 * ((last - START) / HOUR_MS), 1)
    expect(fit?.slopeSe).toBeGreaterThan(0)
    expect(fit?.slopeSe).toBeLessThan(0.005)
  })
})

describe('TrendBank', () => {
  it('prefers the growth rate that generated an exponential rise', () => {
    const bank = new TrendBank()
    for (const time of irregularTimes(72, 5)) {
      bank.add(time, 1 + 0.2 * Math.exp((time - START) / HOUR_MS / 36) + cycle(time))
    }
    const fit = bank.evaluate()

    expect(fit?.best.rate).toBeCloseTo(1 / 36, 9)
    expect(fit?.best.level).toBeCloseTo(1 + 0.2 * Math.exp(2), 3)
  })

  it('sees no trend in a pure daily cycle', () => {
    const bank = new TrendBank()
    for (const time of irregularTimes(96, 6)) bank.add(time, 3 + 4 * cycle(time))
    const fit = bank.evaluate()

    expect(Math.abs(fit?.best.slope ?? Infinity)).toBeLessThan(1e-6)
  })
})

describe('TrendBank in float32', () => {
  it('keeps its precision far from zero: an offset of 1e5 only moves the level (statistics relative to an anchor)', () => {
    const near = new TrendBank()
    const far = new TrendBank()
    const random = seededRandom(9)
    for (const time of irregularTimes(480, 9)) {
      // A rise of 120 noise units a day for 20 days: the trend explains most of the variance, the hard case
      // for a residual sum of squares taken as a difference of sums.
      const y = 0.5 * ((time - START) / HOUR_MS) + cycle(time) + 0.1 * random.gaussian()
      near.add(time, y)
      far.add(time, y + 1e5)
    }
    const a = near.evaluate()
    const aFits = a?.fits.map((fit) => ({ ...fit })) ?? []
    const aBest = a?.best.rate
    const b = far.evaluate()
    expect(b?.best.rate).toBe(aBest)
    for (const [k, fit] of (b?.fits ?? []).entries()) {
      const ref = aFits[k]
      expect(fit.level - 1e5).toBeCloseTo(ref?.level ?? Number.NaN, 2)
      expect(Math.abs(fit.slope / (ref?.slope ?? 0) - 1)).toBeLessThan(1e-4)
      expect(Math.abs(fit.residualSd / (ref?.residualSd ?? 0) - 1)).toBeLessThan(1e-2)
    }
    // The noise is 0.1: a float32 sum of squares of values near 1e5 (1e10 each) could not see it.
    expect(b?.fits[0]?.residualSd).toBeGreaterThan(0.05)
    expect(b?.fits[0]?.residualSd).toBeLessThan(0.2)
  })

  it('leaves out a reading whose square would overflow its float32 sums, and keeps fitting', () => {
    const bank = new TrendBank()
    const times = irregularTimes(72, 3)
    for (const [i, time] of times.entries()) {
      bank.add(time, i === 50 ? 1e30 : 1 + 0.01 * ((time - START) / HOUR_MS) + cycle(time))
    }
    const fit = bank.evaluate()
    expect(fit?.fits.every((one) => Number.isFinite(one.rss) && Number.isFinite(one.level))).toBe(true)
    expect(fit?.fits[0]?.slope).toBeCloseTo(0.01, 3)
  })
})
