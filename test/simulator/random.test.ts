import { describe, expect, it } from 'vitest'
import { createRandom } from '../../simulator/random.js'

describe('createRandom', () => {
  it('repeats its sequence for the same seed and key, and differs for another key', () => {
    const draw = (seed: number, key: string): number[] => {
      const random = createRandom(seed, key)
      return Array.from({ length: 5 }, () => random.next())
    }

    expect(draw(7, 'dev-a/x')).toEqual(draw(7, 'dev-a/x'))
    expect(draw(7, 'dev-a/x')).not.toEqual(draw(7, 'dev-a/y'))
    expect(draw(7, 'dev-a/x')).not.toEqual(draw(8, 'dev-a/x'))
  })

  it('draws standard normal samples', () => {
    const random = createRandom(1, 'noise')
    const samples = Array.from({ length: 20_000 }, () => random.gaussian())
    const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length
    const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / samples.length

    expect(Math.abs(mean)).toBeLessThan(0.05)
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.05)
  })
})
