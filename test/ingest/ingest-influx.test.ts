import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Registry, type Reading } from '../../core/index.js'
import { createInfluxStore, createIngest, type Ingest } from '../../ingest/index.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { T0, memoryLogger, reading, testConfig } from './fixtures.js'
import { createDatabase, influxql, plantIntegerField } from './influx-http.js'
import { tempDir } from './spool-helpers.js'

let influxd: InfluxdHandle

beforeAll(async () => {
  influxd = await startInfluxd({ database: 'ingest_test' })
})

afterAll(async () => {
  await influxd.stop()
})

const DAY_MS = 86_400_000

const SERIES = [
  { assetId: 'pump-1', metric: 'temperature' }, { assetId: 'pump-1', metric: 'vibration' },
  { assetId: 'pump-2', metric: 'temperature' }, { assetId: 'pump-2', metric: 'vibration' },
]

/** `perSeries` readings for each of the four series, one a second from T0 + firstSecond. */
function readingsFor(firstSecond: number, perSeries: number): Reading[] {
  return SERIES.flatMap((series) => Array.from({ length: perSeries }, (_, i) =>
    reading((firstSecond + i) * 1_000, firstSecond + i + 0.5, series)))
}

interface InfluxOverrides {
  batchSize?: number
  flushIntervalMs?: number
  retentionPolicy?: string
}

function ingestOn(database: string, influx: InfluxOverrides = {}) {
  const { logger, records } = memoryLogger('info')
  const config = testConfig({
    data: { dir: tempDir('forewarn-ingest-influx-') },
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

  it('stores the good lines of a batch with a type-conflicting line and dead-letters that line', async () => {
    await createDatabase(influxd, 'conflicting')
    await plantIntegerField(influxd, 'conflicting', T0)
    const { ingest } = ingestOn('conflicting')
    await ingest.start()
    // Field types are kept per shard (a week here), so the good lines lie two weeks later.
    const later = 14 * DAY_MS
    const good = [
      reading(later, 2.5), reading(later + 1_000, 3.5), reading(later, 4.5, { assetId: 'pump-2' }),
    ]

    await ingest.accept([good[0] as Reading, reading(1_000, 9.5), ...good.slice(1)])
    await ingest.flush()

    // pump-1 temperature also holds the planted integer point.
    expect(await countPerSeries(ingest)).toEqual([1 + 2, 0, 1, 0])
    expect(ingest.stats()).toMatchObject({ accepted: 4, stored: 3, deadLettered: 1, pending: 0 })
    expect(ingest.deadLetters().map((d) => [d.reading, d.kind, d.status])).toEqual([
      [reading(1_000, 9.5), 'field_type_conflict', 400],
    ])
    expect(ingest.deadLetters()[0]?.reason).toMatch(/^partial write: field type conflict: .* dropped=1$/)
    await ingest.stop()
  })

  it('dead-letters points beyond the retention policy and stores the recent ones', async () => {
    await createDatabase(influxd, 'retention')
    await influxql(influxd, 'CREATE RETENTION POLICY "hour" ON "retention" DURATION 1h REPLICATION 1')
    const { ingest } = ingestOn('retention', { retentionPolicy: 'hour' })
    await ingest.start()
    const now = Date.now()

    await ingest.accept([reading(0, 1.5), reading(now - T0, 2.5), reading(1_000, 3.5)])
    await ingest.flush()

    expect(ingest.stats()).toMatchObject({ stored: 1, deadLettered: 2 })
    expect(ingest.deadLetters().map((d) => [d.reading?.value, d.kind, d.reason])).toEqual([
      [1.5, 'beyond_retention', 'partial write: points beyond retention policy dropped=1'],
      [3.5, 'beyond_retention', 'partial write: points beyond retention policy dropped=1'],
    ])
    expect(await ingest.query({ assetId: 'pump-1', metric: 'temperature', from: now - 60_000, to: now + 60_000 }))
      .toEqual([{ time: now, value: 2.5 }])
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
