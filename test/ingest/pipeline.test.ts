import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { Registry } from '../../core/index.js'
import { StoreUnavailableError, createEmbeddedStore, toLine, type TelemetryStore } from '../../ingest/index.js'
import { DeadLetterList } from '../../ingest/dead-letters.js'
import { createIngestMetrics } from '../../ingest/metrics.js'
import { Pipeline, type PipelineOptions, type SpoolOptions } from '../../ingest/pipeline.js'
import { FakeStore } from './fake-store.js'
import { memoryLogger, reading } from './fixtures.js'
import { crashCopy, tempDir } from './spool-helpers.js'

interface Setup {
  store?: TelemetryStore
  dir?: string
  spool?: Partial<SpoolOptions>
  options?: Partial<PipelineOptions>
}

async function setup(given: Setup = {}) {
  const store = given.store ?? new FakeStore()
  const registry = new Registry()
  const { logger, records } = memoryLogger()
  const dir = given.dir ?? tempDir()
  const pipeline = new Pipeline({
    store, logger, metrics: createIngestMetrics(registry), deadLetters: new DeadLetterList(),
    spool: { dir, maxBytes: 1e9, maxMemoryBytes: 1e8, segmentBytes: 1e6, ...given.spool },
    batchSize: 3, maxBatchBytes: 1e6, flushIntervalMs: 3_600_000, maxWritesInFlight: 1, stopTimeoutMs: 10_000,
    backoff: { initialMs: 1, maxMs: 5 }, ...given.options,
  })
  await store.open()
  await pipeline.start()
  return { store, pipeline, registry, records, dir }
}

/** Readings whose times are 0..count-1 ms past T0, so order is visible in `time`. */
function readings(count: number, first = 0) {
  return Array.from({ length: count }, (_, i) => reading(first + i, first + i))
}

/** One accept() call per reading, all at once (as many devices publishing together). */
function acceptEach(pipeline: Pipeline, count: number, first = 0): Promise<void[]> {
  return Promise.all(readings(count, first).map((r) => pipeline.accept([r])))
}

/** Generous: these wait for a disk sync and a timer, which a loaded machine can delay. */
const WAIT = { timeout: 5_000 }
const unavailable = () => new StoreUnavailableError('InfluxDB is unreachable (ECONNREFUSED)')
const spoolText = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg'))
  .map((f) => readFileSync(join(dir, f), 'latin1')).join('')

describe('Pipeline durability', () => {
  it('resolves accept() only once the readings are in the spool on disk', async () => {
    const { pipeline, dir } = await setup()

    await pipeline.accept([reading(0, 41.5)])

    expect(spoolText(dir)).toContain(toLine(reading(0, 41.5)))
    expect(pipeline.stats()).toMatchObject({ accepted: 1, stored: 0, pending: 1, spoolBytes: expect.any(Number) })
    await pipeline.stop()
  })

  it('writes after a crash, from the spool, every reading acknowledged before it', async () => {
    const first = await setup()
    ;(first.store as FakeStore).isHeld = true
    await acceptEach(first.pipeline, 5)
    const left = crashCopy(first.dir)

    const second = await setup({ dir: left })
    await second.pipeline.flush()

    expect((second.store as FakeStore).written()).toEqual(readings(5))
    expect(second.pipeline.stats()).toMatchObject({ accepted: 0, stored: 5, replayed: 5, spoolBytes: 0 })
    ;(first.store as FakeStore).releaseAll()
    await Promise.all([first.pipeline.stop(), second.pipeline.stop()])
  })

  it('replays without duplicating points that were stored before the crash', async () => {
    const file = join(tempDir(), 'telemetry.sqlite')
    const first = await setup({ store: createEmbeddedStore({ file }) })
    await acceptEach(first.pipeline, 6)
    await first.pipeline.flush()
    await acceptEach(first.pipeline, 4, 6)
    const left = crashCopy(first.dir)
    await first.pipeline.stop()

    const second = await setup({ dir: left, store: first.store })
    await second.pipeline.flush()

    expect(await first.store.count({})).toBe(10)
    expect(second.pipeline.stats().replayed).toBeGreaterThanOrEqual(4)
    await second.pipeline.stop()
    await first.store.close()
  })
})

