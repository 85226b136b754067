import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { createInfluxStore, type TelemetryStore } from '../../ingest/index.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { startGateway, type Harness } from './harness.js'
import { HARD_METRIC_NAMES } from './hard-names.js'

const NOW = Date.UTC(2026, 11, 3, 17)
const RANGE = { from: NOW - 86_400_000, to: NOW + 1 }

/*
 * MQTT payload → gateway → the ingest InfluxDB store → Debian's influxd 1.6.7 → back out,
 * for the names line protocol must escape and the integer/float values a device mixes.
 */
describe('gateway to real influxd: names and value types round-trip', () => {
  let influx: InfluxdHandle
  let store: TelemetryStore
  let harness: Harness

  beforeAll(async () => {
    influx = await startInfluxd({ database: 'forewarn_gw_names' })
    store = createInfluxStore({ url: influx.url, database: influx.database })
    await store.open()
    harness = await startGateway({ clock: { now: () => NOW }, onReadings: (readings) => store.write(readings) })
  })

  afterAll(async () => {
    await harness?.close()
    await store?.close()
    await influx?.stop()
  })

  async function influxql(q: string): Promise<unknown> {
    const url = `${influx.url}/query?db=${influx.database}&q=${encodeURIComponent(q)}`
    return (await fetch(url)).json()
  }

  it('stores every hard metric name exactly as sent, one series each, no injected lines', async () => {
    const client = await harness.connect('dev-pump-1')
    const metrics = Object.fromEntries(HARD_METRIC_NAMES.map((name, i) => [name, i + 0.5]))
    await client.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), JSON.stringify({ ts: NOW - 60_000, metrics }), { qos: 1 })

    const back = await Promise.all(HARD_METRIC_NAMES.map((metric) => store.query({ assetId: 'pump-1', metric, ...RANGE })))
    expect(back).toEqual(HARD_METRIC_NAMES.map((_name, i) => [{ time: NOW - 60_000, value: i + 0.5 }]))

    const tags = await influxql('SHOW TAG VALUES FROM telemetry WITH KEY = "metric"') as TagValues
    const stored = (tags.results[0]?.series?.[0]?.values ?? []).map(([, value]) => value)
    expect(stored.sort()).toEqual([...HARD_METRIC_NAMES].sort())
    expect(await store.count({ assetId: 'pump-1' })).toBe(HARD_METRIC_NAMES.length)
  })

  it('stores a metric first sent as an integer and then as a fraction as one float field', async () => {
    const client = await harness.connect('dev-comp-1')
    const topic = deviceTopic('dev-comp-1', 'telemetry')
    const values = ['20', '20.5', '-3', '0', '1e21', '7.25']
    for (const [i, value] of values.entries()) {
      await client.publishAsync(topic, `{"ts":${NOW - 10_000 + i},"motor_current":${value}}`, { qos: 1 })
    }

    const points = await store.query({ assetId: 'compressor-1', metric: 'motor_current', ...RANGE })
    expect(points.map((p) => p.value)).toEqual([20, 20.5, -3, 0, 1e21, 7.25])
    const fields = await influxql('SHOW FIELD KEYS FROM telemetry') as TagValues
    expect(fields.results[0]?.series?.[0]?.values).toEqual([['value', 'float']])
  })
})

interface TagValues {
  results: Array<{ series?: Array<{ values: Array<[string, string]> }> }>
}
