import { constants } from 'node:fs'
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises'
import type { Logger } from '../core/index.js'
import { SpoolFailedError } from './errors.js'
import {
  errorCode, listSegments, lockDirectory, readCursor, segmentPath, syncDirectory, unlockDirectory,
  writeCursor,
} from './spool-files.js'
import {
  SEGMENT_MAGIC, comparePositions, countLines, decodeFrames, frameLength, framePayload,
  type FrameRun, type Position,
} from './spool-frame.js'
import { recoverSegment } from './spool-recovery.js'

export interface SpoolLogOptions {
  dir: string
  /** A segment is closed and a new one started once it reaches this size. */
  segmentBytes: number
  logger: Logger
  /** Bytes of frames skipped because their checksum failed (disk damage, not a crash). */
  onCorruption: (bytes: number) => void
}

export interface OpenedSpool {
  /** First frame not yet stored. */
  cursor: Position
  /** Where this process's first frame will go; frames before it are a replay. */
  tail: Position
  /** Frame bytes between cursor and tail. */
  pendingBytes: number
}

/** How often the cursor is saved at most; a later save only means a longer (idempotent) replay. */
const CURSOR_SAVE_INTERVAL_MS = 250
const HEADER_BYTES = SEGMENT_MAGIC.length
/** A new segment (it must not exist yet), read and written, every write synchronised (see append). */
const SEGMENT_OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC

/**
 * The spool's files: an append-only log of frames in numbered segments, a cursor marking what
 * the store already has, and a lock. append() returns only once its bytes are on disk (O_DSYNC).
 * One caller appends at a time (the group committer); reads may run beside appends and see
 * only what append() has already returned. Segments wholly before the cursor are deleted.
 */
export class SpoolLog {
  readonly #options: SpoolLogOptions
  /** Valid length of every segment file still on disk, the active one included. */
  readonly #sizes = new Map<number, number>()
  #active: FileHandle | undefined
  #activeSegment = 0
  #cursor: Position = { segment: 0, offset: HEADER_BYTES }
  #savedCursor: Position = { segment: 0, offset: HEADER_BYTES }
  #saveTimer: NodeJS.Timeout | undefined
  #saving: Promise<void> = Promise.resolve()
  #reader: { segment: number, handle: FileHandle } | undefined
  /** Set by close(): a read still in flight then must not open a handle nobody will close. */
  #isClosed = false

  constructor(options: SpoolLogOptions) {
    this.#options = options
  }

