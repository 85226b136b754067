import { describe, expect, it } from 'vitest'
import { clampToPhysical, healthyValue, signalProfileFor, SIGNAL_PROFILES } from '../../simulator/signal-profiles.js'
import type { Random } from '../../simulator/random.js'

const still: Random = { next: () => 0.5, gaussian: () => 0 }
const profile = (extra: object): Parameters<typeof signalProfileFor>[1] =>
  ({ unit: '', direction: 'above', failureMode: 'wear', ...extra })

describe('signalProfileFor', () => {
  it('uses the known profile of a named metric', () => {
    expect(signalProfileFor('vibration_rms')).toEqual({ base: 2.8, dailyAmplitude: 0.12, noise: 0.04 })
    expect(Object.keys(SIGNAL_PROFILES)).toEqual([
      'vibration_rms', 'bearing_temp', 'flow_rate', 'discharge_temp', 'motor_current', 'door_close_time', 'motor_temp',
    ])
  })

  it('derives the level of an unknown metric from its failure limit, physical range, or 1', () => {
    const bases = [
      profile({ failureLimit: 80 }),
      profile({ failureLimit: 20, direction: 'below' }),
      profile({ physicalMin: 0, physicalMax: 10 }),
      undefined,
    ].map((p) => signalProfileFor('pressure', p).base)

    expect(bases).toEqual([40, 30, 5, 1])
  })
})

describe('healthyValue', () => {
  it('peaks at 15:00 and bottoms at 03:00 local time, by the daily amplitude', () => {
    const signal = { base: 100, dailyAmplitude: 0.1, noise: 0.05 }
    // 14:00 UTC is 15:00 in Berlin in winter.
    const peak = healthyValue(signal, Date.parse('2024-02-05T14:00:00Z'), { timeZone: 'Europe/Berlin', random: still })
    const trough = healthyValue(signal, Date.parse('2024-02-05T02:00:00Z'), { timeZone: 'Europe/Berlin', random: still })

    expect([peak, trough].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([110, 90])
  })
})

describe('clampToPhysical', () => {
  it('keeps values inside the physical range and passes them through without one', () => {
    const range = profile({ physicalMin: 0, physicalMax: 100 })

    expect([clampToPhysical(-3, range), clampToPhysical(130, range), clampToPhysical(-3)]).toEqual([0, 100, -3])
  })
})
