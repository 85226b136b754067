import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Registry } from '../../core/index.js'
import { StoreUnavailableError, WriteFailedError, WriteRejectedError } from '../../ingest/index.js'
import { createIngestMetrics } from '../../ingest/metrics.js'
import { Pipeline, type PipelineOptions } from '../../ingest/pipeline.js'
import { FakeStore } from './fake-store.js'
import { memoryLogger, reading } from './fixtures.js'

function setup(options: Partial<PipelineOptions> = {}) {
  const store = new FakeStore()
  const registry = new Registry()
  const { logger, records } = memoryLogger()
  const pipeline = new Pipeline({
    store, logger, metrics: createIngestMetrics(registry),
    batchSize: 3, flushIntervalMs: 1_000, maxPending: 100, random: () => 1, ...options,
  })
  pipeline.start()
  return { store, pipeline, registry, records }
}

/** Readings whose times are 0..count-1 ms past T0, so order is visible in `time`. */
function readings(count: number, first = 0) {
  return Array.from({ length: count }, (_, i) => reading(first + i, first + i))
}

/** prom-client's JSON for histograms names each series, which its MetricValue type leaves out. */
type LatencyValue = { metricName?: string, labels: Record<string, unknown>, value: number }

const settle = () => vi.advanceTimersByTimeAsync(0)
const unavailable = () => new StoreUnavailableError('InfluxDB is unreachable (ECONNREFUSED)')

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('Pipeline batching', () => {
  it('writes full batches as soon as batchSize readings are queued', async () => {
    const { store, pipeline } = setup()

    await pipeline.accept(readings(7))
    await settle()

    expect(store.batches.map((b) => b.length)).toEqual([3, 3])
    expect(pipeline.stats()).toEqual({ accepted: 7, stored: 6, pending: 1, failedWrites: 0 })
  })

  it('writes a partial batch once its oldest reading has waited flushIntervalMs', async () => {
    const { store, pipeline } = setup()

    await pipeline.accept(readings(1))
    await vi.advanceTimersByTimeAsync(500)
    await pipeline.accept(readings(1, 1))
    await vi.advanceTimersByTimeAsync(499)
    expect(store.batches).toEqual([])

    await vi.advanceTimersByTimeAsync(1)
    expect(store.batches).toEqual([readings(2)])
  })

  it('keeps one write in flight and writes batches in acceptance order', async () => {
    const { store, pipeline } = setup({ batchSize: 2 })
    store.isHeld = true

    await pipeline.accept(readings(2))
    await pipeline.accept(readings(1, 2))
    await pipeline.accept(readings(3, 3))
    const flushed = pipeline.flush()
    while (store.held > 0) {
      store.releaseOne()
      await settle()
    }
    await flushed

    expect(store.maxInFlight).toBe(1)
    expect(store.written()).toEqual(readings(6))
  })

  it('flush() writes a partial batch at once and resolves when it is stored', async () => {
    const { store, pipeline } = setup()
    await pipeline.accept(readings(2))

    await pipeline.flush()

    expect(store.batches).toEqual([readings(2)])
    expect(pipeline.stats().pending).toBe(0)
  })
})

describe('Pipeline retries', () => {
  it('retries a failed batch with growing backoff until it is stored', async () => {
    const { store, pipeline } = setup()
    store.failures.push(unavailable(), unavailable(), unavailable())
    const start = Date.now()

    await pipeline.accept(readings(3))
    const flushed = pipeline.flush()
    await vi.advanceTimersByTimeAsync(1_000)
    await flushed

    expect(store.attempts.map((a) => a.at - start)).toEqual([0, 100, 300, 700])
    expect(pipeline.stats()).toEqual({ accepted: 3, stored: 3, pending: 0, failedWrites: 3 })
  })

  it('waits for the Retry-After the store reports before retrying', async () => {
    const { store, pipeline } = setup()
    store.failures.push(new WriteFailedError('throttled', { failure: 'throttled', points: 3, retryAfterMs: 3_000 }))
    const start = Date.now()

    await pipeline.accept(readings(3))
    await vi.advanceTimersByTimeAsync(2_999)
    expect(store.attempts).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(1)
    expect(store.attempts.map((a) => a.at - start)).toEqual([0, 3_000])
    expect(store.written()).toEqual(readings(3))
  })

  it('retries errors it does not recognise rather than dropping readings', async () => {
    const { store, pipeline } = setup()
    store.failures.push(new Error('store bug'))

    await pipeline.accept(readings(3))
    await vi.advanceTimersByTimeAsync(100)

    expect(store.attempts).toHaveLength(2)
    expect(store.written()).toEqual(readings(3))
  })

  it('drops a batch the store rejects as bad data, counts it and logs it at error', async () => {
    const { store, pipeline, records } = setup()
    const reason = 'partial write: field type conflict dropped=3'
    store.failures.push(new WriteRejectedError(`InfluxDB rejected the points: ${reason}`, {
      failure: 'rejected', points: 3, status: 400, reason,
    }))

    await pipeline.accept(readings(3))
    await pipeline.flush()

    expect(store.attempts).toHaveLength(1)
    expect(pipeline.stats()).toEqual({ accepted: 3, stored: 0, pending: 0, failedWrites: 1 })
    expect(records.find((r) => r.level === 50)).toMatchObject({
      msg: 'telemetry batch rejected by the store', points: 3, reason,
      code: 'FW_ERR_ING_WRITE_REJECTED', err: { message: `InfluxDB rejected the points: ${reason}` },
    })
  })

  it('logs a long outage at warn on attempts 1, 2, 4 and 8 only', async () => {
    const { store, pipeline, records } = setup({ backoff: { initialMs: 1, maxMs: 1 } })
    store.failures.push(...Array.from({ length: 9 }, unavailable))

    await pipeline.accept(readings(3))
    const flushed = pipeline.flush()
    await vi.advanceTimersByTimeAsync(100)
    await flushed

    const warned = records.filter((r) => r.level === 40).map((r) => r.attempt)
    expect(warned).toEqual([1, 2, 4, 8])
    expect(records.find((r) => r.msg === 'telemetry store recovered')).toMatchObject({ attempts: 10, points: 3 })
  })
})

