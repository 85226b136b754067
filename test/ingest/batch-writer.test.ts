import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Registry } from '../../core/index.js'
import { StoreUnavailableError, WriteFailedError, WriteRejectedError, toLine } from '../../ingest/index.js'
import { BatchWriter } from '../../ingest/batch-writer.js'
import { DEFAULT_BACKOFF } from '../../ingest/backoff.js'
import { DeadLetterList } from '../../ingest/dead-letters.js'
import { createIngestMetrics } from '../../ingest/metrics.js'
import { FakeStore } from './fake-store.js'
import { memoryLogger, reading } from './fixtures.js'

function setup(backoff = DEFAULT_BACKOFF) {
  const store = new FakeStore()
  const registry = new Registry()
  const { logger, records } = memoryLogger()
  const deadLetters = new DeadLetterList()
  const writer = new BatchWriter({
    store, logger, metrics: createIngestMetrics(registry), backoff, deadLetters, random: () => 1,
  })
  return { store, writer, registry, records, deadLetters }
}

/** Readings whose times are 0..count-1 ms past T0, so order is visible in `time`. */
function readings(count: number, first = 0) {
  return Array.from({ length: count }, (_, i) => reading(first + i, first + i))
}

const lines = (count: number, first = 0) => readings(count, first).map((r) => Buffer.from(toLine(r)))
const unavailable = () => new StoreUnavailableError('InfluxDB is unreachable (ECONNREFUSED)')
const never = new AbortController().signal

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('BatchWriter retries', () => {
  it('retries a failed batch with growing backoff until it is stored', async () => {
    const { store, writer } = setup()
    store.failures.push(unavailable(), unavailable(), unavailable())
    const start = Date.now()

    const written = writer.write(lines(3), 3, never)
    await vi.advanceTimersByTimeAsync(1_000)

    expect(await written).toEqual({ stored: 3, deadLettered: 0 })
    expect(store.attempts.map((a) => a.at - start)).toEqual([0, 100, 300, 700])
    expect(writer.failedWrites).toBe(3)
  })

  it('waits for the Retry-After the store reports before retrying', async () => {
    const { store, writer } = setup()
    store.failures.push(new WriteFailedError('throttled', { failure: 'throttled', points: 3, retryAfterMs: 3_000 }))
    const start = Date.now()

    const written = writer.write(lines(3), 3, never)
    await vi.advanceTimersByTimeAsync(2_999)
    expect(store.attempts).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(1)
    await written
    expect(store.attempts.map((a) => a.at - start)).toEqual([0, 3_000])
    expect(store.written()).toEqual(readings(3))
  })

  it('retries errors it does not recognise rather than dropping readings', async () => {
    const { store, writer } = setup()
    store.failures.push(new Error('store bug'))

    const written = writer.write(lines(3), 3, never)
    await vi.advanceTimersByTimeAsync(100)

    expect(await written).toEqual({ stored: 3, deadLettered: 0 })
    expect(store.attempts).toHaveLength(2)
  })

  it('stops retrying when its signal aborts and reports nothing as stored', async () => {
    const { store, writer } = setup()
    store.failures.push(...Array.from({ length: 100 }, unavailable))
    const abort = new AbortController()

    const written = writer.write(lines(3), 3, abort.signal)
    await vi.advanceTimersByTimeAsync(2_000)
    abort.abort()

    expect(await written).toBeUndefined()
    expect(store.written()).toEqual([])
  })

  it('logs a long outage at warn on attempts 1, 2, 4 and 8 only', async () => {
    const { store, writer, records } = setup({ ...DEFAULT_BACKOFF, initialMs: 1, maxMs: 1 })
    store.failures.push(...Array.from({ length: 9 }, unavailable))

    const written = writer.write(lines(3), 3, never)
    await vi.advanceTimersByTimeAsync(100)
    await written

    const warned = records.filter((r) => r.level === 40).map((r) => r.attempt)
    expect(warned).toEqual([1, 2, 4, 8])
    expect(records.find((r) => r.msg === 'telemetry store recovered')).toMatchObject({ attempts: 10, points: 3 })
  })
})

describe('BatchWriter refusals', () => {
  const conflict = 'field type conflict: input field "value" on measurement "telemetry" is type float, '
    + 'already exists as type integer'

  it('stores the good lines of a refused batch and dead-letters the bad ones with the store\'s reason', async () => {
    const { store, writer, deadLetters } = setup()
    store.refuse = (r) => (r.value === 2 || r.value === 5 ? conflict : undefined)

    const result = await writer.write(lines(8), 8, never)

    expect(result).toEqual({ stored: 6, deadLettered: 2 })
    expect(new Set(store.written().map((r) => r.value))).toEqual(new Set([0, 1, 3, 4, 6, 7]))
    expect(deadLetters.list().map((d) => [d.reading?.value, d.kind, d.reason, d.status])).toEqual([
      [2, 'field_type_conflict', `partial write: ${conflict} dropped=1`, 400],
      [5, 'field_type_conflict', `partial write: ${conflict} dropped=1`, 400],
    ])
  })

  it('dead-letters a whole slice at once when InfluxDB reports every line dropped', async () => {
    const { store, writer, registry } = setup()
    store.refuse = () => 'points beyond retention policy'

    const result = await writer.write(lines(4), 4, never)

    expect(result).toEqual({ stored: 0, deadLettered: 4 })
    expect(store.attempts).toHaveLength(1)
    const metric = await registry.getSingleMetric('forewarn_ingest_dead_letters_total')?.get()
    expect(metric?.values).toEqual([{ value: 4, labels: { reason: 'beyond_retention' } }])
  })

  it('halves a batch refused as too large until the parts fit', async () => {
    const { store, writer } = setup()
    const tooLarge = () => new WriteRejectedError('too large', {
      failure: 'rejected', points: 4, status: 413, reason: 'Request Entity Too Large',
    })
    store.failures.push(tooLarge(), tooLarge())

    const result = await writer.write(lines(4), 4, never)

    expect(result).toEqual({ stored: 4, deadLettered: 0 })
    expect(store.attempts.map((a) => a.readings.length)).toEqual([4, 2, 1, 1, 2])
  })

  it('logs each dead-lettered slice at error with its size and reason', async () => {
    const { store, writer, records } = setup()
    store.refuse = (r) => (r.value === 1 ? conflict : undefined)

    await writer.write(lines(2), 2, never)

    expect(records.find((r) => r.level === 50)).toMatchObject({
      msg: 'telemetry readings refused by the store were dead-lettered', points: 1,
      code: 'FW_ERR_ING_WRITE_REJECTED', kind: 'field_type_conflict', reason: `partial write: ${conflict} dropped=1`,
    })
  })
})