describe('Pipeline batching', () => {
  it('writes full batches as soon as batchSize readings are durable', async () => {
    const { store, pipeline } = await setup()

    await acceptEach(pipeline, 7)

    await vi.waitFor(() => expect((store as FakeStore).batches.map((b) => b.length)).toEqual([3, 3]), WAIT)
    expect(pipeline.stats()).toMatchObject({ accepted: 7, stored: 6, pending: 1 })
    await pipeline.stop()
  })

  it('writes a partial batch once its oldest reading has waited flushIntervalMs', async () => {
    const { store, pipeline } = await setup({ options: { flushIntervalMs: 50 } })

    await pipeline.accept(readings(2))

    await vi.waitFor(() => expect((store as FakeStore).batches).toEqual([readings(2)]), WAIT)
    await pipeline.stop()
  })

  it('keeps one write in flight and writes batches in acceptance order', async () => {
    const { store, pipeline } = await setup({ options: { batchSize: 2 } })
    const fake = store as FakeStore
    fake.isHeld = true

    await acceptEach(pipeline, 6)
    const flushed = pipeline.flush()
    await vi.waitFor(() => expect(fake.held).toBe(1), WAIT)
    fake.releaseAll()
    await flushed

    expect(fake.maxInFlight).toBe(1)
    expect(fake.written()).toEqual(readings(6))
  })

  it('writes up to maxWritesInFlight batches at once but counts them stored only in spool order', async () => {
    const { store, pipeline } = await setup({ options: { batchSize: 2, maxWritesInFlight: 2 } })
    const fake = store as FakeStore
    fake.isHeld = true

    await acceptEach(pipeline, 4)
    await vi.waitFor(() => expect(fake.held).toBe(2), WAIT)
    fake.releaseNewest()
    await vi.waitFor(() => expect(fake.batches).toEqual([readings(2, 2)]), WAIT)
    expect(pipeline.stats()).toMatchObject({ stored: 0, pending: 4 })

    fake.releaseAll()
    await pipeline.flush()
    expect(fake.maxInFlight).toBe(2)
    expect(pipeline.stats()).toMatchObject({ stored: 4, pending: 0 })
    await pipeline.stop()
  })

  it('flush() writes a partial batch at once and resolves when it is stored', async () => {
    const { store, pipeline } = await setup()
    await pipeline.accept(readings(2))

    await pipeline.flush()

    expect((store as FakeStore).batches).toEqual([readings(2)])
    expect(pipeline.stats().pending).toBe(0)
    await pipeline.stop()
  })

  it('writes everything in order when the in-memory copy overflows and the rest is read from disk', async () => {
    const { store, pipeline } = await setup({ spool: { maxMemoryBytes: 600, segmentBytes: 1_000 } })
    const fake = store as FakeStore
    fake.failures.push(...Array.from({ length: 5 }, unavailable))

    for (let i = 0; i < 40; i += 4) await acceptEach(pipeline, 4, i)
    await pipeline.flush()

    expect(fake.written()).toEqual(readings(40))
    await pipeline.stop()
  })
})

describe('Pipeline backpressure', () => {
  it('makes accept() wait while the spool is full and admits waiting callers in order', async () => {
    const line = Buffer.byteLength(toLine(reading(0, 0))) + 8
    const { store, pipeline } = await setup({ spool: { maxBytes: 4 * line }, options: { batchSize: 2 } })
    const fake = store as FakeStore
    fake.isHeld = true
    const admitted: string[] = []

    await acceptEach(pipeline, 4)
    const first = pipeline.accept(readings(1, 4)).then(() => admitted.push('first'))
    const second = pipeline.accept(readings(1, 5)).then(() => admitted.push('second'))
    await vi.waitFor(() => expect(fake.held).toBe(1), WAIT)
    expect(admitted).toEqual([])

    fake.releaseAll()
    await Promise.all([first, second])
    expect(admitted).toEqual(['first', 'second'])
    await pipeline.flush()
    expect(fake.written()).toEqual(readings(6))
    await pipeline.stop()
  })

  it('lets one call larger than the spool bound in once the spool is empty', async () => {
    const { store, pipeline } = await setup({ spool: { maxBytes: 10 } })

    await pipeline.accept(readings(5))
    await pipeline.flush()

    expect((store as FakeStore).written()).toEqual(readings(5))
    await pipeline.stop()
  })
})

