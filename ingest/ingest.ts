import { join } from 'node:path'
import type { Config, Logger, Reading, Registry } from '../core/index.js'
import { DeadLetterList, type DeadLetter } from './dead-letters.js'
import { createEmbeddedStore } from './embedded-store.js'
import { createInfluxStore } from './influx-store.js'
import { createIngestMetrics } from './metrics.js'
import { Pipeline, type PipelineStats } from './pipeline.js'
import type { CountQuery, RangeQuery, SeriesPoint, TelemetryStore } from './types.js'

export interface IngestDeps {
  config: Config
  logger: Logger
  metrics: Registry
  /** Overrides the store chosen from config (tests, or a composition root that shares one). */
  store?: TelemetryStore
}

export interface Ingest {
  /** Opens the spool (replaying what an earlier run left), then the store. */
  start(): Promise<void>
  /**
   * Refuses new readings, writes what it can within spool.stopTimeoutMs, leaves the rest in
   * the spool for the next start, then closes the store.
   */
  stop(): Promise<void>
  /** Resolves once the readings are durable in the on-disk spool (written with O_DSYNC). */
  accept(readings: Reading[]): Promise<void>
  /** Resolves when everything accepted so far is stored or dead-lettered (retries included). */
  flush(): Promise<void>
  query(q: RangeQuery): Promise<SeriesPoint[]>
  count(q: CountQuery): Promise<number>
  isReady(): Promise<boolean>
  stats(): PipelineStats
  /** The newest readings the store refused for good, oldest first, with the store's reason. */
  deadLetters(): DeadLetter[]
  /** Every dead letter since start, including those no longer held. */
  readonly deadLetterTotal: number
  readonly store: TelemetryStore
}

/** Segments are started at this size; a small file is deleted soon after it is stored. */
const SEGMENT_BYTES = 16 * 1024 * 1024

/** The file the embedded store uses under data.dir. */
export function embeddedStoreFile(config: Config): string {
  return join(config.data.dir, 'telemetry.sqlite')
}

/** The spool directory: spool.dir, or <data.dir>/spool. */
export function spoolDirectory(config: Config): string {
  return config.spool.dir === '' ? join(config.data.dir, 'spool') : config.spool.dir
}

function storeFromConfig(config: Config, logger: Logger): TelemetryStore {
  if (config.influx.url === '') return createEmbeddedStore({ file: embeddedStoreFile(config) })
  return createInfluxStore({ ...config.influx, logger })
}

type State = 'idle' | 'running' | 'stopped'

/** The lifecycle around one store and one pipeline; stats and readiness read through. */
class IngestService implements Ingest {
  readonly store: TelemetryStore
  readonly #pipeline: Pipeline
  readonly #deadLetters: DeadLetterList
  readonly #logger: Logger
  #state: State = 'idle'
  #stopped: Promise<void> = Promise.resolve()

  constructor(parts: {
    store: TelemetryStore
    pipeline: Pipeline
    deadLetters: DeadLetterList
    logger: Logger
  }) {
    this.store = parts.store
    this.#pipeline = parts.pipeline
    this.#deadLetters = parts.deadLetters
    this.#logger = parts.logger
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return
    await this.store.open()
    try {
      await this.#pipeline.start()
    } catch (err: unknown) {
      await this.store.close()
      throw err
    }
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

  stats(): PipelineStats {
    return this.#pipeline.stats()
  }

  deadLetters(): DeadLetter[] {
    return this.#deadLetters.list()
  }

  get deadLetterTotal(): number {
    return this.#deadLetters.total
  }
}

/** Wires the store (from config unless given), the spool, the pipeline and the metrics. */
export function createIngest(deps: IngestDeps): Ingest {
  const { config } = deps
  const logger = deps.logger.child({ module: 'ingest' })
  const store = deps.store ?? storeFromConfig(config, logger)
  const deadLetters = new DeadLetterList()
  const pipeline = new Pipeline({
    store,
    logger,
    metrics: createIngestMetrics(deps.metrics),
    deadLetters,
    spool: {
      dir: spoolDirectory(config),
      maxBytes: config.spool.maxBytes,
      maxMemoryBytes: config.spool.maxMemoryBytes,
      segmentBytes: SEGMENT_BYTES,
    },
    batchSize: config.influx.batchSize,
    maxBatchBytes: config.influx.maxBatchBytes,
    flushIntervalMs: config.influx.flushIntervalMs,
    maxWritesInFlight: config.influx.maxWritesInFlight,
    stopTimeoutMs: config.spool.stopTimeoutMs,
  })
  return new IngestService({ store, pipeline, deadLetters, logger })
}
