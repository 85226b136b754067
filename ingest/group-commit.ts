import type { Logger } from '../core/index.js'
import type { FrameRun } from './spool-frame.js'
import type { SpoolLog } from './spool-log.js'

export interface GroupCommitOptions {
  log: SpoolLog
  logger: Logger
  /** Called with a group's frames after its fdatasync, before any of its accept() calls resume. */
  onDurable: (run: FrameRun) => void
  /** Called with the number of frames of a group that could not be made durable. */
  onFailed: (frames: number) => void
  /** Observes each group's append + fdatasync time in seconds. */
  observeSync: (seconds: number) => void
}

/** Writes one whole frame (header included) at `at` of `target`; its length is known beforehand. */
export interface FrameWriter {
  writeFrame(target: Buffer, at: number): void
}

/** A frame already made (a call that waited for room) as a FrameWriter. */
export function frameBytes(frame: Buffer): FrameWriter {
  return {
    writeFrame: (target, at) => {
      frame.copy(target, at)
    },
  }
}

interface Group {
  /** The group's frames back to back, as they will be appended; `bytes` of it are used. */
  data: Buffer
  bytes: number
  /** End of each frame in `data`. */
  ends: number[]
  lines: number[]
  acceptedAt: number
  done: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

/** A group's first buffer; the next one starts at the size the last group needed. */
const MIN_GROUP_BYTES = 64 * 1024

/**
 * Group commit: every accept() call that arrives while one append is in flight joins the
 * next group, and the whole group costs one durable write. At rest a lone call is written on
 * the next turn of the event loop (setImmediate), which also collects the other messages of
 * the same TCP read, so the cost of durability per message falls as load rises instead of
 * capping throughput at one sync per message. Frames are written straight into the group's
 * buffer, which is what gets appended and then handed to the writer: no Buffer per message
 * and no copy to join them.
 */
export class GroupCommitter {
  readonly #options: GroupCommitOptions
  #open: Group | undefined
  #isWriting = false
  #isScheduled = false
  #unsyncedBytes = 0
  #idleWaiters: Array<() => void> = []
  #nextGroupBytes = MIN_GROUP_BYTES

  constructor(options: GroupCommitOptions) {
    this.#options = options
  }

  /** Bytes accepted into groups whose fdatasync has not returned yet. */
  get unsyncedBytes(): number {
    return this.#unsyncedBytes
  }

  /**
   * Queues the frame `writer` writes (`length` bytes) into the group's buffer, now; resolves
   * once it is durable, rejects when it could not be made so.
   */
  submit(length: number, lines: number, writer: FrameWriter): Promise<void> {
    const group = this.#open ?? this.#newGroup()
    const at = this.#reserve(group, length)
    try {
      writer.writeFrame(group.data, at)
    } catch (err: unknown) {
      group.bytes = at
      throw err
    }
    group.ends.push(at + length)
    group.lines.push(lines)
    this.#unsyncedBytes += length
    if (!this.#isWriting && !this.#isScheduled) {
      this.#isScheduled = true
      setImmediate(() => {
        this.#isScheduled = false
        void this.#writeNext()
      })
    }
    return group.done
  }

  /** Resolves once every submitted frame is durable or has failed. */
  idle(): Promise<void> {
    if (this.#open === undefined && !this.#isWriting) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #newGroup(): Group {
    let resolve: () => void = () => undefined
    let reject: (err: unknown) => void = () => undefined
    const done = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    const acceptedAt = performance.now()
    const data = Buffer.allocUnsafe(this.#nextGroupBytes)
    const group = { data, bytes: 0, ends: [], lines: [], acceptedAt, done, resolve, reject }
    this.#open = group
    return group
  }

  /** Room for `length` more bytes in the group's buffer (doubling it if need be); returns where. */
  #reserve(group: Group, length: number): number {
    const at = group.bytes
    if (at + length > group.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(group.data.length * 2, at + length))
      group.data.copy(grown, 0, 0, at)
      group.data = grown
    }
    group.bytes = at + length
    return at
  }

  /** Never rejects: a failed group rejects its own callers; the next group is still written. */
  async #writeNext(): Promise<void> {
    const group = this.#open
    if (this.#isWriting || group === undefined) return
    this.#open = undefined
    this.#isWriting = true
    try {
      await this.#write(group)
    } catch (err: unknown) {
      this.#options.logger.error({ err }, 'spool group commit failed')
      group.reject(err)
    } finally {
      this.#isWriting = false
      this.#unsyncedBytes -= group.bytes
      if (this.#open !== undefined) void this.#writeNext()
      else for (const resolve of this.#idleWaiters.splice(0)) resolve()
    }
  }

  async #write(group: Group): Promise<void> {
    const { log, logger } = this.#options
    // Sized for the load of the moment, so the next group rarely grows or wastes its buffer.
    this.#nextGroupBytes = Math.max(MIN_GROUP_BYTES, Math.ceil(group.bytes * 1.25))
    const data = group.data.subarray(0, group.bytes)
    const startedAt = performance.now()
    let start
    try {
      start = await log.append(data)
    } catch (err: unknown) {
      const points = group.lines.reduce((sum, lines) => sum + lines, 0)
      logger.error({ err, points }, 'spool write failed; readings not acknowledged')
      this.#options.onFailed(group.ends.length)
      group.reject(err)
      return
    }

    this.#options.observeSync((performance.now() - startedAt) / 1000)
    const { ends, lines, acceptedAt } = group
    this.#options.onDurable({ data, ...start, ends, lines, acceptedAt })
    group.resolve()
  }
}
