import type { Severity } from '../core/index.js'

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }
const HOUR_MS = 3_600_000

/** What an episode step asks the caller to do. */
export type EpisodeChange = 'opened' | 'escalated' | null

/**
 * An episode's numbers in its detector's state buffer: its start (NaN: none open), its severity
 * rank and since when it has been quiet (NaN: not quiet). Three numbers, no object per stream.
 */
export const EPISODE_SIZE = 3
const START = 0
const SEVERITY = 1
const QUIET_SINCE = 2

/**
 * One abnormal episode of a stream, with hysteresis: it opens once, reports again only when
 * its severity grows, and closes only after the stream has been quiet for `quietHours` of
 * data time. This is what keeps one fault from turning into a Signal per reading.
 *
 * A rule holds no stream's state: one rule per kind of episode is shared by every stream, and
 * each call names the state buffer and the position of the episode's three numbers in it.
 */
export class EpisodeRule {
  readonly #quietMs: number

  constructor(quietHours: number) {
    this.#quietMs = quietHours * HOUR_MS
  }

  /** Sets up a closed episode at `s[at..at+3)`. */
  init(s: Float64Array, at: number): void {
    this.close(s, at)
  }

  isOpen(s: Float64Array, at: number): boolean {
    return !Number.isNaN(s[at + START] ?? Number.NaN)
  }

  /** Data time the episode began; null when none is open. */
  start(s: Float64Array, at: number): number | null {
    const start = s[at + START] ?? Number.NaN
    return Number.isNaN(start) ? null : start
  }

  /** The stream is abnormal at `time` with this severity (the episode starting at `since`). */
  active(s: Float64Array, at: number, time: number, severity: Severity, since: number = time): EpisodeChange {
    this.expire(s, at, time)
    s[at + QUIET_SINCE] = Number.NaN
    const rank = SEVERITY_RANK[severity]
    if (!this.isOpen(s, at)) {
      s[at + START] = since
      s[at + SEVERITY] = rank
      return 'opened'
    }
    if (rank <= (s[at + SEVERITY] ?? 0)) return null
    s[at + SEVERITY] = rank
    return 'escalated'
  }

  /** The stream is normal at `time`; closes the episode once it has been for long enough. */
  quiet(s: Float64Array, at: number, time: number): void {
    if (!this.isOpen(s, at)) return
    if (Number.isNaN(s[at + QUIET_SINCE] ?? Number.NaN)) s[at + QUIET_SINCE] = time
    this.expire(s, at, time)
  }

  /**
   * Closes the episode if it has been quiet for long enough by `time`, even when no reading
   * in between said so (a gap in the data). Returns whether it closed.
   */
  expire(s: Float64Array, at: number, time: number): boolean {
    const quietSince = s[at + QUIET_SINCE] ?? Number.NaN
    if (Number.isNaN(quietSince) || time - quietSince < this.#quietMs) return false
    this.close(s, at)
    return true
  }

  /** The stream is neither clearly abnormal nor clearly normal: the quiet clock restarts. */
  undecided(s: Float64Array, at: number): void {
    s[at + QUIET_SINCE] = Number.NaN
  }

  close(s: Float64Array, at: number): void {
    s[at + START] = Number.NaN
    s[at + SEVERITY] = 0
    s[at + QUIET_SINCE] = Number.NaN
  }
}
