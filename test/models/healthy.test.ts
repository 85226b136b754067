import { describe, expect, it } from 'vitest'
import { createStreamDetector } from '../../models/index.js'
import { PROFILES, SETTINGS, healthyStream, type Shape } from './synthetic.js'

describe('createStreamDetector on healthy streams', () => {
  it.each([
    ['as the simulator generates them', (shape: Shape): Shape => shape],
    ['with the loudest cycle and noise of the brief (15 % and 5 %)',
      (shape: Shape): Shape => ({ ...shape, dailyAmplitude: 0.15, noise: 0.05 })],
  ])('raises no Signal of any kind over 14 days of daily cycle and noise, %s', (_, tune) => {
    const signals = Object.entries(PROFILES).flatMap(([metric, { profile, shape }], i) =>
      [1, 2, 3].flatMap((seed) => {
        const detector = createStreamDetector({ assetId: 'a-1', metric, profile, settings: SETTINGS })
        return healthyStream(tune(shape), { seed: 100 * seed + i, days: 14 })
          .flatMap((point) => detector.observe(point.time, point.value).signals)
      }))

    expect(signals).toEqual([])
  })
})
