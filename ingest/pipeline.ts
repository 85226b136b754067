import type { Logger, Reading } from '../core/index.js'
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { Admission } from './admission.js'
import { BatchWriter, type WriteResult } from './batch-writer.js'
import type { DeadLetterList } from './dead-letters.js'
import { Drainer } from './drainer.js'
import { NotRunningError } from './errors.js'
import { FlushWaiters } from './flush-waiters.js'
import { GroupCommitter } from './group-commit.js'
import { LineEncoder } from './line-encoder.js'
import type { IngestMetrics } from './metrics.js'
import { SpoolFeed, type Batch } from './spool-feed.js'
import { comparePositions, type FrameRun, type Position } from './spool-frame.js'
import { SpoolLog, type OpenedSpool } from './spool-log.js'
import type { TelemetryStore } from './types.js'

export interface SpoolOptions {
  dir: string
  /** Unstored spool bytes at most; beyond it accept() waits. */
  maxBytes: number
  /** Durable frames also kept in memory for the writer, at most. */
  maxMemoryBytes: number
  segmentBytes: number
}

export interface PipelineOptions {
  store: TelemetryStore
  logger: Logger
  metrics: IngestMetrics
  deadLetters: DeadLetterList
  spool: SpoolOptions
  batchSize: number
  maxBatchBytes: number
  flushIntervalMs: number
  /** Batches written to the store at the same time at most. */
  maxWritesInFlight: number
  /** How long stop() keeps writing before it leaves the rest in the spool. */
  stopTimeoutMs: number
  backoff?: Partial<BackoffOptions>
  random?: () => number
}

export interface PipelineStats {
  /** Readings this run made durable. */
  accepted: number
  /** Readings written to the store by this run, replayed ones included. */
  stored: number
  /** Readings the store refused for good. */
  deadLettered: number
  /** Of stored and deadLettered, readings an earlier run had accepted. */
  replayed: number
  /** Readings this run accepted that are neither stored nor dead-lettered yet. */
  pending: number
  /** Spool bytes not yet stored (this run's and any earlier run's). */
  spoolBytes: number
  /** Failed write attempts, retried or not. */
  failedWrites: number
}

/**
 * Unsynced bytes at most: a caller that does not wait for accept() cannot grow memory beyond
 * this while the disk catches up.
 */
const MAX_UNSYNCED_BYTES = 16 * 1024 * 1024

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

/**
 * accept() → spool (durable, group-committed) → writer → store, in acceptance order.
 *
 * accept() resolves once the readings are on disk in the spool (O_DSYNC); the gateway
 * withholds the MQTT PUBACK until then, so an acknowledged reading survives a crash. The
 * writer drains the spool in batches (batchSize lines, maxBatchBytes, flushIntervalMs) and
 * retries with backoff until the store has them. Bounds: the spool's bytes on disk
 * (accept() waits beyond them: backpressure, which slows devices through withheld PUBACKs),
 * the in-memory copy (beyond it the writer reads back from disk), and the unsynced bytes.
 */
export class Pipeline {
  readonly #options: PipelineOptions
  readonly #writer: BatchWriter
  readonly #log: SpoolLog
  readonly #encoder = new LineEncoder()
  #committer: GroupCommitter | undefined
  #drainer: Drainer | undefined
  #state: State = 'idle'
  #stats = { accepted: 0, stored: 0, deadLettered: 0, replayed: 0, doneLines: 0 }
  /** Frames handed to the spool by this run, and of those, stored, dead-lettered or failed. */
  #submittedFrames = 0
  #doneFrames = 0
  #spoolBytes = 0
  #replayUntil: Position = { segment: 0, offset: 0 }
  #isReplayDone = true
  #stopped: Promise<void> = Promise.resolve()
  readonly #admission: Admission
  readonly #flushes = new FlushWaiters()