  /** End of the last appended frame. */
  get tail(): Position {
    const segment = this.#activeSegment
    return { segment, offset: this.#sizes.get(segment) ?? HEADER_BYTES }
  }

  async open(): Promise<OpenedSpool> {
    const { dir } = this.#options
    this.#isClosed = false
    await mkdir(dir, { recursive: true })
    await lockDirectory(dir)
    try {
      const segments = await listSegments(dir)
      for (const segment of segments) {
        this.#sizes.set(segment, await this.#recover(segment, segments))
      }
      this.#cursor = clampCursor(await readCursor(dir), segments, this.#sizes)
      this.#savedCursor = this.#cursor
      await this.#startSegment(Math.max(segments.at(-1) ?? 0, this.#cursor.segment) + 1)
      // Nothing left to store: the cursor moves to the new segment and the old ones can go.
      if (this.#bytesFrom(this.#cursor) === 0) this.#cursor = this.tail
    } catch (err: unknown) {
      await unlockDirectory(dir)
      throw err
    }
    return { cursor: this.#cursor, tail: this.tail, pendingBytes: this.#bytesFrom(this.#cursor) }
  }

  /**
   * Appends whole frames, durably; resolves with where the first one starts. Segments are
   * opened with O_DSYNC, so the write returns only once the bytes (and the file size that
   * makes them readable) are on disk, as write + fdatasync would, but in one trip through
   * libuv's thread pool instead of two: under load every trip also waits for a turn of a busy
   * event loop, and each group's PUBACKs wait for both.
   */
  async append(frames: Buffer): Promise<Position> {
    const handle = this.#requireActive()
    if (this.tail.offset >= this.#options.segmentBytes) return this.#rollThenAppend(frames)
    const start = this.tail
    try {
      const { bytesWritten } = await handle.write(frames, 0, frames.length, start.offset)
      if (bytesWritten !== frames.length) throw new Error(`short write: ${bytesWritten} of ${frames.length} bytes`)
    } catch (err: unknown) {
      await this.#undoAppend(handle, start.offset)
      throw new SpoolFailedError(`spool write failed: ${errorText(err)}`, {
        cause: err,
        details: { file: segmentPath(this.#options.dir, start.segment), code: errorCode(err) },
      })
    }
    this.#sizes.set(start.segment, start.offset + frames.length)
    return start
  }

  /**
   * Whole frames from `from` on, about maxBytes of them (at least one), within one segment.
   * `next` is where to continue; it equals `from` when nothing more has been appended.
   */
  async read(from: Position, maxBytes: number): Promise<{ run: FrameRun, next: Position }> {
    const position = this.#skipFinished(from)
    const end = this.#sizes.get(position.segment) ?? HEADER_BYTES
    const run: FrameRun = {
      data: Buffer.alloc(0), ...position, ends: [], lines: [], acceptedAt: undefined,
    }
    if (position.offset >= end) return { run, next: position }

    const handle = await this.#readHandle(position.segment)
    let data = await readAt(handle, position.offset, Math.min(maxBytes, end - position.offset))
    const first = frameLength(data)
    if (first !== undefined && first > data.length && position.offset + first <= end) {
      data = await readAt(handle, position.offset, first)
    }
    const decoded = decodeFrames(data)
    run.data = data.subarray(0, decoded.consumed)
    run.ends = decoded.ends
    run.lines = decoded.ends.map((_, i) => countLines(framePayload(run, i)))
    if (!decoded.isCorrupt && (decoded.ends.length > 0 || data.length === 0)) {
      const next = { segment: position.segment, offset: position.offset + decoded.consumed }
      return { run, next }
    }
    return { run, next: this.#skipCorruption(position, decoded.consumed, end) }
  }

  /** Marks everything before `cursor` as stored; the cursor file follows within 250 ms. */
  commit(cursor: Position): void {
    if (comparePositions(cursor, this.#cursor) <= 0) return
    this.#cursor = this.#skipFinished(cursor)
    if (this.#saveTimer !== undefined) return
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined
      this.#saving = this.#saving.then(() => this.#saveCursor()).catch((err: unknown) => {
        this.#logSaveFailure(err)
      })
    }, CURSOR_SAVE_INTERVAL_MS)
  }

  /** Frame bytes not yet stored. */
  pendingBytes(): number {
    return this.#bytesFrom(this.#cursor)
  }

  async close(): Promise<void> {
    this.#isClosed = true
    clearTimeout(this.#saveTimer)
    this.#saveTimer = undefined
    await this.#saving
    await this.#saveCursor().catch((err: unknown) => {
      this.#logSaveFailure(err)
    })
    await this.#reader?.handle.close()
    this.#reader = undefined
    await this.#active?.close()
    this.#active = undefined
    await unlockDirectory(this.#options.dir)
  }

  async #recover(segment: number, all: number[]): Promise<number> {
    const file = segmentPath(this.#options.dir, segment)
    const isLast = segment === all.at(-1)
    return recoverSegment({ file, isLast, logger: this.#options.logger })
  }

  async #startSegment(segment: number): Promise<void> {
    const file = segmentPath(this.#options.dir, segment)
    const handle = await open(file, SEGMENT_OPEN_FLAGS)
    try {
      await handle.write(SEGMENT_MAGIC, 0, HEADER_BYTES, 0)
      await syncDirectory(this.#options.dir)
    } catch (err: unknown) {
      // Closed here, not left to the garbage collector (Node's DEP0137 warning).
      await handle.close().catch(() => undefined)
      throw err
    }
    await this.#active?.close()
    this.#active = handle
    this.#activeSegment = segment
    this.#sizes.set(segment, HEADER_BYTES)
  }

  async #rollThenAppend(frames: Buffer): Promise<Position> {
    try {
      await this.#startSegment(this.#activeSegment + 1)
    } catch (err: unknown) {
      throw new SpoolFailedError(`spool segment could not be created: ${errorText(err)}`, {
        cause: err, details: { dir: this.#options.dir, code: errorCode(err) },
      })
    }
    return this.append(frames)
  }

  async #undoAppend(handle: FileHandle, offset: number): Promise<void> {
    try {
      await handle.truncate(offset)
    } catch (err: unknown) {
      // The torn bytes stay; recovery at the next start cuts them off by their checksum.
      this.#options.logger.error({ err }, 'spool append could not be undone')
    }
  }

  /** Moves a position at the end of a finished segment to the start of the next one. */
  #skipFinished(position: Position): Position {
    let current = position
    while (current.segment < this.#activeSegment) {
      const size = this.#sizes.get(current.segment)
      if (size !== undefined && current.offset < size) return current
      const later = [...this.#sizes.keys()].filter((s) => s > current.segment)
      const next = later.sort((a, b) => a - b)[0]
      current = { segment: next ?? this.#activeSegment, offset: HEADER_BYTES }
    }
    return current
  }

  #skipCorruption(position: Position, consumed: number, end: number): Position {
    const skipped = end - position.offset - consumed
    const file = segmentPath(this.#options.dir, position.segment)
    this.#options.logger.error({ file, offset: position.offset + consumed, bytes: skipped },
      'spool frames failed their checksum and were skipped')
    this.#options.onCorruption(skipped)
    return { segment: position.segment, offset: end }
  }

  async #readHandle(segment: number): Promise<FileHandle> {
    if (this.#reader?.segment === segment) return this.#reader.handle
    await this.#reader?.handle.close()
    this.#reader = undefined
    const handle = await open(segmentPath(this.#options.dir, segment), 'r')
    if (this.#isClosed) {
      // close() ran while this read waited for the file: nobody would close the handle.
      await handle.close()
      throw new SpoolFailedError('spool was closed during a read', { details: { dir: this.#options.dir } })
    }
    this.#reader = { segment, handle }
    return handle
  }

  async #saveCursor(): Promise<void> {
    const cursor = this.#cursor
    if (comparePositions(cursor, this.#savedCursor) === 0) return
    await writeCursor(this.#options.dir, cursor)
    this.#savedCursor = cursor
    for (const segment of [...this.#sizes.keys()]) {
      if (segment >= cursor.segment) continue
      this.#sizes.delete(segment)
      if (this.#reader?.segment === segment) {
        await this.#reader.handle.close()
        this.#reader = undefined
      }
      await rm(segmentPath(this.#options.dir, segment), { force: true })
    }
  }

  #logSaveFailure(err: unknown): void {
    // The stored frames are replayed after a restart instead; rewriting them is harmless.
    this.#options.logger.warn({ err }, 'spool cursor could not be saved')
  }

  #bytesFrom(cursor: Position): number {
    let bytes = 0
    for (const [segment, size] of this.#sizes) {
      if (segment < cursor.segment) continue
      bytes += size - (segment === cursor.segment ? cursor.offset : HEADER_BYTES)
    }
    return bytes
  }

  #requireActive(): FileHandle {
    if (this.#active !== undefined) return this.#active
    const details = { dir: this.#options.dir }
    throw new SpoolFailedError('spool is not open (call open() first)', { details })
  }
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length)
  const { bytesRead } = await handle.read(buffer, 0, length, offset)
  return buffer.subarray(0, bytesRead)
}

/** A missing, stale or damaged cursor falls back to the oldest frame still on disk. */
function clampCursor(
  cursor: Position | undefined, segments: number[], sizes: Map<number, number>,
): Position {
  const oldest = segments[0]
  if (oldest === undefined) return { segment: cursor?.segment ?? 0, offset: HEADER_BYTES }
  if (cursor === undefined || cursor.segment < oldest || !sizes.has(cursor.segment)) {
    return { segment: oldest, offset: HEADER_BYTES }
  }
  const size = sizes.get(cursor.segment) ?? HEADER_BYTES
  return { segment: cursor.segment, offset: Math.min(Math.max(cursor.offset, HEADER_BYTES), size) }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