describe('Pipeline stop()', () => {
  it('writes what is buffered and leaves no timer behind', async () => {
    const { store, pipeline } = await setup()
    await pipeline.accept(readings(2))

    await pipeline.stop()

    expect((store as FakeStore).written()).toEqual(readings(2))
  })

  it('gives up after stopTimeoutMs while the store is down and leaves the readings in the spool', async () => {
    const first = await setup({ options: { stopTimeoutMs: 100 } })
    ;(first.store as FakeStore).failures.push(...Array.from({ length: 10_000 }, unavailable))
    await first.pipeline.accept(readings(3))

    await first.pipeline.stop()
    const second = await setup({ dir: first.dir })
    await second.pipeline.flush()

    expect((first.store as FakeStore).written()).toEqual([])
    expect((second.store as FakeStore).written()).toEqual(readings(3))
    expect(first.records.find((r) => r.level === 40 && r.msg?.toString().startsWith('stop timed out'))).toBeDefined()
    await second.pipeline.stop()
  })

  it('refuses callers still waiting for room but keeps everything accepted for the next start', async () => {
    const first = await setup({ spool: { maxBytes: 10 }, options: { stopTimeoutMs: 100 } })
    const held = first.store as FakeStore
    held.isHeld = true
    await first.pipeline.accept(readings(2))
    const waiting = first.pipeline.accept(readings(1, 2))

    const stopped = first.pipeline.stop()
    await expect(waiting).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
    await stopped
    held.releaseAll()
    const second = await setup({ dir: first.dir })
    await second.pipeline.flush()

    expect((second.store as FakeStore).written()).toEqual(readings(2))
    await second.pipeline.stop()
  })
})

describe('Pipeline accept() and lifecycle', () => {
  it('rejects a call with an invalid reading without spooling any of it', async () => {
    const { pipeline } = await setup()

    await expect(pipeline.accept([reading(0, 1), reading(1, Number.NaN)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_READING_INVALID', message: 'readings[1].value must be a finite number, got NaN',
    })
    await expect(pipeline.accept([reading(0, 1, { metric: 'a\nb' })])).rejects.toMatchObject({
      code: 'FW_ERR_ING_READING_INVALID', details: { index: 0, field: 'metric' },
    })
    expect(pipeline.stats()).toMatchObject({ accepted: 0, spoolBytes: 0 })
    await pipeline.stop()
  })

  it('refuses readings before start() and after stop()', async () => {
    const { logger } = memoryLogger()
    const idle = new Pipeline({
      store: new FakeStore(), logger, metrics: createIngestMetrics(new Registry()), deadLetters: new DeadLetterList(),
      spool: { dir: tempDir(), maxBytes: 1e9, maxMemoryBytes: 1e8, segmentBytes: 1e6 },
      batchSize: 3, maxBatchBytes: 1e6, flushIntervalMs: 1_000, maxWritesInFlight: 1, stopTimeoutMs: 1_000,
    })
    const { pipeline } = await setup()
    await pipeline.stop()

    await expect(idle.accept(readings(1))).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
    await expect(pipeline.accept(readings(1))).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
  })
})

describe('Pipeline metrics', () => {
  it('counts accepted, stored and failed writes, and tracks pending and spool bytes', async () => {
    const { store, pipeline, registry } = await setup()
    ;(store as FakeStore).failures.push(unavailable())

    await pipeline.accept(readings(3))
    await pipeline.flush()

    const metrics = await registry.getMetricsAsJSON()
    const values = (name: string) => metrics.find((m) => m.name === name)?.values
    expect(values('forewarn_ingest_readings_accepted_total')).toEqual([{ value: 3, labels: {} }])
    expect(values('forewarn_ingest_readings_stored_total')).toEqual([{ value: 3, labels: {} }])
    expect(values('forewarn_ingest_write_failures_total')).toEqual([{ value: 1, labels: { reason: 'unavailable' } }])
    expect(values('forewarn_ingest_pending_readings')).toEqual([{ value: 0, labels: {} }])
    expect(values('forewarn_ingest_spool_bytes')).toEqual([{ value: 0, labels: {} }])
    await pipeline.stop()
  })
})
