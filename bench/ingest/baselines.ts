import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import type { Reading } from '../../core/index.js'
import { createInfluxStore, toLines } from '../../ingest/index.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { BENCH_METRICS } from './bench-fleet.js'
import { forkGenerator } from './generator-process.js'
import { influxStatement } from './influx-admin.js'
import type { GeneratorJob } from './load-generator.js'

const ASSETS = 1_000
const TAGS = { siteId: 'bench-site', customerId: 'bench-customer', equipmentType: 'bench-motor' }

/** Makes line-protocol bodies of `batchSize` readings: 1,000 assets × 4 metrics, a second apart. */
export function bulkBodies(batchSize: number): () => Buffer {
  const start = Date.now() - 86_400_000
  let n = 0
  const next = (): Reading => {
    const i = n++
    const asset = Math.floor(i / BENCH_METRICS.length) % ASSETS
    return {
      deviceId: `bench-dev-${asset}`, assetId: `bench-motor-${asset}`,
      metric: BENCH_METRICS[i % BENCH_METRICS.length] as string,
      time: start + Math.floor(i / (ASSETS * BENCH_METRICS.length)) * 1_000,
      value: 50 + (i % 997) / 100, tags: TAGS,
    }
  }
  return () => Buffer.from(toLines(Array.from({ length: batchSize }, next)))
}

/**
 * influxd's bulk write speed through the adapter the pipeline uses: bodies of batchSize
 * points, `inFlight` writes at a time, as fast as influxd answers (the next body is built
 * while the writes are in flight). Points per second.
 */
export async function influxBulkRate(
  influxd: InfluxdHandle, options: { seconds: number, batchSize: number, inFlight: number },
): Promise<number> {
  const database = `bulk_${Date.now()}`
  await influxStatement(influxd, `CREATE DATABASE ${database}`)
  const store = createInfluxStore({ url: influxd.url, database })
  await store.open()
  const nextBody = bulkBodies(options.batchSize)

  let points = 0
  const startedAt = performance.now()
  const until = startedAt + options.seconds * 1_000
  const writer = async (): Promise<void> => {
    while (performance.now() < until) {
      await store.writeLines(nextBody(), { points: options.batchSize })
      points += options.batchSize
    }
  }
  await Promise.all(Array.from({ length: options.inFlight }, writer))
  const elapsed = (performance.now() - startedAt) / 1_000
  await store.close()
  await influxStatement(influxd, `DROP DATABASE ${database}`)
  return points / elapsed
}

/** The broker alone: aedes accepting every session and publish, no work per message. */
export async function aedesAloneRate(job: Omit<GeneratorJob, 'host' | 'port'>): Promise<number> {
  const broker = await Aedes.createBroker({ maxClientsIdLength: 64 })
  const server = createServer((socket) => broker.handle(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  try {
    const generator = await forkGenerator({ ...job, host: '127.0.0.1', port })
    const report = await generator.run()
    return steadyRate(report.perSecond)
  } finally {
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** Mean per-second rate without the first second (sessions warming up) and the last (partial). */
export function steadyRate(perSecond: number[]): number {
  const steady = perSecond.length > 3 ? perSecond.slice(1, -1) : perSecond
  return steady.length === 0 ? 0 : steady.reduce((a, b) => a + b, 0) / steady.length
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? Number.NaN
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2
}
