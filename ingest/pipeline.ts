import type { Logger, Reading } from '../core/index.js'
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { BatchWriter } from './batch-writer.js'
import { NotRunningError } from './errors.js'
import type { IngestMetrics } from './metrics.js'
import { ReadingQueue } from './reading-queue.js'
import type { TelemetryStore } from './types.js'
import { validateReadings } from './validate.js'

export interface PipelineOptions {
  store: TelemetryStore
  logger: Logger
  metrics: IngestMetrics
  batchSize: number
  flushIntervalMs: number
  /** Readings held in memory (queued + in flight) before accept() waits for room. */
  maxPending: number
  backoff?: Partial<BackoffOptions>
  random?: () => number
}

export interface PipelineStats {
  accepted: number
  stored: number
  pending: number
  /** Failed write attempts, retried or not. */
  failedWrites: number
}

interface RoomWaiter {
  readings: Reading[]
  resolve: () => void
  reject: (err: Error) => void
}

interface FlushWaiter {
  target: number
  resolve: () => void
}

type State = 'idle' | 'running' | 'stopping' | 'stopped'

/**
 * Accepted readings → batches → the store, one write in flight at a time and in acceptance
 * order, so a later value of a point can never be overtaken by an earlier one on retry.
 *
 * A batch goes out when it is full (batchSize), when its oldest reading has waited
 * flushIntervalMs, or when flush()/stop() asks. A failed batch is kept and retried with
 * backoff until it is stored; only a rejection of the data itself (HTTP 400 class) ends it.
 * Memory is bounded by maxPending: beyond it accept() waits (backpressure, so MQTT QoS 1
 * acknowledgements slow down) rather than dropping anything.
 */
export class Pipeline {
  readonly #options: PipelineOptions
  readonly #writer: BatchWriter
  readonly #queue = new ReadingQueue()
  #state: State = 'idle'
  #accepted = 0
  #stored = 0
  /** Readings taken out of the queue into batches, and readings whose batch has finished. */
  #taken = 0
  #done = 0
  #flushTarget = 0
  #isTimerDue = false
  #isDraining = false
  #timer: NodeJS.Timeout | undefined
  #drain: Promise<void> = Promise.resolve()
  #stopped: Promise<void> = Promise.resolve()
  #roomWaiters: RoomWaiter[] = []
  #flushWaiters: FlushWaiter[] = []

  constructor(options: PipelineOptions) {
    this.#options = options
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
    this.#writer = new BatchWriter({ ...options, backoff })
  }

  start(): void {
    if (this.#state !== 'idle') return
    this.#state = 'running'
  }

  /** Refuses new readings, then writes everything accepted, retrying as long as it takes. */
  stop(): Promise<void> {
    if (this.#state === 'running') this.#stopped = this.#stop()
    return this.#stopped
  }

  async #stop(): Promise<void> {
    this.#state = 'stopping'
    const refused = new NotRunningError('ingest is stopping; the readings were not accepted')
    for (const waiter of this.#roomWaiters.splice(0)) waiter.reject(refused)

    await this.flush()
    await this.#drain
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#state = 'stopped'
  }

  async accept(readings: Reading[]): Promise<void> {
    const state = this.#state
    if (state !== 'running') {
      const message = `ingest is ${state}; call start() before accept()`
      throw new NotRunningError(message, { details: { state } })
    }
    validateReadings(readings)
    if (readings.length === 0) return

    const copy = readings.slice()
    if (this.#roomWaiters.length === 0 && this.#hasRoomFor(copy.length)) {
      this.#enqueue(copy)
      return
    }
    await new Promise<void>((resolve, reject) => {
      this.#roomWaiters.push({ readings: copy, resolve, reject })
    })
  }

  /** Resolves once every reading accepted before the call is stored (or rejected as bad data). */
  async flush(): Promise<void> {
    const target = this.#accepted
    if (this.#done >= target) return
    this.#flushTarget = Math.max(this.#flushTarget, target)
    const flushed = new Promise<void>((resolve) => this.#flushWaiters.push({ target, resolve }))
    this.#kick()
    await flushed
  }

  stats(): PipelineStats {
    return {
      accepted: this.#accepted,
      stored: this.#stored,
      pending: this.#pending(),
      failedWrites: this.#writer.failedWrites,
    }
  }

  #pending(): number {
    return this.#accepted - this.#done
  }

  /** An oversized single call still gets in once everything before it is written. */
  #hasRoomFor(count: number): boolean {
    const pending = this.#pending()
    return pending === 0 || pending + count <= this.#options.maxPending
  }

  #enqueue(readings: Reading[]): void {
    this.#queue.push(readings)
    this.#accepted += readings.length
    this.#options.metrics.accepted.inc(readings.length)
    this.#options.metrics.pending.set(this.#pending())
    if (this.#queue.size >= this.#options.batchSize) this.#kick()
    else this.#armTimer()
  }

  /** Admits waiting accept() calls in arrival order, so none overtakes an earlier one. */
  #admitWaiters(): void {
    while (this.#roomWaiters.length > 0) {
      const next = this.#roomWaiters[0] as RoomWaiter
      if (!this.#hasRoomFor(next.readings.length)) return
      this.#roomWaiters.shift()
      this.#enqueue(next.readings)
      next.resolve()
    }
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#queue.size === 0) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#isTimerDue = this.#queue.size > 0
      this.#kick()
    }, this.#options.flushIntervalMs)
  }

  #kick(): void {
    if (this.#isDraining || (this.#state !== 'running' && this.#state !== 'stopping')) return
    this.#isDraining = true
    this.#drain = this.#drainLoop()
  }

  async #drainLoop(): Promise<void> {
    try {
      for (let batch = this.#nextBatch(); batch !== undefined; batch = this.#nextBatch()) {
        const isStored = await this.#writer.write(batch)
        this.#settle(batch.length, isStored)
      }
    } catch (err: unknown) {
      this.#options.logger.error({ err }, 'telemetry writer failed')
    } finally {
      // Runs in the same tick as the last #nextBatch(), so no #kick() in between misses work.
      this.#isDraining = false
    }
  }

  #nextBatch(): Reading[] | undefined {
    const size = this.#queue.size
    if (size === 0) return undefined
    const isFull = size >= this.#options.batchSize
    const isDue = this.#isTimerDue || this.#flushTarget > this.#taken || this.#state === 'stopping'
    if (!isFull && !isDue) return undefined

    const batch = this.#queue.take(this.#options.batchSize)
    this.#taken += batch.length
    if (this.#queue.size === 0) this.#isTimerDue = false
    else this.#armTimer()
    return batch
  }

  #settle(count: number, isStored: boolean): void {
    this.#done += count
    if (isStored) {
      this.#stored += count
      this.#options.metrics.stored.inc(count)
    }
    this.#options.metrics.pending.set(this.#pending())
    this.#admitWaiters()
    this.#resolveFlushes()
  }

  #resolveFlushes(): void {
    const waiting = this.#flushWaiters
    this.#flushWaiters = waiting.filter((waiter) => waiter.target > this.#done)
    for (const waiter of waiting) {
      if (waiter.target <= this.#done) waiter.resolve()
    }
  }
}
