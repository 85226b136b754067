import { describe, expect, it } from 'vitest'
import {
  createLogger, createMetricsRegistry, loadConfig, loadFleet, type Reading, type Signal,
} from '../../core/index.js'
import { AssetFusion, OutcomeFeedback, createModels, warmStartFromStore, type Models } from '../../models/index.js'
import { DAY_MS, HOUR_MS, START, degradingStream, healthyStream, sample } from './synthetic.js'

const fleet = loadFleet('fleet/sample.json')
const config = loadConfig({ env: {} })
const FAILURE_AT = START + 7 * DAY_MS
const RESTART_AT = START + 5 * DAY_MS

function setup(): { models: Models, signals: Signal[], metrics: ReturnType<typeof createMetricsRegistry> } {
  const signals: Signal[] = []
  const metrics = createMetricsRegistry({ defaultMetrics: false })
  const models = createModels({
    config, fleet, logger: createLogger({ level: 'silent' }), metrics, onSignal: (signal) => signals.push(signal),
  })
  return { models, signals, metrics }
}

function pumpReadings(): Reading[] {
  const tags = fleet.assetTags('pump-01')
  const worn = degradingStream(sample('vibration_rms').shape, { seed: 31, limit: 11.2, failureAt: FAILURE_AT })
  return worn.map((p) => ({ deviceId: 'dev-pump-01', assetId: 'pump-01', metric: 'vibration_rms', tags, ...p }))
}

describe('warm start', () => {
  const readings = pumpReadings()
  const history = readings.filter((r) => r.time < RESTART_AT)
  const live = readings.filter((r) => r.time >= RESTART_AT)

  it('after a restart neither forgets nor alarms again: the same Signals as a service that never stopped', () => {
    const never = setup()
    for (const reading of readings) never.models.observe(reading)
    const restarted = setup()
    const warm = restarted.models.warmStart(history)
    for (const reading of live) restarted.models.observe(reading)

    const before = never.signals.filter((s) => s.detectedAt < RESTART_AT)
    const after = never.signals.filter((s) => s.detectedAt >= RESTART_AT)
    expect(before.length).toBeGreaterThan(0)
    expect(warm).toEqual({ readings: history.length, withheldSignals: before.length })
    expect(restarted.signals.map((s) => s.id)).toEqual(after.map((s) => s.id))
    expect(restarted.models.stats()).toMatchObject({ readings: live.length, warmStartReadings: history.length })
  })

  it('rebuilds from the store one asset at a time, two weeks back, profiled metrics only', async () => {
    const { models } = setup()
    const asked: string[] = []
    const summary = await warmStartFromStore({
      models, fleet, until: RESTART_AT,
      query: async (q) => {
        asked.push(`${q.assetId}/${q.metric}/${(q.to - q.from) / HOUR_MS}`)
        if (q.assetId !== 'pump-01' || q.metric !== 'vibration_rms') return []
        return history.filter((r) => r.time >= q.from && r.time < q.to).map(({ time, value }) => ({ time, value }))
      },
    })

    expect(asked).toContain('pump-01/vibration_rms/336')
    expect(asked).toContain('elevator-02/door_close_time/336')
    expect(asked.some((a) => a.startsWith('replay'))).toBe(false)
    expect(summary).toMatchObject({ assets: 6, streams: 1, readings: history.length })
  })
})

describe('outcome feedback', () => {
  const tags = fleet.assetTags('compressor-01')
  /** Discharge temperature with two-hour drops to `depth` × its level on the given days. */
  const withDrops = (drops: Array<{ day: number, depth: number }>): Reading[] =>
    healthyStream({ base: 82, dailyAmplitude: 0, noise: 0.03 }, { seed: 41, days: 12 }).map((p) => {
      const drop = drops.find((d) => p.time >= START + d.day * DAY_MS && p.time < START + d.day * DAY_MS + 2 * HOUR_MS)
      return {
        deviceId: 'dev-compressor-01', assetId: 'compressor-01', metric: 'discharge_temp', tags,
        time: p.time, value: drop === undefined ? p.value : p.value * drop.depth,
      }
    })

  it('asks for stronger evidence after visits that found nothing, and counts outcomes per detector', async () => {
    const { models, signals, metrics } = setup()
    const readings = withDrops([{ day: 2, depth: 0.7 }, { day: 6, depth: 0.7 }, { day: 9, depth: 0.2 }])
    const upTo = (day: number) =>
      readings.filter((r) => r.time >= START + (day - 4) * DAY_MS && r.time < START + day * DAY_MS)

    for (const reading of upTo(4)) models.observe(reading)
    expect(signals.map((s) => s.detector.name)).toEqual(['robust-zscore'])
    const first = signals[0] as Signal
    expect(first.confidence).toBeLessThan(0.9)
    for (let visit = 0; visit < 4; visit++) {
      models.recordOutcome({ assetId: 'compressor-01', failureMode: 'cooler_fouling', outcome: 'no_fault_found', at: START })
    }

    for (const reading of upTo(8)) models.observe(reading)
    expect(signals).toHaveLength(1)
    for (const reading of readings.filter((r) => r.time >= START + 8 * DAY_MS)) models.observe(reading)
    expect(signals).toHaveLength(2)
    expect(signals[1]?.confidence).toBeGreaterThanOrEqual(0.9)

    models.recordOutcome({ assetId: 'compressor-01', failureMode: 'cooler_fouling', outcome: 'fault_confirmed',
      at: (signals[1]?.detectedAt ?? 0) + 24 * HOUR_MS })
    expect(models.detectorOutcomes()).toEqual([
      { detector: 'robust-zscore', confirmed: 1, noFaultFound: 1, precision: 0.5, medianLeadHours: expect.any(Number) },
    ])
    expect(models.detectorOutcomes()[0]?.medianLeadHours).toBe(24)
    expect(models.labels()).toMatchObject([{ assetId: 'compressor-01', failureMode: 'cooler_fouling' }])
    expect(await metrics.metrics()).toContain(
      'forewarn_models_outcomes_total{detector="robust-zscore",outcome="no_fault_found"} 1')
  })

  it('raises the bar by 0.1 per wasted visit from 0.6 to 0.9 and lowers it per confirmed fault', () => {
    const feedback = new OutcomeFeedback()
    const report = (outcome: 'no_fault_found' | 'fault_confirmed' | 'could_not_access') =>
      feedback.record({ assetId: 'a', failureMode: 'm', outcome, at: 0 }, null)
    const bars = [feedback.requiredConfidence('a', 'm')]
    for (const outcome of ['no_fault_found', 'could_not_access', 'no_fault_found', 'no_fault_found', 'no_fault_found',
      'no_fault_found', 'fault_confirmed'] as const) {
      report(outcome)
      bars.push(Number(feedback.requiredConfidence('a', 'm').toFixed(2)))
    }
    expect(bars).toEqual([0, 0.6, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9])
    expect(feedback.requiredConfidence('a', 'other')).toBe(0)
  })

  it('lets a fusion gate keep weak findings from opening a case', () => {
    const fusion = new AssetFusion(() => 0.6)
    const signal = (confidence: number): Signal => ({
      id: String(confidence), assetId: 'a', kind: 'anomaly', failureMode: 'm', severity: 'warning', confidence,
      detectedAt: START, predictedFailure: null, detector: { name: 'robust-zscore', version: '1.0.0' },
      evidence: { metrics: ['x'], windowStart: START, windowEnd: START, points: [], summary: '' },
    })
    expect(fusion.fuse(signal(0.55))).toBeNull()
    expect(fusion.fuse(signal(0.65))).not.toBeNull()
  })
})