describe('Pipeline backpressure', () => {
  it('makes accept() wait while the buffer is full and admits waiting callers in order', async () => {
    const { store, pipeline } = setup({ batchSize: 2, maxPending: 4 })
    store.isHeld = true
    const admitted: string[] = []

    await pipeline.accept(readings(4))
    const first = pipeline.accept(readings(1, 4)).then(() => admitted.push('first'))
    const second = pipeline.accept(readings(1, 5)).then(() => admitted.push('second'))
    await settle()
    expect(admitted).toEqual([])
    expect(pipeline.stats().pending).toBe(4)

    store.releaseOne()
    await Promise.all([first, second])
    expect(admitted).toEqual(['first', 'second'])

    store.isHeld = false
    while (store.held > 0) store.releaseOne()
    await pipeline.flush()
    expect(store.written()).toEqual(readings(6))
  })

  it('lets one call larger than maxPending in once the buffer is empty', async () => {
    const { store, pipeline } = setup({ maxPending: 2 })

    await pipeline.accept(readings(5))
    await pipeline.flush()

    expect(store.written()).toEqual(readings(5))
  })
})

describe('Pipeline accept() and lifecycle', () => {
  it('rejects a call with an invalid reading without queueing any of it', async () => {
    const { pipeline } = setup()

    await expect(pipeline.accept([reading(0, 1), reading(1, Number.NaN)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_READING_INVALID', message: 'readings[1].value must be a finite number, got NaN',
    })
    await expect(pipeline.accept([reading(0, 1, { metric: 'a\nb' })])).rejects.toMatchObject({
      code: 'FW_ERR_ING_READING_INVALID', details: { index: 0, field: 'metric' },
    })
    expect(pipeline.stats().accepted).toBe(0)
  })

  it('refuses readings before start() and after stop()', async () => {
    const { logger } = memoryLogger()
    const idle = new Pipeline({
      store: new FakeStore(), logger, metrics: createIngestMetrics(new Registry()),
      batchSize: 3, flushIntervalMs: 1_000, maxPending: 100,
    })
    const { pipeline } = setup()
    await pipeline.stop()

    await expect(idle.accept(readings(1))).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
    await expect(pipeline.accept(readings(1))).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
  })

  it('stop() writes what is buffered and leaves no timer behind', async () => {
    const { store, pipeline } = setup()
    await pipeline.accept(readings(2))

    await pipeline.stop()

    expect(store.written()).toEqual(readings(2))
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop() refuses callers still waiting for room but writes everything accepted', async () => {
    const { store, pipeline } = setup({ batchSize: 2, maxPending: 2 })
    store.isHeld = true
    await pipeline.accept(readings(2))
    const waiting = pipeline.accept(readings(1, 2))

    const stopped = pipeline.stop()
    await expect(waiting).rejects.toMatchObject({ code: 'FW_ERR_ING_NOT_RUNNING' })
    store.releaseOne()
    await stopped

    expect(store.written()).toEqual(readings(2))
  })
})

describe('Pipeline metrics', () => {
  it('counts accepted, stored and failed writes, and tracks pending and write latency', async () => {
    const { store, pipeline, registry } = setup()
    store.failures.push(unavailable())

    await pipeline.accept(readings(3))
    const flushed = pipeline.flush()
    await vi.advanceTimersByTimeAsync(100)
    await flushed

    const metrics = await registry.getMetricsAsJSON()
    const values = (name: string) => metrics.find((m) => m.name === name)?.values
    expect(values('forewarn_ingest_readings_accepted_total')).toEqual([{ value: 3, labels: {} }])
    expect(values('forewarn_ingest_readings_stored_total')).toEqual([{ value: 3, labels: {} }])
    expect(values('forewarn_ingest_write_failures_total')).toEqual([{ value: 1, labels: { reason: 'unavailable' } }])
    expect(values('forewarn_ingest_pending_readings')).toEqual([{ value: 0, labels: {} }])
    const latency = (values('forewarn_ingest_write_duration_seconds') ?? []) as Array<LatencyValue>
    const counts = latency.filter((v) => v.metricName === 'forewarn_ingest_write_duration_seconds_count')
    expect(counts.map((v) => [v.labels.outcome, v.value])).toEqual([['failed', 1], ['ok', 1]])
  })
})
