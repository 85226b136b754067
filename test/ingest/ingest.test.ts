import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Registry } from '../../core/index.js'
import { createIngest, embeddedStoreFile, spoolDirectory } from '../../ingest/index.js'
import { FakeStore } from './fake-store.js'
import { T0, memoryLogger, reading, testConfig } from './fixtures.js'
import { tempDir } from './spool-helpers.js'

function deps(overrides: Parameters<typeof testConfig>[0] = {}) {
  const config = testConfig({ data: { dir: tempDir('forewarn-ingest-') }, ...overrides })
  return { config, logger: memoryLogger().logger, metrics: new Registry() }
}

describe('createIngest', () => {
  it('uses the embedded SQLite store at <data.dir>/telemetry.sqlite when influx.url is empty', async () => {
    const options = deps({ influx: { url: '' } })
    const ingest = createIngest(options)
    await ingest.start()

    await ingest.accept([reading(0, 7.25)])
    await ingest.flush()

    expect(ingest.store.kind).toBe('embedded')
    expect(existsSync(embeddedStoreFile(options.config))).toBe(true)
    expect(await ingest.query({ assetId: 'pump-1', metric: 'temperature', from: T0, to: T0 + 1 }))
      .toEqual([{ time: T0, value: 7.25 }])
    await ingest.stop()
  })

  it('uses the InfluxDB store when influx.url is set, without connecting before start()', () => {
    const ingest = createIngest(deps({ influx: { url: 'http://127.0.0.1:1' } }))

    expect(ingest.store.kind).toBe('influx')
  })

  it('keeps its spool in <data.dir>/spool unless spool.dir names another directory', () => {
    const dir = tempDir()

    expect(spoolDirectory(testConfig({ data: { dir } }))).toBe(join(dir, 'spool'))
    expect(spoolDirectory(testConfig({ data: { dir }, spool: { dir: '/var/spool/forewarn' } }))).toBe('/var/spool/forewarn')
  })

  it('is ready only between start() and stop()', async () => {
    const store = new FakeStore()
    const ingest = createIngest({ ...deps(), store })
    const before = await ingest.isReady()

    await ingest.start()
    const during = await ingest.isReady()
    await ingest.stop()

    expect([before, during, await ingest.isReady()]).toEqual([false, true, false])
  })

  it('stop() writes spooled readings before it closes the store', async () => {
    const store = new FakeStore()
    const ingest = createIngest({ ...deps({ influx: { flushIntervalMs: 3_600_000 } }), store })
    await ingest.start()
    await ingest.accept([reading(0, 1), reading(1, 2)])

    await Promise.all([ingest.stop(), ingest.stop()])

    expect(store.closedAfterWrites).toBe(1)
    expect(store.written()).toEqual([reading(0, 1), reading(1, 2)])
    expect(ingest.stats()).toEqual({
      accepted: 2, stored: 2, deadLettered: 0, replayed: 0, pending: 0, spoolBytes: 0, failedWrites: 0,
    })
  })

  it('lists the readings the store refused for good in deadLetters()', async () => {
    const store = new FakeStore()
    store.refuse = (r) => (r.value === 2 ? 'field type conflict' : undefined)
    const ingest = createIngest({ ...deps(), store })
    await ingest.start()

    await ingest.accept([reading(0, 1), reading(1, 2)])
    await ingest.flush()

    expect(ingest.deadLetters().map((d) => [d.reading, d.kind])).toEqual([[reading(1, 2), 'field_type_conflict']])
    expect(ingest.stats()).toMatchObject({ stored: 1, deadLettered: 1, pending: 0 })
    await ingest.stop()
  })

  it('shares one registry between two ingests without a metric name clash', () => {
    const shared = deps()

    createIngest(shared)

    expect(() => createIngest(shared)).not.toThrow()
  })
})