  constructor(options: PipelineOptions) {
    this.#options = options
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
    this.#writer = new BatchWriter({ ...options, backoff })
    const { spool, logger, metrics } = options
    this.#log = new SpoolLog({
      dir: spool.dir, segmentBytes: spool.segmentBytes, logger,
      onCorruption: (bytes) => metrics.corruptBytes.inc(bytes),
    })
    this.#admission = new Admission({
      maxSpoolBytes: spool.maxBytes,
      maxUnsyncedBytes: MAX_UNSYNCED_BYTES,
      level: () => ({
        spoolBytes: this.#spoolBytes,
        unsyncedBytes: this.#committer?.unsyncedBytes ?? 0,
      }),
      submit: (frame, lines) => this.#submit(frame, lines),
      onWaiting: (waiting) => metrics.waiting.set(waiting),
    })
  }

  /** Opens the spool and starts draining it, replaying what an earlier run left behind. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return
    this.#state = 'starting'
    let opened: OpenedSpool
    try {
      opened = await this.#log.open()
    } catch (err: unknown) {
      this.#state = 'idle'
      throw err
    }
    const { spool, logger } = this.#options
    this.#spoolBytes = opened.pendingBytes
    this.#replayUntil = opened.tail
    this.#isReplayDone = comparePositions(opened.cursor, opened.tail) >= 0
    this.#updateGauges()
    const replay = { bytes: opened.pendingBytes, dir: spool.dir }
    if (!this.#isReplayDone) logger.info(replay, 'spool replay started')

    const feed = new SpoolFeed({
      log: this.#log,
      maxMemoryBytes: spool.maxMemoryBytes,
      cursor: opened.cursor,
      replayUntil: opened.tail,
    })
    this.#committer = this.#createCommitter(feed)
    this.#drainer = this.#createDrainer(feed)
    this.#drainer.start()
    this.#state = 'running'
  }

  /** Refuses new readings, writes for up to stopTimeoutMs, and leaves the rest in the spool. */
  stop(): Promise<void> {
    if (this.#state === 'running') this.#stopped = this.#stop()
    return this.#stopped
  }

  /**
   * Not async on purpose: every caller of one group commit gets that group's promise itself,
   * so a message costs no promise of its own here (failures still arrive as rejections).
   */
  accept(readings: Reading[]): Promise<void> {
    const state = this.#state
    if (state !== 'running') {
      const message = `ingest is ${state}; call start() before accept()`
      return Promise.reject(new NotRunningError(message, { details: { state } }))
    }
    if (readings.length === 0) return Promise.resolve()
    let frame: Buffer
    try {
      frame = this.#encoder.encodeFrame(readings)
    } catch (err: unknown) {
      return Promise.reject(err)
    }
    return this.#admission.admit(frame, readings.length)
  }

  /** Resolves once everything accepted before the call is stored or dead-lettered. */
  async flush(): Promise<void> {
    const target = this.#submittedFrames
    if (this.#isFlushedTo(target)) return
    if (this.#state === 'stopped') throw stoppedBeforeStored()
    const flushed = this.#flushes.wait(target)
    this.#drainer?.wake()
    await flushed
  }

  stats(): PipelineStats {
    const { accepted, stored, deadLettered, replayed, doneLines } = this.#stats
    return {
      accepted, stored, deadLettered, replayed,
      pending: accepted - doneLines,
      spoolBytes: this.#spoolBytes,
      failedWrites: this.#writer.failedWrites,
    }
  }

  async #stop(): Promise<void> {
    this.#state = 'stopping'
    const refused = new NotRunningError('ingest is stopping; the readings were not accepted')
    this.#admission.refuseAll(refused)

    await this.#committer?.idle()
    const isFlushed = await this.#flushWithin(this.#options.stopTimeoutMs)
    await this.#drainer?.stop()
    this.#flushes.rejectAll(stoppedBeforeStored())
    await this.#log.close()
    this.#state = 'stopped'
    if (!isFlushed) {
      const { stopTimeoutMs, spool, logger } = this.#options
      const fields = { bytes: this.#spoolBytes, durationMs: stopTimeoutMs, dir: spool.dir }
      logger.warn(fields, 'stop timed out; unstored readings stay in the spool for the next start')
    }
  }

  /** True once everything is stored; false when the time ran out or stop() cut the flush short. */
  async #flushWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    // Rejected only when stop() gives up on the flush, which is what false reports.
    const flushed = this.flush().then(() => true, () => false)
    try {
      return await Promise.race([flushed, timedOut])
    } finally {
      clearTimeout(timer)
    }
  }

  #createCommitter(feed: SpoolFeed): GroupCommitter {
    const { logger, metrics } = this.#options
    return new GroupCommitter({
      log: this.#log,
      logger,
      observeSync: (seconds) => metrics.syncDuration.observe(seconds),
      onDurable: (run) => this.#onDurable(feed, run),
      onFailed: (frames) => {
        this.#doneFrames += frames
        this.#resolveFlushes()
      },
    })
  }

  #createDrainer(feed: SpoolFeed): Drainer {
    const { batchSize, maxBatchBytes, flushIntervalMs, logger } = this.#options
    return new Drainer({
      feed,
      writer: this.#writer,
      log: this.#log,
      limits: { maxLines: batchSize, maxBytes: maxBatchBytes },
      flushIntervalMs,
      maxInFlight: this.#options.maxWritesInFlight,
      logger,
      isForced: () => this.#flushes.isWaiting || this.#state === 'stopping',
      onCommitted: (batch, result) => this.#onCommitted(batch, result),
    })
  }

  #submit(frame: Buffer, lines: number): Promise<void> {
    this.#submittedFrames += 1
    return (this.#committer as GroupCommitter).submit(frame, lines)
  }

  #onDurable(feed: SpoolFeed, run: FrameRun): void {
    let lines = 0
    for (const count of run.lines) lines += count
    this.#stats.accepted += lines
    this.#options.metrics.accepted.inc(lines)
    feed.addDurable(run)
    this.#spoolBytes = this.#log.pendingBytes()
    this.#updateGauges()
    this.#admission.release()
    this.#drainer?.wake()
  }

  #onCommitted(batch: Batch, result: WriteResult): void {
    const { metrics } = this.#options
    const stats = this.#stats
    stats.stored += result.stored
    stats.deadLettered += result.deadLettered
    stats.replayed += batch.replayLines
    stats.doneLines += batch.lines - batch.replayLines
    metrics.stored.inc(result.stored)
    metrics.replayed.inc(batch.replayLines)
    const { oldestAcceptedAt } = batch
    if (oldestAcceptedAt !== undefined) {
      metrics.storedLag.observe((performance.now() - oldestAcceptedAt) / 1000)
    }
    this.#doneFrames += batch.currentFrames
    this.#spoolBytes = this.#log.pendingBytes()
    if (!this.#isReplayDone && comparePositions(batch.end, this.#replayUntil) >= 0) {
      this.#isReplayDone = true
      this.#options.logger.info({ readings: stats.replayed }, 'spool replay finished')
    }
    this.#updateGauges()
    this.#admission.release()
    this.#resolveFlushes()
  }

  /** An earlier run's frames come first in the spool, so a flush waits for them too. */
  #isFlushedTo(target: number): boolean {
    return this.#isReplayDone && this.#doneFrames >= target
  }

  #resolveFlushes(): void {
    this.#flushes.settle((target) => this.#isFlushedTo(target))
  }

  #updateGauges(): void {
    const { metrics } = this.#options
    metrics.spoolBytes.set(this.#spoolBytes)
    metrics.pending.set(this.#stats.accepted - this.#stats.doneLines)
  }
}

function stoppedBeforeStored(): NotRunningError {
  return new NotRunningError('ingest stopped before these readings were stored; they stay in the spool')
}
