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
