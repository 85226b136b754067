import type { Severity } from '../core/index.js'

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }
const HOUR_MS = 3_600_000

/** What an episode step asks the caller to do. */
export type EpisodeChange = 'opened' | 'escalated' | null

/**
 * One abnormal episode of a stream, with hysteresis: it opens once, reports again only when
 * its severity grows, and closes only after the stream has been quiet for `quietHours` of
 * data time. This is what keeps one fault from turning into a Signal per reading.
 */
export class Episode {
  readonly #quietMs: number
  #start: number | null = null
  #severity: Severity = 'info'
  #quietSince: number | null = null

  constructor(quietHours: number) {
    this.#quietMs = quietHours * HOUR_MS
  }

  get isOpen(): boolean { return this.#start !== null }
  /** Data time the episode began; null when none is open. */
  get start(): number | null { return this.#start }
  get severity(): Severity { return this.#severity }

  /** The stream is abnormal at `time` with this severity (the episode starting at `since`). */
  active(time: number, severity: Severity, since: number = time): EpisodeChange {
    this.expire(time)
    this.#quietSince = null
    if (this.#start === null) {
      this.#start = since
      this.#severity = severity
      return 'opened'
    }
    if (SEVERITY_RANK[severity] <= SEVERITY_RANK[this.#severity]) return null
    this.#severity = severity
    return 'escalated'
  }

  /** The stream is normal at `time`; closes the episode once it has been for long enough. */
  quiet(time: number): void {
    if (this.#start === null) return
    this.#quietSince ??= time
    this.expire(time)
  }

  /**
   * Closes the episode if it has been quiet for long enough by `time`, even when no reading
   * in between said so (a gap in the data). Returns whether it closed.
   */
  expire(time: number): boolean {
    if (this.#quietSince === null || time - this.#quietSince < this.#quietMs) return false
    this.close()
    return true
  }

  /** The stream is neither clearly abnormal nor clearly normal: the quiet clock restarts. */
  undecided(): void {
    this.#quietSince = null
  }

  close(): void {
    this.#start = null
    this.#severity = 'info'
    this.#quietSince = null
  }
}
