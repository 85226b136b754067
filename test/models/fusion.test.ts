import { describe, expect, it } from 'vitest'
import type { Severity, Signal } from '../../core/index.js'
import { AssetFusion } from '../../models/index.js'
import { HOUR_MS, START } from './synthetic.js'

function finding(overrides: {
  hours: number
  metric?: string
  kind?: Signal['kind']
  severity?: Severity
  failureMode?: string
  forecastHours?: number
  confidence?: number
}): Signal {
  const time = START + overrides.hours * HOUR_MS
  const metric = overrides.metric ?? 'vibration_rms'
  const forecast = overrides.forecastHours === undefined
    ? null
    : {
        earliest: time + overrides.forecastHours * HOUR_MS,
        mostLikely: time + (overrides.forecastHours + 12) * HOUR_MS,
      }
  return {
    id: `stream-${overrides.hours}-${metric}`, assetId: 'pump-01', kind: overrides.kind ?? 'anomaly',
    failureMode: overrides.failureMode ?? 'bearing_wear', severity: overrides.severity ?? 'warning',
    confidence: overrides.confidence ?? 0.6, detectedAt: time, predictedFailure: forecast,
    evidence: {
      metrics: [metric], windowStart: time - HOUR_MS, windowEnd: time,
      points: [{ metric, time, value: 1 }], summary: `${metric} at ${overrides.hours} h.`,
    },
    detector: { name: overrides.kind === 'degradation' ? 'degradation-trend' : 'robust-zscore', version: '1.0.0' },
  }
}

describe('AssetFusion', () => {
  it('reports a fault once, joins confirming evidence silently and reports again only when it grows', () => {
    const fusion = new AssetFusion()
    const steps = [
      finding({ hours: 0 }),
      finding({ hours: 2, metric: 'bearing_temp', confidence: 0.8 }),
      finding({ hours: 5, kind: 'degradation', forecastHours: 100 }),
      finding({ hours: 6, kind: 'degradation', forecastHours: 90 }),
      finding({ hours: 8, kind: 'degradation', forecastHours: 60 }),
      finding({ hours: 9, kind: 'degradation', severity: 'critical', forecastHours: 55 }),
      finding({ hours: 10, severity: 'critical' }),
    ].map((signal) => fusion.fuse(signal))

    expect(steps.map((s) => (s === null ? null : [s.kind, s.severity]))).toEqual([
      ['anomaly', 'warning'], null, ['degradation', 'warning'], null, ['degradation', 'warning'],
      ['degradation', 'critical'], null,
    ])
    const grown = steps[2]
    expect(grown?.evidence.metrics).toEqual(['vibration_rms', 'bearing_temp'])
    expect(grown?.confidence).toBe(0.8)
    expect(grown?.evidence.summary).toBe('vibration_rms at 5 h. Also seen on this asset since 2026-01-05 00:00 UTC: '
      + 'vibration_rms at 0 h. bearing_temp at 2 h.')
    expect(steps[4]?.predictedFailure?.earliest).toBe(START + 68 * HOUR_MS)
    expect(new Set(steps.flatMap((s) => (s === null ? [] : [s.id]))).size).toBe(4)
  })

  it('keeps failure modes apart, lets device faults through and opens a new case after 72 quiet hours', () => {
    const fusion = new AssetFusion()
    const device: Signal = { ...finding({ hours: 1 }), kind: 'device_fault', failureMode: 'device_fault' }

    expect(fusion.fuse(finding({ hours: 0 }))).not.toBeNull()
    expect(fusion.fuse(finding({ hours: 1, failureMode: 'impeller_wear' }))).not.toBeNull()
    expect(fusion.fuse(device)).toBe(device)
    expect(fusion.fuse(finding({ hours: 71 }))).toBeNull()
    expect(fusion.fuse(finding({ hours: 142 }))).toBeNull()
    expect(fusion.fuse(finding({ hours: 215 }))).not.toBeNull()
  })

  it('gives the same ids for the same evidence', () => {
    const ids = () => {
      const fusion = new AssetFusion()
      return [finding({ hours: 0 }), finding({ hours: 3, severity: 'critical' })].map((s) => fusion.fuse(s)?.id)
    }
    expect(ids()).toEqual(ids())
  })
})
