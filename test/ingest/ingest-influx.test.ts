import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Registry, type Reading } from '../../core/index.js'
import { createInfluxStore, createIngest, type Ingest } from '../../ingest/index.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { T0, memoryLogger, reading, testConfig } from './fixtures.js'
import { createDatabase, plantIntegerField } from './influx-http.js'

let influxd: InfluxdHandle

beforeAll(async () => {
  influxd = await startInfluxd({ database: 'ingest_test' })
})

afterAll(async () => {
  await influxd.stop()
})

const SERIES = [
  { assetId: 'pump-1', metric: 'temperature' }, { assetId: 'pump-1', metric: 'vibration' },
  { assetId: 'pump-2', metric: 'temperature' }, { assetId: 'pump-2', metric: 'vibration' },
]

/** `perSeries` readings for each of the four series, one a second from T0 + firstSecond. */
function readingsFor(firstSecond: number, perSeries: number): Reading[] {
  return SERIES.flatMap((series) => Array.from({ length: perSeries }, (_, i) =>
    reading((firstSecond + i) * 1_000, firstSecond + i + 0.5, series)))
}

function ingestOn(database: string, influx: { batchSize?: number, flushIntervalMs?: number } = {}) {
  const { logger, records } = memoryLogger('info')
  const config = testConfig({
    influx: { url: influxd.url, database, batchSize: 25, flushIntervalMs: 50, ...influx },
  })
  return { ingest: createIngest({ config, logger, metrics: new Registry() }), records }
}

async function countPerSeries(ingest: Ingest): Promise<number[]> {
  return Promise.all(SERIES.map((series) => ingest.count(series)))
}

describe('createIngest against a real influxd', () => {
  it('stores every reading accepted during an outage exactly once after influxd is back', async () => {
    const { ingest } = ingestOn(influxd.database)
    await ingest.start()
    await ingest.accept(readingsFor(0, 30))
    await ingest.flush()

    await influxd.kill()
    await ingest.accept(readingsFor(30, 20))
    await ingest.accept(readingsFor(50, 20))
    await vi.waitFor(() => expect(ingest.stats().failedWrites).toBeGreaterThan(0), { timeout: 20_000 })
    expect(await ingest.isReady()).toBe(false)

    await influxd.restart()
    await ingest.flush()

    expect(await countPerSeries(ingest)).toEqual([70, 70, 70, 70])
    expect(ingest.stats()).toMatchObject({ accepted: 280, stored: 280, pending: 0 })
    const around = { assetId: 'pump-2', metric: 'vibration', from: T0 + 29_000, to: T0 + 31_000 }
    expect(await ingest.query(around)).toEqual([
      { time: T0 + 29_000, value: 29.5 }, { time: T0 + 30_000, value: 30.5 },
    ])
    expect(await ingest.isReady()).toBe(true)
    await ingest.stop()
  })

  it('counts a batch InfluxDB rejects in failedWrites and logs it at error with its size', async () => {
    await createDatabase(influxd, 'rejecting')
    await plantIntegerField(influxd, 'rejecting', T0)
    const { ingest, records } = ingestOn('rejecting')
    await ingest.start()

    await ingest.accept([reading(1_000, 2.5), reading(2_000, 3.5)])
    await ingest.flush()

    expect(ingest.stats()).toEqual({ accepted: 2, stored: 0, pending: 0, failedWrites: 1 })
    expect(records.find((r) => r.level === 50)).toMatchObject({
      module: 'ingest',
      msg: 'telemetry batch rejected by the store',
      points: 2,
      code: 'FW_ERR_ING_WRITE_REJECTED',
      reason: expect.stringContaining('field type conflict'),
    })
    await ingest.stop()
  })

  it('stop() writes readings still waiting for their flush interval, then closes the store', async () => {
    await createDatabase(influxd, 'stopping')
    const { ingest } = ingestOn('stopping', { batchSize: 1_000, flushIntervalMs: 3_600_000 })
    await ingest.start()
    await ingest.accept(readingsFor(0, 5))

    await ingest.stop()

    const reader = createInfluxStore({ url: influxd.url, database: 'stopping' })
    await reader.open()
    expect(await reader.count({})).toBe(20)
    expect(await ingest.isReady()).toBe(false)
    await reader.close()
  })
})
