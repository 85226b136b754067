/** How full the spool is: durable bytes not yet stored, and bytes whose durable write has not returned yet. */
export interface SpoolLevel {
  spoolBytes: number
  unsyncedBytes: number
}

export interface AdmissionOptions {
  /** Unstored spool bytes at most (spool.maxBytes). */
  maxSpoolBytes: number
  /** Bytes waiting for their durable write at most. */
  maxUnsyncedBytes: number
  level: () => SpoolLevel
  /** Hands a frame to the spool; resolves once it is durable. */
  submit: (frame: Buffer, lines: number) => Promise<void>
  /** Reports how many accept() calls wait for room. */
  onWaiting: (waiting: number) => void
}

interface Waiter {
  frame: Buffer
  lines: number
  /** Takes the group commit's promise: the waiting call then settles with it. */
  resolve: (durable: Promise<void>) => void
  reject: (err: Error) => void
}

/**
 * Backpressure: a frame enters the spool only while the spool is under its bounds, otherwise
 * its accept() waits, so the gateway withholds the PUBACK and the device slows down. Waiting
 * calls are admitted in arrival order, so none overtakes an earlier one; a single frame larger
 * than the bound gets in once the spool is empty.
 */
export class Admission {
  readonly #options: AdmissionOptions
  #waiters: Waiter[] = []

  constructor(options: AdmissionOptions) {
    this.#options = options
  }

  /**
   * Resolves once the frame is durable (after waiting for room if need be). With room, this is
   * the group commit's own promise, shared by every frame of the group.
   */
  admit(frame: Buffer, lines: number): Promise<void> {
    if (this.#waiters.length === 0 && this.#hasRoomFor(frame.length)) {
      return this.#options.submit(frame, lines)
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ frame, lines, resolve, reject })
      this.#options.onWaiting(this.#waiters.length)
    })
  }

  /** Room may have freed up (a group synced, a batch stored): lets waiting calls in. */
  release(): void {
    if (this.#waiters.length === 0) return
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0] as Waiter
      if (!this.#hasRoomFor(next.frame.length)) break
      this.#waiters.shift()
      // Submitted here, not after the caller resumes, so the next check already counts it.
      next.resolve(this.#options.submit(next.frame, next.lines))
    }
    this.#options.onWaiting(this.#waiters.length)
  }

  /** Rejects every waiting call (stop()); their readings were not accepted. */
  refuseAll(err: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err)
    this.#options.onWaiting(0)
  }

  #hasRoomFor(bytes: number): boolean {
    const { spoolBytes, unsyncedBytes } = this.#options.level()
    const { maxSpoolBytes, maxUnsyncedBytes } = this.#options
    const held = spoolBytes + unsyncedBytes
    const isSpoolRoom = held === 0 || held + bytes <= maxSpoolBytes
    return isSpoolRoom && (unsyncedBytes === 0 || unsyncedBytes + bytes <= maxUnsyncedBytes)
  }
}
