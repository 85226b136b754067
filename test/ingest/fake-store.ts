import type { Reading } from '../../core/index.js'
import {
  WriteRejectedError, parseLine, toLines,
  type CountQuery, type RangeQuery, type SeriesPoint, type TelemetryStore, type WriteLinesOptions,
} from '../../ingest/index.js'

/**
 * An in-memory TelemetryStore for pipeline unit tests: it records each write attempt, can
 * fail the next attempts with given errors, hold writes open until released, and refuse
 * chosen readings the way InfluxDB 1.x does (stores the rest, answers "partial write").
 */
export class FakeStore implements TelemetryStore {
  readonly kind = 'embedded' as const
  /** Every attempt, successful or not, with Date.now() at its start. */
  readonly attempts: Array<{ at: number, readings: Reading[] }> = []
  /** Successfully written batches, in order (a partial write keeps its good readings). */
  readonly batches: Reading[][] = []
  readonly failures: unknown[] = []
  /** Returns InfluxDB's reason for refusing a reading, or undefined to store it. */
  refuse: (reading: Reading) => string | undefined = () => undefined
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
    await this.writeLines(Buffer.from(toLines(readings)), { points: readings.length })
  }

  async writeLines(body: Buffer, options: WriteLinesOptions): Promise<void> {
    const readings = body.toString('utf8').split('\n').map((line) => parseLine(line) as Reading)
    this.attempts.push({ at: Date.now(), readings })
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.isHeld) await new Promise<void>((resolve) => this.#releases.push(resolve))
      if (options.signal?.aborted === true) throw new Error('aborted')
      if (this.failures.length > 0) throw this.failures.shift()
      this.#store(readings)
    } finally {
      this.inFlight -= 1
    }
  }

  #store(readings: Reading[]): void {
    const refused = readings.map((r) => this.refuse(r))
    const good = readings.filter((_, i) => refused[i] === undefined)
    if (good.length > 0) this.batches.push(good)
    const reason = refused.find((r) => r !== undefined)
    if (reason === undefined) return
    const dropped = refused.filter((r) => r !== undefined).length
    const text = `partial write: ${reason} dropped=${dropped}`
    throw new WriteRejectedError(`InfluxDB rejected the points: ${text}`, {
      failure: 'rejected', points: readings.length, status: 400, reason: text,
    })
  }

  /** Lets the oldest held write continue. */
  releaseOne(): void {
    this.#releases.shift()?.()
  }

  /** Lets the newest held write continue. */
  releaseNewest(): void {
    this.#releases.pop()?.()
  }

  /** Stops holding writes and lets every held one continue. */
  releaseAll(): void {
    this.isHeld = false
    while (this.#releases.length > 0) this.releaseOne()
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
