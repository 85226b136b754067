import { describe, expect, it } from 'vitest'
import {
  createLogger, createMetricsRegistry, loadConfig, loadFleet, type DeviceEvent, type Reading, type Signal,
} from '../../core/index.js'
import { createModels } from '../../models/index.js'
import { DAY_MS, HOUR_MS, START, degradingStream, healthyStream, sample } from './synthetic.js'

const fleet = loadFleet('fleet/sample.json')
const config = loadConfig({ env: {} })
const PUMP_TAGS = { siteId: 'acme-north-station', customerId: 'acme-water', equipmentType: 'pump' }

function setup(onSignal: (signal: Signal) => void = () => undefined) {
  const lines: string[] = []
  const destination = {
    write: (line: string) => {
      lines.push(line)
    },
  }
  const logger = createLogger({ level: 'info', destination })
  const metrics = createMetricsRegistry({ defaultMetrics: false })
  const signals: Signal[] = []
  const models = createModels({
    config, fleet, logger, metrics,
    onSignal: (signal) => {
      signals.push(signal)
      onSignal(signal)
    },
  })
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return { models, metrics, signals, logs }
}

/** A pump whose vibration wears to failure, with a burst of impossible readings on day 2. */
function pumpReadings(): Reading[] {
  const { shape } = sample('vibration_rms')
  const failureAt = START + 7 * DAY_MS
  return degradingStream(shape, { seed: 11, limit: 11.2, failureAt }).map((point) => ({
    deviceId: 'dev-pump-01', assetId: 'pump-01', metric: 'vibration_rms', tags: PUMP_TAGS,
    time: point.time,
    value: point.time >= START + 2 * DAY_MS && point.time < START + 2 * DAY_MS + HOUR_MS ? -1 : point.value,
  }))
}

const FAULT: DeviceEvent = {
  deviceId: 'dev-pump-01', assetId: 'pump-01', kind: 'fault', time: START, code: 'E42', detail: 'seal leak', tags: PUMP_TAGS,
}

describe('createModels', () => {
  it('gives the same Signal ids when the same data is replayed into a fresh instance', () => {
    const first = setup()
    const second = setup()
    for (const reading of pumpReadings()) first.models.observe(reading)
    for (const reading of pumpReadings()) second.models.observe(reading)

    // The anomaly the wear also causes joins the degradation's case (fusion per asset): no Signal of its own.
    expect(new Set(first.signals.map((s) => s.kind))).toEqual(new Set(['sensor_fault', 'degradation']))
    expect(second.signals.map((s) => s.id)).toEqual(first.signals.map((s) => s.id))
  })

  it('raises nothing new when the same readings arrive a second time', () => {
    const { models, signals } = setup()
    for (const reading of pumpReadings()) models.observe(reading)
    const count = signals.length
    for (const reading of pumpReadings()) models.observe(reading)

    expect(signals).toHaveLength(count)
    expect(models.stats())
      .toEqual({ streams: 1, readings: 2 * pumpReadings().length, signals: count, warmStartReadings: 0 })
  })

  it('turns a device fault event into one device_fault Signal and ignores status events', () => {
    const { models, signals } = setup()
    models.observeEvent(FAULT)
    models.observeEvent(FAULT)
    models.observeEvent({ ...FAULT, kind: 'offline', code: undefined })

    expect(signals).toEqual([{
      id: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown as string,
      assetId: 'pump-01', kind: 'device_fault', failureMode: 'device_fault', severity: 'warning', confidence: 0.9,
      detectedAt: START, predictedFailure: null,
      evidence: {
        metrics: [], windowStart: START, windowEnd: START, points: [],
        summary: 'Device dev-pump-01 reported fault E42 (seal leak) at 2026-01-05 00:00 UTC.',
      },
      detector: { name: 'device-report', version: '1.0.0' },
    }])
  })

  it('counts readings, Signals by kind and severity, and streams', async () => {
    const { models, metrics } = setup()
    const readings = pumpReadings().slice(0, 700)
    for (const reading of readings) models.observe(reading)
    // Not later than the stream's last reading: counted as given, and as ignored.
    models.observe(readings[10] as Reading)
    models.observe(readings[20] as Reading)
    models.observeEvent(FAULT)
    const text = await metrics.metrics()

    expect(text).toContain('forewarn_models_readings_total 702')
    expect(text).toContain('forewarn_models_readings_ignored_total{reason="out_of_order"} 2')
    // Scraped twice, the counters read the same (collect() sets, it does not add).
    expect(await metrics.metrics()).toContain('forewarn_models_readings_total 702')
    expect(text).toContain('forewarn_models_signals_total{kind="sensor_fault",severity="warning"} 1')
    expect(text).toContain('forewarn_models_signals_total{kind="device_fault",severity="warning"} 1')
    expect(text).toContain('forewarn_models_streams 1')
  })

  it('logs each Signal with its ids, and survives a failing Signal handler', () => {
    const { models, logs } = setup(() => {
      throw new Error('dispatch is down')
    })
    models.observeEvent(FAULT)

    const fields = logs().map(({ level, msg, module, assetId, deviceId, kind }) =>
      ({ level, msg, module, assetId, deviceId, kind }))

    expect(fields).toEqual([
      { level: 30, msg: 'signal raised', module: 'models', assetId: 'pump-01', deviceId: 'dev-pump-01', kind: 'device_fault' },
      { level: 50, msg: 'signal handler failed', module: 'models', assetId: 'pump-01', deviceId: 'dev-pump-01', kind: undefined },
    ])
    expect(logs()[1]?.err).toMatchObject({ message: 'dispatch is down' })
  })

  it('uses abnormal_behaviour as the failure mode of a metric without a profile', () => {
    const { models, signals } = setup()
    const tags = { ...PUMP_TAGS, equipmentType: 'generic' }
    const points = healthyStream({ base: 50, dailyAmplitude: 0, noise: 0.02 }, { seed: 2, days: 3 })
    for (const p of points) {
      const value = p.time > START + 2 * DAY_MS ? p.value * 2 : p.value
      models.observe({ deviceId: 'replay', assetId: 'replay-1', metric: 'value', tags, time: p.time, value })
    }

    expect(signals.map((s) => [s.kind, s.failureMode])).toEqual([['anomaly', 'abnormal_behaviour']])
  })
})
