import { join } from 'node:path'
import type { Config, Logger, Reading, Registry } from '../core/index.js'
import { createEmbeddedStore } from './embedded-store.js'
import { createInfluxStore } from './influx-store.js'
import { createIngestMetrics } from './metrics.js'
import { Pipeline } from './pipeline.js'
import type { CountQuery, RangeQuery, SeriesPoint, TelemetryStore } from './types.js'

export interface IngestDeps {
  config: Config
  logger: Logger
  metrics: Registry
  /** Overrides the store chosen from config (tests, or a composition root that shares one). */
  store?: TelemetryStore
}

export interface Ingest {
  start(): Promise<void>
  /** Flushes everything buffered, then closes the store. */
  stop(): Promise<void>
  /** Resolves once the readings are queued for writing (later: durably spooled). */
  accept(readings: Reading[]): Promise<void>
  /** Resolves when everything accepted so far is stored (retries included). */
  flush(): Promise<void>
  query(q: RangeQuery): Promise<SeriesPoint[]>
  count(q: CountQuery): Promise<number>
  isReady(): Promise<boolean>
  /** failedWrites counts failed write attempts, retried or not. */
  stats(): { accepted: number, stored: number, pending: number, failedWrites: number }
  readonly store: TelemetryStore
}

/**
 * The in-memory buffer holds at most this many batches (never fewer than MIN_PENDING_READINGS
 * readings): with the defaults 20 × 5000 = 100,000 readings, some tens of MB, which rides out
 * a store outage of a minute or more at 1,000 readings/s before accept() starts to wait.
 */
const MAX_PENDING_BATCHES = 20
const MIN_PENDING_READINGS = 10_000

/** The file the embedded store uses under data.dir. */
export function embeddedStoreFile(config: Config): string {
  return join(config.data.dir, 'telemetry.sqlite')
}

function storeFromConfig(config: Config): TelemetryStore {
  if (config.influx.url === '') return createEmbeddedStore({ file: embeddedStoreFile(config) })
  return createInfluxStore(config.influx)
}

type State = 'idle' | 'running' | 'stopped'

/** The lifecycle around one store and one pipeline; stats and readiness read through. */
class IngestService implements Ingest {
  readonly store: TelemetryStore
  readonly #pipeline: Pipeline
  readonly #logger: Logger
  #state: State = 'idle'
  #stopped: Promise<void> = Promise.resolve()

  constructor(store: TelemetryStore, pipeline: Pipeline, logger: Logger) {
    this.store = store
    this.#pipeline = pipeline
    this.#logger = logger
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return
    await this.store.open()
    this.#pipeline.start()
    this.#state = 'running'
    this.#logger.info({ store: this.store.kind }, 'ingest started')
  }

  stop(): Promise<void> {
    if (this.#state === 'running') this.#stopped = this.#stop()
    this.#state = 'stopped'
    return this.#stopped
  }

  async #stop(): Promise<void> {
    await this.#pipeline.stop()
    await this.store.close()
    this.#logger.info({ store: this.store.kind, ...this.#pipeline.stats() }, 'ingest stopped')
  }

  accept(readings: Reading[]): Promise<void> {
    return this.#pipeline.accept(readings)
  }

  flush(): Promise<void> {
    return this.#pipeline.flush()
  }

  query(q: RangeQuery): Promise<SeriesPoint[]> {
    return this.store.query(q)
  }

  count(q: CountQuery): Promise<number> {
    return this.store.count(q)
  }

  async isReady(): Promise<boolean> {
    return this.#state === 'running' && this.store.ping()
  }

  stats(): { accepted: number, stored: number, pending: number, failedWrites: number } {
    return this.#pipeline.stats()
  }
}

/** Wires the store (from config unless given), the batching pipeline and the ingest metrics. */
export function createIngest(deps: IngestDeps): Ingest {
  const { config } = deps
  const logger = deps.logger.child({ module: 'ingest' })
  const store = deps.store ?? storeFromConfig(config)
  const pipeline = new Pipeline({
    store,
    logger,
    metrics: createIngestMetrics(deps.metrics),
    batchSize: config.influx.batchSize,
    flushIntervalMs: config.influx.flushIntervalMs,
    maxPending: Math.max(config.influx.batchSize * MAX_PENDING_BATCHES, MIN_PENDING_READINGS),
  })
  return new IngestService(store, pipeline, logger)
}
