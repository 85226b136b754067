import type { Logger } from '../core/index.js'
import type { BatchWriter, WriteResult } from './batch-writer.js'
import { sleep } from './sleep.js'
import type { Batch, BatchLimits, SpoolFeed } from './spool-feed.js'
import type { SpoolLog } from './spool-log.js'

export interface DrainerOptions {
  feed: SpoolFeed
  writer: BatchWriter
  log: SpoolLog
  limits: BatchLimits
  /** Longest a reading held in memory waits for a batch to fill. */
  flushIntervalMs: number
  /** Batches written at the same time at most. */
  maxInFlight: number
  logger: Logger
  /** True while a flush() or stop() wants partial batches written now. */
  isForced: () => boolean
  /** Called after the spool's cursor has moved past a written batch. */
  onCommitted: (batch: Batch, result: WriteResult) => void
}

/** A spool read failed (an I/O error): wait this long, then read again. */
const READ_RETRY_MS = 1_000
/** How long stop() waits for a write that does not end when aborted. */
const ABANDON_AFTER_MS = 1_000

/** A batch being written; `result` is undefined until finished, and after an abort. */
interface InFlight {
  batch: Batch
  result: WriteResult | undefined
  isFinished: boolean
  done: Promise<void>
}

/** A wake-up that is not lost when it arrives while nobody waits. */
class Wakeup {
  #isPending = false
  #resolve: (() => void) | undefined

  notify(): void {
    const resolve = this.#resolve
    this.#resolve = undefined
    if (resolve === undefined) this.#isPending = true
    else resolve()
  }

  wait(): Promise<void> {
    if (this.#isPending) {
      this.#isPending = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#resolve = resolve
    })
  }
}

/**
 * The writer: takes batches from the spool in order and writes each until the store has it
 * (BatchWriter), up to maxInFlight at a time, so one slow round trip does not idle the
 * store. The spool's cursor moves only over a contiguous prefix of stored batches, so a
 * crash replays from the oldest unfinished one. Writes may finish out of order; that cannot
 * change what is stored, because every point is identified by series, millisecond and value
 * (point-identity.ts) and writing it again or later rewrites the same point.
 */
export class Drainer {
  readonly #options: DrainerOptions
  readonly #abort = new AbortController()
  readonly #wakeup = new Wakeup()
  #timer: NodeJS.Timeout | undefined
  #loop: Promise<void> = Promise.resolve()
  #inFlight: InFlight[] = []

  constructor(options: DrainerOptions) {
    this.#options = options
  }

  start(): void {
    this.#loop = this.#run().catch((err: unknown) => {
      this.#options.logger.error({ err }, 'telemetry writer failed')
    })
  }

  /** Something changed (new frames, a flush, a stop): look for a batch again. */
  wake(): void {
    this.#wakeup.notify()
  }

  /**
   * Abandons any write in flight (its batch stays in the spool) and ends the loop. A store
   * that ignores the abort is not waited for beyond ABANDON_AFTER_MS: whatever it answers
   * later is ignored, so the batch is written again by the next run (idempotently).
   */
  async stop(): Promise<void> {
    this.#abort.abort()
    this.#wakeup.notify()
    clearTimeout(this.#timer)
    this.#timer = undefined
    let timer: NodeJS.Timeout | undefined
    const abandoned = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ABANDON_AFTER_MS)
    })
    const isAbandoned = await Promise.race([this.#loop.then(() => false), abandoned])
    clearTimeout(timer)
    if (!isAbandoned) return
    const fields = { durationMs: ABANDON_AFTER_MS }
    this.#options.logger.warn(fields, 'telemetry write in flight was abandoned')
  }

  async #run(): Promise<void> {
    const { signal } = this.#abort
    while (!signal.aborted) {
      if (this.#inFlight.length >= this.#options.maxInFlight) {
        await this.#wakeup.wait()
        continue
      }
      const batch = await this.#nextBatch(signal)
      if (signal.aborted) break
      if (batch === 'retry') continue
      if (batch === undefined) {
        this.#armTimer()
        await this.#wakeup.wait()
        continue
      }
      this.#startWrite(batch, signal)
    }
    await Promise.all(this.#inFlight.map((write) => write.done))
  }

  /** Writes run side by side; the cursor moves only over a prefix of finished ones, in order. */
  #startWrite(batch: Batch, signal: AbortSignal): void {
    const write: InFlight = { batch, result: undefined, isFinished: false, done: Promise.resolve() }
    const { writer, logger } = this.#options
    write.done = writer.write(batch.parts, batch.lines, signal).then((result) => {
      write.result = result
      write.isFinished = true
      this.#commitFinished()
      this.#wakeup.notify()
    }).catch((err: unknown) => {
      // A bug, not a store failure (those are retried inside write()); the batch stays unstored.
      logger.error({ err }, 'telemetry writer failed')
    })
    this.#inFlight.push(write)
  }

  #commitFinished(): void {
    const { log, onCommitted } = this.#options
    while (this.#inFlight[0]?.isFinished === true) {
      const { batch, result } = this.#inFlight.shift() as InFlight
      // undefined: abandoned by stop(); this batch and every later one stay in the spool.
      if (result === undefined) return
      log.commit(batch.end)
      onCommitted(batch, result)
    }
  }

  async #nextBatch(signal: AbortSignal): Promise<Batch | undefined | 'retry'> {
    try {
      return await this.#options.feed.take(this.#options.limits, () => this.#isDue())
    } catch (err: unknown) {
      this.#options.logger.error({ err }, 'spool read failed')
      await sleep(READ_RETRY_MS, signal)
      return 'retry'
    }
  }

  #isDue(): boolean {
    const { feed, limits, flushIntervalMs, isForced } = this.#options
    const isFull = feed.queuedLines >= limits.maxLines || feed.queuedBytes >= limits.maxBytes
    if (isFull || isForced()) return true
    const oldest = feed.oldestAcceptedAt()
    return oldest !== undefined && performance.now() - oldest >= flushIntervalMs
  }

  #armTimer(): void {
    const oldest = this.#options.feed.oldestAcceptedAt()
    if (this.#timer !== undefined || oldest === undefined) return
    const delay = Math.max(0, oldest + this.#options.flushIntervalMs - performance.now())
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#wakeup.notify()
    }, delay)
  }
}
