import {
  comparePositions, frameStart, framePayload, type FrameRun, type Position,
} from './spool-frame.js'
import type { SpoolLog } from './spool-log.js'

/** Whole frames for one write, in spool order. */
export interface Batch {
  /** Payloads (line protocol), views into spool buffers. */
  parts: Buffer[]
  lines: number
  bytes: number
  /** Where the spool's cursor moves once the batch is stored. */
  end: Position
  /** Frames this process accepted (the rest are a replay of an earlier run's). */
  currentFrames: number
  /** Lines accepted by an earlier run. */
  replayLines: number
  /** performance.now() at acceptance of the oldest frame taken from memory, if any. */
  oldestAcceptedAt: number | undefined
}

export interface BatchLimits {
  maxLines: number
  maxBytes: number
}

export interface SpoolFeedOptions {
  log: SpoolLog
  /** Frame bytes kept in memory at most; beyond it new frames are read back from disk later. */
  maxMemoryBytes: number
  /** The first unstored frame at start-up. */
  cursor: Position
  /** Where this run's first frame went; frames before it were accepted by an earlier run. */
  replayUntil: Position
}

/** A run in the queue and its first frame not yet taken. */
interface Queued {
  run: FrameRun
  next: number
}

/**
 * What the drain reads next, in spool order. Normally that is the in-memory copy of groups
 * just made durable (the very buffers that were written), so the disk is only written, never
 * read. When the copy would exceed maxMemoryBytes (the store is down or slower than the
 * devices), new frames stay on disk only and are read back once the copy has drained; reading
 * catches up with the tail and memory takes over again. A restart starts on disk, at the
 * cursor: that is the replay.
 */
export class SpoolFeed {
  readonly #options: SpoolFeedOptions
  #queue: Queued[] = []
  #head = 0
  #queueBytes = 0
  #queueLines = 0
  #isOnDisk: boolean
  /** In memory mode: where the next durable frame must start. On disk: where reading resumes. */
  #next: Position

  constructor(options: SpoolFeedOptions) {
    this.#options = options
    this.#next = options.cursor
    this.#isOnDisk = comparePositions(options.cursor, options.replayUntil) < 0
  }

  get queuedLines(): number {
    return this.#queueLines
  }

  get queuedBytes(): number {
    return this.#queueBytes
  }

  /** acceptedAt of the oldest run held in memory. */
  oldestAcceptedAt(): number | undefined {
    return this.#queue[this.#head]?.run.acceptedAt
  }

  /** Takes in a group the spool just made durable. */
  addDurable(run: FrameRun): void {
    if (this.#isOnDisk) return
    let next = 0
    // Frames already read back from disk while this group's write was finishing.
    while (next < run.ends.length && comparePositions(startOf(run, next), this.#next) < 0) next += 1
    if (next === run.ends.length) return
    const bytes = (run.ends.at(-1) as number) - frameStart(run, next)
    if (this.#queueBytes > 0 && this.#queueBytes + bytes > this.#options.maxMemoryBytes) {
      this.#isOnDisk = true
      return
    }
    this.#queue.push({ run, next })
    this.#queueBytes += bytes
    this.#queueLines += sum(run.lines, next)
    this.#next = endOf(run, run.ends.length - 1)
  }

  /**
   * The next batch, or undefined when there is none yet. Memory-held frames wait for
   * `isDue` (a full batch, a flush interval, a flush); a disk backlog is always due.
   */
  async take(limits: BatchLimits, isDue: () => boolean): Promise<Batch | undefined> {
    if (this.#head < this.#queue.length) {
      if (!this.#isOnDisk && !isDue()) return undefined
      return this.#takeQueued(limits)
    }
    if (!this.#isOnDisk) return undefined
    return this.#takeFromDisk(limits)
  }

  #takeQueued(limits: BatchLimits): Batch {
    const batch = emptyBatch(this.#queue[this.#head]?.run.acceptedAt)
    while (this.#head < this.#queue.length) {
      const queued = this.#queue[this.#head] as Queued
      const taken = takeFrames(batch, queued, limits, () => false)
      this.#queueBytes -= taken.bytes
      this.#queueLines -= taken.lines
      if (queued.next < queued.run.ends.length) break
      this.#head += 1
    }
    if (this.#head === this.#queue.length || this.#head >= 1024) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    return batch
  }

  async #takeFromDisk(limits: BatchLimits): Promise<Batch | undefined> {
    const from = this.#next
    const { run, next } = await this.#options.log.read(from, limits.maxBytes)
    const batch = emptyBatch(undefined)
    batch.end = next
    const queued = { run, next: 0 }
    const replayUntil = this.#options.replayUntil
    takeFrames(batch, queued, limits, (i) => comparePositions(startOf(run, i), replayUntil) < 0)

    const isAllTaken = queued.next === run.ends.length
    // Past any bytes skipped for a failed checksum too, so the cursor moves over them.
    if (isAllTaken) batch.end = next
    this.#next = batch.end
    if (isAllTaken && comparePositions(next, this.#options.log.tail) >= 0) this.#isOnDisk = false
    if (batch.parts.length === 0 && comparePositions(next, from) === 0) return undefined
    return batch
  }
}

function emptyBatch(oldestAcceptedAt: number | undefined): Batch {
  return {
    parts: [], lines: 0, bytes: 0, end: { segment: 0, offset: 0 }, currentFrames: 0, replayLines: 0,
    oldestAcceptedAt,
  }
}

/** Moves frames of a run into the batch while they fit (one at least); returns what it took. */
function takeFrames(
  batch: Batch, queued: Queued, limits: BatchLimits, isReplay: (frame: number) => boolean,
): { bytes: number, lines: number } {
  const { run } = queued
  const taken = { bytes: 0, lines: 0 }
  while (queued.next < run.ends.length) {
    const i = queued.next
    const lines = run.lines[i] as number
    const bytes = (run.ends[i] as number) - frameStart(run, i)
    const isFull = batch.lines + lines > limits.maxLines || batch.bytes + bytes > limits.maxBytes
    if (batch.parts.length > 0 && isFull) break

    batch.parts.push(framePayload(run, i))
    batch.lines += lines
    batch.bytes += bytes
    batch.end = endOf(run, i)
    if (isReplay(i)) batch.replayLines += lines
    else batch.currentFrames += 1
    taken.bytes += bytes
    taken.lines += lines
    queued.next += 1
  }
  return taken
}

function startOf(run: FrameRun, i: number): Position {
  return { segment: run.segment, offset: run.offset + frameStart(run, i) }
}

function endOf(run: FrameRun, i: number): Position {
  return { segment: run.segment, offset: run.offset + (run.ends[i] as number) }
}

function sum(values: number[], from: number): number {
  let total = 0
  for (let i = from; i < values.length; i++) total += values[i] as number
  return total
}
