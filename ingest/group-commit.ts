import type { Logger } from '../core/index.js'
import type { FrameRun } from './spool-frame.js'
import type { SpoolLog } from './spool-log.js'

export interface GroupCommitOptions {
  log: SpoolLog
  logger: Logger
  /** Called with a group's frames once they are on disk, before any of its accept() calls resume. */
  onDurable: (run: FrameRun) => void
  /** Called with the number of frames of a group that could not be made durable. */
  onFailed: (frames: number) => void
  /** Observes each group's durable append time in seconds. */
  observeSync: (seconds: number) => void
}

interface Group {
  frames: Buffer[]
  lines: number[]
  bytes: number
  acceptedAt: number
  done: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Group commit: every accept() call that arrives while one durable append is in flight
 * joins the next group, and the whole group costs one synchronised write (O_DSYNC). At rest a
 * lone call is written on the next turn of the event loop (setImmediate), which also collects
 * the other messages of the same TCP read, so the cost of durability per message falls as
 * load rises instead of capping throughput at one sync per message.
 */
export class GroupCommitter {
  readonly #options: GroupCommitOptions
  #open: Group | undefined
  #isWriting = false
  #isScheduled = false
  #unsyncedBytes = 0
  #idleWaiters: Array<() => void> = []

  constructor(options: GroupCommitOptions) {
    this.#options = options
  }

  /** Bytes accepted into groups whose durable append has not returned yet. */
  get unsyncedBytes(): number {
    return this.#unsyncedBytes
  }

  /** Queues one frame; resolves once it is durable, rejects when it could not be made so. */
  submit(frame: Buffer, lines: number): Promise<void> {
    const group = this.#open ?? this.#newGroup()
    group.frames.push(frame)
    group.lines.push(lines)
    group.bytes += frame.length
    this.#unsyncedBytes += frame.length
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
    const group = { frames: [], lines: [], bytes: 0, acceptedAt, done, resolve, reject }
    this.#open = group
    return group
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
    const { frames } = group
    const data = frames.length === 1 ? frames[0] as Buffer : Buffer.concat(frames, group.bytes)
    const startedAt = performance.now()
    let start
    try {
      start = await log.append(data)
    } catch (err: unknown) {
      const points = group.lines.reduce((sum, lines) => sum + lines, 0)
      logger.error({ err, points }, 'spool write failed; readings not acknowledged')
      this.#options.onFailed(group.frames.length)
      group.reject(err)
      return
    }

    this.#options.observeSync((performance.now() - startedAt) / 1000)
    let end = 0
    const ends = group.frames.map((frame) => (end += frame.length))
    const { lines, acceptedAt } = group
    this.#options.onDurable({ data, ...start, ends, lines, acceptedAt })
    group.resolve()
  }
}
