import type { Reading } from '../../core/index.js'
import type { CountQuery, RangeQuery, SeriesPoint, TelemetryStore } from '../../ingest/index.js'

/**
 * An in-memory TelemetryStore for pipeline unit tests: it records each write attempt, can
 * fail the next attempts with given errors, and can hold writes open until released.
 */
export class FakeStore implements TelemetryStore {
  readonly kind = 'embedded' as const
  /** Every attempt, successful or not, with Date.now() at its start. */
  readonly attempts: Array<{ at: number, readings: Reading[] }> = []
  /** Successfully written batches, in order. */
  readonly batches: Reading[][] = []
  readonly failures: unknown[] = []
  isHeld = false
  inFlight = 0
  maxInFlight = 0
  isOpen = false
  closedAfterWrites: number | undefined
  #releases: Array<() => void> = []

  async open(): Promise<void> {
    this.isOpen = true
  }

  async write(readings: Reading[]): Promise<void> {
    this.attempts.push({ at: Date.now(), readings })
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.isHeld) await new Promise<void>((resolve) => this.#releases.push(resolve))
      if (this.failures.length > 0) throw this.failures.shift()
      this.batches.push(readings)
    } finally {
      this.inFlight -= 1
    }
  }

  /** Lets the oldest held write continue. */
  releaseOne(): void {
    this.#releases.shift()?.()
  }

  get held(): number {
    return this.#releases.length
  }

  written(): Reading[] {
    return this.batches.flat()
  }

  async query(_q: RangeQuery): Promise<SeriesPoint[]> {
    return []
  }

  async count(_q: CountQuery): Promise<number> {
    return this.written().length
  }

  async ping(): Promise<boolean> {
    return this.isOpen
  }

  async close(): Promise<void> {
    this.isOpen = false
    this.closedAfterWrites = this.batches.length
  }
}
