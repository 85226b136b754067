import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createService, type Service } from '../../app/service.js'
import { createLogger, loadConfig, type Config, type Fleet, type Registry } from '../../core/index.js'
import { createInfluxStore } from '../../ingest/index.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { BENCH_METRICS, benchFleet } from './bench-fleet.js'
import { childCpuSeconds, mainThreadCpuSeconds, ownCpuSeconds } from './cpu.js'
import { forkGenerator } from './generator-process.js'
import { influxStatement } from './influx-admin.js'
import { LatencyHistogram, probeStore } from './latency.js'
import type { GeneratorReport } from './load-generator.js'

export interface PipelineRunOptions {
  influxd: InfluxdHandle
  devices: number
  window: number
  rate: number
  seconds: number
  batchSize: number
  flushIntervalMs: number
  writesInFlight: number
}

export interface PipelineRunResult {
  generator: GeneratorReport
  /** Readings InfluxDB confirmed, per second (the load, then the generator's drain). */
  storedPerSecond: number[]
  storedTotal: number
  latency: LatencyHistogram
  /** RSS in bytes, sampled every second. */
  rss: number[]
  /** V8 heap in use and memory outside it (Buffers), in bytes, sampled every second. */
  heapUsed: number[]
  external: number[]
  signals: number
  spoolBytesAtEnd: number
  /** Spool group commits (write + fdatasync): how many, and their mean duration. */
  spoolSyncs: { count: number, meanMs: number }
  /** Event-loop delay during the load (perf_hooks), ms. */
  loopDelay: { p50Ms: number, p99Ms: number, maxMs: number }
  /** CPU seconds during the load: this process (broker and pipeline), the generator, influxd. */
  cpuSeconds: { pipeline: number, generator: number, influxd: number, wallSeconds: number }
  /**
   * The event loop during the load: its CPU seconds, and the share of the wall time it was
   * busy (perf_hooks' event-loop utilisation). Busy time beyond its CPU time is time the loop
   * had work but the kernel ran another thread or process on the cores.
   */
  mainThread: { cpuSeconds: number, utilization: number }
}

interface Composition {
  service: Service
  latency: LatencyHistogram
  counts: { stored: number, signals: number }
}

/**
 * The service itself (app/service.ts): gateway with authentication, ACL and validation →
 * ingest.accept (awaited before the PUBACK) → models, asset board and dispatch, with the HTTP
 * API listening. Only the store is wrapped, to time every stored reading.
 */
function compose(config: Config, fleet: Fleet): Composition {
  // Errors only: the bench fleet's work orders escalate (no technician has the skill "bench"),
  // and a warning per work order would bury the figures.
  const logger = createLogger({ level: 'error', destination: process.stderr })
  const latency = new LatencyHistogram()
  const counts = { stored: 0, signals: 0 }
  const store = probeStore(createInfluxStore(config.influx), latency, (lines) => {
    counts.stored += lines
  })
  const onSignal = (): void => {
    counts.signals += 1
  }
  const service = createService({ config, fleet, logger, store, onSignal })
  return { service, latency, counts }
}

function benchConfig(options: PipelineRunOptions, dataDir: string, database: string): Config {
  const { influxd, batchSize, flushIntervalMs, writesInFlight } = options
  return loadConfig({
    env: {},
    overrides: {
      data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 }, log: { level: 'error' },
      influx: { url: influxd.url, database, batchSize, flushIntervalMs, maxWritesInFlight: writesInFlight },
    },
  })
}

/** Runs the load against a fresh database and spool and measures the pipeline meanwhile. */
export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'forewarn-bench-'))
  const database = `pipeline_${Date.now()}`
  await influxStatement(options.influxd, `CREATE DATABASE ${database}`)
  const { fleet, credentials } = benchFleet(options.devices)
  const parts = compose(benchConfig(options, dataDir, database), fleet)
  await parts.service.start()
  try {
    const generator = await forkGenerator({
      host: '127.0.0.1', port: Number(new URL(parts.service.mqttUrl).port), devices: credentials,
      metrics: BENCH_METRICS, durationMs: options.seconds * 1_000, window: options.window, rate: options.rate,
    })
    return await measure(parts, () => generator.run())
  } finally {
    await parts.service.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function measure(
  parts: Composition, run: () => Promise<GeneratorReport>,
): Promise<PipelineRunResult> {
  const rss: number[] = []
  const heapUsed: number[] = []
  const external: number[] = []
  const storedPerSecond: number[] = []
  let lastStored = 0
  const sampler = setInterval(() => {
    const memory = process.memoryUsage()
    rss.push(memory.rss)
    heapUsed.push(memory.heapUsed)
    external.push(memory.external)
    storedPerSecond.push(parts.counts.stored - lastStored)
    lastStored = parts.counts.stored
  }, 1_000)
  const before = {
    own: ownCpuSeconds(), main: mainThreadCpuSeconds(), influxd: childCpuSeconds('influxd'), at: performance.now(),
  }
  const loopBefore = performance.eventLoopUtilization()
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()

  const generator = await run()
  delay.disable()
  clearInterval(sampler)
  const cpuSeconds = {
    pipeline: ownCpuSeconds() - before.own,
    generator: generator.cpuSeconds,
    influxd: childCpuSeconds('influxd') - before.influxd,
    wallSeconds: (performance.now() - before.at) / 1_000,
  }
  const mainThread = {
    cpuSeconds: mainThreadCpuSeconds() - before.main,
    utilization: performance.eventLoopUtilization(loopBefore).utilization,
  }
  const { ingest, registry } = parts.service
  const spoolBytesAtEnd = ingest.stats().spoolBytes
  const spoolSyncs = await syncFigures(registry)
  await ingest.flush()
  const ms = (nanoseconds: number): number => Number((nanoseconds / 1e6).toFixed(1))
  return {
    generator, storedPerSecond, storedTotal: parts.counts.stored, latency: parts.latency, rss, heapUsed, external,
    signals: parts.counts.signals, spoolBytesAtEnd, spoolSyncs, cpuSeconds, mainThread,
    loopDelay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) },
  }
}

async function syncFigures(registry: Registry): Promise<{ count: number, meanMs: number }> {
  const name = 'forewarn_ingest_spool_sync_duration_seconds'
  const metric = await registry.getSingleMetric(name)?.get()
  // prom-client's JSON names each histogram series; its MetricValue type leaves that out.
  const values = (metric?.values ?? []) as Array<{ metricName?: string, value: number }>
  const value = (suffix: string): number => values.find((v) => v.metricName === `${name}_${suffix}`)?.value ?? 0
  const count = value('count')
  return { count, meanMs: count === 0 ? 0 : Number(((value('sum') / count) * 1_000).toFixed(2)) }
}
