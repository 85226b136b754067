import { describe, expect, it } from 'vitest'
import { MODELS_ERROR_CODES, ModelsError, createStreamDetector } from '../../models/index.js'
import {
  degradationSentence, formatDuration, formatTime, formatValue, metricLabel,
} from '../../models/summary.js'
import { streamContext } from '../../models/index.js'
import { SETTINGS } from './synthetic.js'

describe('models errors', () => {
  it('declares unique FW_ERR_MDL_ codes', () => {
    expect(MODELS_ERROR_CODES.every((code) => code.startsWith('FW_ERR_MDL_'))).toBe(true)
    expect(new Set(MODELS_ERROR_CODES).size).toBe(MODELS_ERROR_CODES.length)
  })

  it('refuses unusable settings and profiles, naming every problem', () => {
    const attempt = () => createStreamDetector({
      assetId: 'a-1', metric: 'm', settings: { ...SETTINGS, anomalyZ: 0, warmupReadings: 1.5 },
      profile: { unit: '', direction: 'above', failureMode: 'x', physicalMin: 10, physicalMax: 0 },
    })

    expect(attempt).toThrow(ModelsError)
    expect(attempt).toThrow(expect.objectContaining({
      code: 'FW_ERR_MDL_OPTIONS_INVALID',
      details: {
        assetId: 'a-1', metric: 'm',
        problems: [
          'warmupReadings must be a positive integer, got 1.5',
          'anomalyZ must be a positive number, got 0',
          'physicalMin 10 is above physicalMax 0',
        ],
      },
    }))
  })
})

describe('plain-words formatting', () => {
  it('names metrics, values, times and durations the way a customer reads them', () => {
    expect([metricLabel('vibration_rms'), metricLabel('dischargeTemp'), metricLabel('_')])
      .toEqual(['Vibration RMS', 'Discharge temperature', 'Value'])
    expect([formatValue(7.94, 'mm/s'), formatValue(109.6, '°C'), formatValue(1e300, ''), formatValue(0.0001234, 's')])
      .toEqual(['7.94 mm/s', '110 °C', '1.00e+300', '0.000123 s'])
    expect([formatTime(Date.UTC(2026, 11, 7, 14, 0, 31)), formatTime(1e20)])
      .toEqual(['2026-12-07 14:00 UTC', '100000000000000000000 ms since 1970'])
    expect([formatDuration(15 * 60_000), formatDuration(5 * 3_600_000), formatDuration(3 * 86_400_000)])
      .toEqual(['15 minutes', '5 hours', '3 days'])
  })
})

describe('degradationSentence', () => {
  const ctx = streamContext('pump-01', 'vibration_rms', { unit: 'mm/s', direction: 'above', failureMode: 'bearing_wear' })
  const T = Date.parse('2026-12-05T00:00:00Z')
  const window = { limit: 11.2, earliest: T + 48 * 3_600_000, mostLikely: T + 60 * 3_600_000 }

  it('quotes the movement when the history spans days and moved towards the limit', () => {
    const from = { time: T - 72 * 3_600_000, value: 2.8 }
    const text = degradationSentence(ctx, { from, to: { time: T, value: 7.9 }, ...window })
    expect(text).toBe('Vibration RMS rose from 2.8 to 7.9 mm/s over 3 days and is on course to reach the failure '
      + 'limit of 11.2 mm/s around 2026-12-07 12:00 UTC (possibly as early as 2026-12-07 00:00 UTC).')
  })

  it('does not quote minutes of noise, or a movement away from the limit, as the trend', () => {
    const from = { time: T - 600_000, value: 3.51 }
    const short = degradationSentence(ctx, { from, to: { time: T, value: 3.48 }, ...window })
    expect(short).toBe('Vibration RMS is at 3.48 mm/s and its trend is on course to reach the failure limit of '
      + '11.2 mm/s around 2026-12-07 12:00 UTC (possibly as early as 2026-12-07 00:00 UTC).')
  })
})
