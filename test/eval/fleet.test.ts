import { describe, expect, it } from 'vitest'
import {
  createLogger, createMetricsRegistry, loadConfig, loadFleet, type Reading, type Signal,
} from '../../core/index.js'
import { createModels } from '../../models/index.js'
import { WorkOrderLedger, evaluateFleet, type FleetTruth } from '../../models/eval/index.js'
import { DAY_MS, HOUR_MS, START, degradingStream, healthyStream, sample } from '../models/synthetic.js'

const fleet = loadFleet('fleet/sample.json')
const config = loadConfig({ env: {} })
const MONTH_MS = 30.4375 * DAY_MS
const FAILURE_AT = START + 7 * DAY_MS
const WEAR_HOURS = 96
const STEP_AT = START + 4 * DAY_MS

function readingsOf(assetId: string, metric: string, points: Array<{ time: number, value: number }>): Reading[] {
  const tags = fleet.assetTags(assetId)
  return points.map((point) => ({ deviceId: `dev-${assetId}`, assetId, metric, tags, ...point }))
}

/**
 * pump-01 wears out (vibration to its limit at FAILURE_AT), pump-02 stays healthy, and
 * compressor-01's discharge temperature drops far below its usual level for two hours on day
 * 4 (an anomaly with no failure behind it: one false work order).
 */
function smallFleet(): { readings: Reading[], truth: FleetTruth } {
  const vibration = sample('vibration_rms')
  const discharge = sample('discharge_temp')
  const worn = degradingStream(vibration.shape, { seed: 3, limit: 11.2, failureAt: FAILURE_AT, wearHours: WEAR_HOURS })
  const healthy = healthyStream(vibration.shape, { seed: 4, days: 7 })
  const jumped = healthyStream(discharge.shape, { seed: 5, days: 7 }).map((point) => ({
    time: point.time,
    value: point.time >= STEP_AT && point.time < STEP_AT + 2 * HOUR_MS ? point.value - 60 : point.value,
  }))
  const readings = [
    ...readingsOf('pump-01', 'vibration_rms', worn),
    ...readingsOf('pump-02', 'vibration_rms', healthy),
    ...readingsOf('compressor-01', 'discharge_temp', jumped),
  ].sort((a, b) => a.time - b.time)
  const truth: FleetTruth = {
    failures: [{
      assetId: 'pump-01', metric: 'vibration_rms', failureMode: 'bearing_wear',
      onset: FAILURE_AT - WEAR_HOURS * HOUR_MS, failureAt: FAILURE_AT,
    }],
    sensorFaults: [],
    assets: ['pump-01', 'pump-02', 'compressor-01'].map((assetId) => ({ assetId, from: START, to: START + 7 * DAY_MS })),
  }
  return { readings, truth }
}

/** The Signals the production models raise on these readings, observed independently of the suite. */
function signalsOf(readings: Reading[]): Signal[] {
  const signals: Signal[] = []
  const models = createModels({
    config, fleet, logger: createLogger({ level: 'silent' }), metrics: createMetricsRegistry({ defaultMetrics: false }),
    onSignal: (signal) => signals.push(signal),
  })
  for (const reading of readings) models.observe(reading)
  return signals
}

describe('evaluateFleet', () => {
  const { readings, truth } = smallFleet()
  const signals = signalsOf(readings)

  it('catches the wearing pump with the lead time of its first Signal and counts the jump as one false work order', () => {
    const result = evaluateFleet(readings, truth, { fleet, config, leadHours: 24 })
    const first = signals.filter((s) => s.assetId === 'pump-01' && s.failureMode === 'bearing_wear')
      .reduce((earliest, s) => Math.min(earliest, s.detectedAt), Infinity)
    const expectedLead = (FAILURE_AT - first) / HOUR_MS

    expect(expectedLead).toBeGreaterThanOrEqual(24)
    expect(result).toMatchObject({ failures: 1, caught: 1, late: 0, missed: 0, recall: 1, readings: readings.length })
    const lead = expectedLead
    expect(result.leadTimeHours).toEqual({ median: lead, p10: lead, p90: lead, min: lead })
    expect(result.falseOrders.map((o) => [o.assetId, o.failureMode, o.kind]))
      .toEqual([['compressor-01', 'cooler_fouling', 'anomaly']])
    expect(result.assetMonths).toBeCloseTo((3 * 7 * DAY_MS) / MONTH_MS, 12)
    expect(result.falseWorkOrdersPerAssetMonth).toBeCloseTo(1 / result.assetMonths, 12)
    expect(result.workOrders).toBe(2)
    expect(result.workOrdersFromSensorFaults).toBe(0)
  })

  it('counts a work order that comes too late for the required lead time as late, not caught', () => {
    const result = evaluateFleet(readings, truth, { fleet, config, leadHours: WEAR_HOURS + 1 })
    expect(result).toMatchObject({ caught: 0, late: 1, missed: 0, recall: 0 })
  })

  it('counts a failure with no Signal before it as missed', () => {
    const quiet = readings.filter((reading) => reading.assetId !== 'pump-01')
    const result = evaluateFleet(quiet, truth, { fleet, config, leadHours: 24 })
    expect(result).toMatchObject({ caught: 0, late: 0, missed: 1, recall: 0, leadTimeHours: null })
  })

  it('blames a false work order on a sensor fault of the same metric at the time', () => {
    const withFault: FleetTruth = {
      ...truth,
      sensorFaults: [{ assetId: 'compressor-01', metric: 'discharge_temp', kind: 'spikes', start: STEP_AT, end: STEP_AT + HOUR_MS }],
    }
    const result = evaluateFleet(readings, withFault, { fleet, config, leadHours: 24 })
    expect(result.workOrdersFromSensorFaults).toBe(1)
    expect(result.sensorFaults).toEqual({ injected: 1, found: 0, byKind: { spikes: { injected: 1, found: 0 } } })
  })
})

describe('WorkOrderLedger', () => {
  const signal = (assetId: string, failureMode: string, hours: number): Signal => ({
    id: `${assetId}${failureMode}${hours}`, assetId, failureMode, kind: 'anomaly',
    severity: 'warning', confidence: 0.5, detectedAt: START + hours * HOUR_MS, predictedFailure: null,
    evidence: { metrics: [], windowStart: 0, windowEnd: 0, points: [], summary: '' }, detector: { name: 'x', version: '1' },
  })

  it('keeps one open work order per asset and failure mode and opens another only after it closed', () => {
    const ledger = new WorkOrderLedger((order) => order.openedAt + 24 * HOUR_MS)
    const outcomes = [
      signal('pump-01', 'bearing_wear', 0), signal('pump-01', 'bearing_wear', 23),
      signal('pump-01', 'impeller_wear', 1), signal('pump-02', 'bearing_wear', 2), signal('pump-01', 'bearing_wear', 24),
    ].map((s) => ledger.observe(s) !== null)

    expect(outcomes).toEqual([true, false, true, true, true])
    expect(ledger.orders.map((o) => [o.assetId, o.failureMode, o.signalCount])).toEqual([
      ['pump-01', 'bearing_wear', 2], ['pump-01', 'impeller_wear', 1], ['pump-02', 'bearing_wear', 1],
      ['pump-01', 'bearing_wear', 1],
    ])
  })

  it('never closes an order whose closing time is null', () => {
    const ledger = new WorkOrderLedger(() => null)
    ledger.observe(signal('pump-01', 'bearing_wear', 0))
    expect(ledger.observe(signal('pump-01', 'bearing_wear', 10_000))).toBeNull()
  })
})
