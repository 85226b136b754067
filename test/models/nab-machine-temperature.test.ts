import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { createLogger, createMetricsRegistry, loadConfig, loadFleet, type Signal } from '../../core/index.js'
import { createModels } from '../../models/index.js'
import { datasetFile } from '../helpers/datasets.js'

/**
 * NAB realKnownCause/machine_temperature_system_failure: temperature of an internal
 * component of a large industrial machine, with four labelled anomaly windows; the last one
 * ends in a catastrophic failure. Read from the shared dataset at run time, never copied.
 */
const FILE = datasetFile('nab/data/realKnownCause/machine_temperature_system_failure.csv')
const WINDOWS = [
  ['2013-12-10 06:25', '2013-12-12 05:35'],
  ['2013-12-15 17:50', '2013-12-17 17:00'],
  ['2014-01-27 14:20', '2014-01-29 13:30'],
  ['2014-02-07 14:55', '2014-02-09 14:05'],
].map(([start = '', end = '']) => ({ start: utc(start), end: utc(end), label: `${start} – ${end}` }))

function utc(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`)
}

function replay(): Signal[] {
  const rows = parse(readFileSync(FILE), { columns: true }) as Array<{ timestamp: string, value: string }>
  const signals: Signal[] = []
  const models = createModels({
    config: loadConfig({ env: {} }),
    fleet: loadFleet('fleet/sample.json'),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    onSignal: (signal) => signals.push(signal),
  })
  const tags = { siteId: 'nab', customerId: 'nab', equipmentType: 'generic' }
  for (const row of rows) {
    models.observe({
      deviceId: 'nab-replay', assetId: 'nab-machine', metric: 'temperature', tags,
      time: utc(row.timestamp), value: Number(row.value),
    })
  }
  return signals
}

describe('anomaly detection on NAB machine temperature (real data)', () => {
  it('signals before the end of the catastrophic failure window, mostly inside labelled windows', () => {
    const signals = replay().filter((s) => s.kind === 'anomaly')
    const windowOf = (s: Signal) => WINDOWS.findIndex((w) => s.detectedAt >= w.start && s.detectedAt <= w.end)
    const outside = signals.filter((s) => windowOf(s) === -1)
    const hits = WINDOWS.map((w, i) => ({ window: w.label, signals: signals.filter((s) => windowOf(s) === i).length }))
    console.log('NAB machine temperature, anomaly Signals per labelled window:')
    console.table(hits)
    console.log(`outside any window: ${outside.length}`, outside.map((s) => new Date(s.detectedAt).toISOString()))

    expect(signals.some((s) => s.detectedAt < utc('2014-02-09 14:05'))).toBe(true)
    expect(hits[3]?.signals).toBeGreaterThanOrEqual(1)
    expect(hits.filter((h) => h.signals > 0).length).toBeGreaterThanOrEqual(3)
    expect(outside.length).toBeLessThanOrEqual(6)
  })
})
