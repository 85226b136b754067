import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TelemetryStore } from '../../ingest/index.js'
import { T0, reading } from './fixtures.js'

/** Makes an opened store on empty storage, and cleans it up after the test. */
export interface StoreHarness {
  fresh(): Promise<TelemetryStore>
}

const MINUTE = 60_000

/** A range query on the fixtures' default series, pump-1 temperature. */
export function pump1(from: number, to: number) {
  return { assetId: 'pump-1', metric: 'temperature', from, to }
}

/**
 * The behaviour both telemetry stores promise, run against each (InfluxDB and SQLite), so
 * the embedded store can stand in for InfluxDB without callers noticing.
 */
export function describeStoreBehaviour(name: string, harness: StoreHarness): void {
  describe(`${name} store behaviour`, () => {
    let store: TelemetryStore

    beforeEach(async () => {
      store = await harness.fresh()
    })

    afterEach(async () => {
      await store.close()
    })

    it('returns written readings in time order with exact values', async () => {
      await store.write([reading(2_000, 21.25), reading(0, -3.5), reading(1_000, 1e-7)])

      const points = await store.query(pump1(T0, T0 + MINUTE))

      expect(points).toEqual([
        { time: T0, value: -3.5 },
        { time: T0 + 1_000, value: 1e-7 },
        { time: T0 + 2_000, value: 21.25 },
      ])
      expect(await store.count({ assetId: 'pump-1', metric: 'temperature' })).toBe(3)
    })

    it('stores an integer value and a later fractional value of one metric', async () => {
      await store.write([reading(0, 20)])
      await store.write([reading(1_000, 20.5)])

      const points = await store.query(pump1(T0, T0 + MINUTE))

      expect(points).toEqual([{ time: T0, value: 20 }, { time: T0 + 1_000, value: 20.5 }])
    })

    it('keeps one point when the same reading is written twice (a resent message)', async () => {
      await store.write([reading(0, 1), reading(1_000, 5)])
      await store.write([reading(0, 1), reading(1_000, 5)])

      const points = await store.query(pump1(T0, T0 + MINUTE))

      expect(points).toEqual([{ time: T0, value: 1 }, { time: T0 + 1_000, value: 5 }])
      expect(await store.count({})).toBe(2)
    })

    it('keeps both readings when a clock steps back and repeats a millisecond with another value', async () => {
      await store.write([reading(0, 1), reading(1_000, 5)])
      await store.write([reading(0, 2)])

      const points = await store.query(pump1(T0, T0 + MINUTE))

      expect(points.filter((p) => p.time === T0).map((p) => p.value).sort()).toEqual([1, 2])
      expect(await store.count({})).toBe(3)
    })

    it('queries the half-open range [from, to)', async () => {
      await store.write([reading(0, 1), reading(1_000, 2), reading(2_000, 3)])

      const points = await store.query(pump1(T0 + 1_000, T0 + 2_000))

      expect(points).toEqual([{ time: T0 + 1_000, value: 2 }])
    })

    it('downsamples into epoch-aligned buckets, leaving out empty ones', async () => {
      await store.write([
        reading(0, 1), reading(30_000, 3),
        reading(MINUTE, 10), reading(MINUTE + 1, 20), reading(MINUTE + 59_999, 60),
        reading(3 * MINUTE + 5, 7),
      ])
      const base = { ...pump1(T0 + 10_000, T0 + 4 * MINUTE), everyMs: MINUTE }

      const buckets = (second: number) => [
        { time: T0, value: 3 },
        { time: T0 + MINUTE, value: second },
        { time: T0 + 3 * MINUTE, value: 7 },
      ]

      expect(await store.query({ ...base, aggregate: 'mean' })).toEqual(buckets(30))
      expect(await store.query({ ...base, aggregate: 'min' })).toEqual(buckets(10))
      expect(await store.query({ ...base, aggregate: 'max' })).toEqual(buckets(60))
      expect(await store.query(base)).toEqual(buckets(30))
    })

    it('applies limit and offset to raw points and to buckets', async () => {
      await store.write([0, 1, 2, 3, 4].map((i) => reading(i * MINUTE, i)))
      const base = pump1(T0, T0 + 10 * MINUTE)

      expect(await store.query({ ...base, limit: 2, offset: 1 })).toEqual([
        { time: T0 + MINUTE, value: 1 }, { time: T0 + 2 * MINUTE, value: 2 },
      ])
      expect(await store.query({ ...base, offset: 3 })).toEqual([
        { time: T0 + 3 * MINUTE, value: 3 }, { time: T0 + 4 * MINUTE, value: 4 },
      ])
      const bucketed = { ...base, everyMs: 2 * MINUTE, aggregate: 'max' as const }
      expect(await store.query({ ...bucketed, limit: 1, offset: 1 })).toEqual([
        { time: T0 + 2 * MINUTE, value: 3 },
      ])
    })

    it('round-trips ids with spaces, commas, equals signs, quotes and non-ASCII', async () => {
      const assetId = 'pump 7,a=b "x" it\'s'
      const metric = 'temp °C, inlet'
      await store.write([reading(0, 4.5, { assetId, metric }), reading(0, 9, { metric: 'other' })])

      const points = await store.query({ assetId, metric, from: T0, to: T0 + MINUTE })

      expect(points).toEqual([{ time: T0, value: 4.5 }])
      expect(await store.count({ assetId })).toBe(1)
      expect(await store.count({ metric })).toBe(1)
    })

    it('counts by asset, metric and time range', async () => {
      await store.write([
        reading(0, 1), reading(1_000, 2), reading(2_000, 3),
        reading(0, 1, { metric: 'vibration' }),
        reading(0, 1, { assetId: 'pump-2', deviceId: 'dev-2' }),
      ])

      expect(await store.count({})).toBe(5)
      expect(await store.count({ assetId: 'pump-1' })).toBe(4)
      expect(await store.count({ metric: 'temperature' })).toBe(4)
      expect(await store.count(pump1(T0 + 1_000, T0 + 2_000))).toBe(1)
      expect(await store.count({ assetId: 'nobody' })).toBe(0)
    })

    it('returns no points for a series that has none', async () => {
      await store.write([reading(0, 1)])

      expect(await store.query({ ...pump1(T0, T0 + MINUTE), metric: 'pressure' })).toEqual([])
      expect(await store.query(pump1(T0, T0))).toEqual([])
    })

    it('rejects an unusable query with FW_ERR_ING_QUERY_INVALID naming the field', async () => {
      const base = pump1(T0, T0 + MINUTE)

      await expect(store.query({ ...base, to: T0 - 1 })).rejects.toMatchObject({
        code: 'FW_ERR_ING_QUERY_INVALID', details: { field: 'to' },
      })
      await expect(store.query({ ...base, everyMs: 0 }))
        .rejects.toMatchObject({ details: { field: 'everyMs' } })
      await expect(store.query({ ...base, aggregate: 'max' }))
        .rejects.toMatchObject({ details: { field: 'aggregate' } })
      await expect(store.count({ from: 1.5 }))
        .rejects.toMatchObject({ code: 'FW_ERR_ING_QUERY_INVALID' })
    })

    it('answers ping while open', async () => {
      expect(await store.ping()).toBe(true)
    })
  })
}
