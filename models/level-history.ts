/**
 * A week of trend levels, one every 6 hours, in a fixed ring (constant memory): where the
 * metric stood before it started to move, for the "rose from X to Y over N days" evidence.
 */
const EVERY_HOURS = 6
const SLOTS = 28
const HOUR_MS = 3_600_000

// Layout of its numbers in the state buffer: times in slots 0..27, levels in 28..55, then the ring's own.
const COUNT = 2 * SLOTS
const NEXT = COUNT + 1
const LAST_TIME = NEXT + 1
/** Numbers a level history keeps in its stream's state buffer. */
export const LEVEL_HISTORY_STATE_SIZE = LAST_TIME + 1

export class LevelHistory {
  readonly #s: Float64Array
  readonly #at: number

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(state = new Float64Array(LEVEL_HISTORY_STATE_SIZE), at = 0) {
    this.#s = state
    this.#at = at
    state[at + COUNT] = 0
    state[at + NEXT] = 0
    state[at + LAST_TIME] = -Infinity
  }

  /** Records the level if the last record is at least 6 data hours old. */
  record(time: number, value: number): void {
    const s = this.#s
    const at = this.#at
    if (time - (s[at + LAST_TIME] ?? 0) < EVERY_HOURS * HOUR_MS || !Number.isFinite(value)) return
    const next = s[at + NEXT] ?? 0
    s[at + next] = time
    s[at + SLOTS + next] = value
    s[at + NEXT] = (next + 1) % SLOTS
    s[at + COUNT] = Math.min((s[at + COUNT] ?? 0) + 1, SLOTS)
    s[at + LAST_TIME] = time
  }

  /** The recorded level furthest from the limit side (`sign` 1: the lowest); null if none. */
  furthestFromLimit(sign: 1 | -1): { time: number, value: number } | null {
    const s = this.#s
    const at = this.#at
    let found: { time: number, value: number } | null = null
    for (let i = 0; i < (s[at + COUNT] ?? 0); i++) {
      const value = s[at + SLOTS + i] ?? 0
      if (found !== null && sign * value >= sign * found.value) continue
      found = { time: s[at + i] ?? 0, value }
    }
    return found
  }

  /**
   * The recorded level nearest the limit side (`sign` 1: the highest) among those recorded at
   * or before `cutoff`; null if none.
   */
  nearestToLimitBefore(cutoff: number, sign: 1 | -1): { time: number, value: number } | null {
    const s = this.#s
    const at = this.#at
    let found: { time: number, value: number } | null = null
    for (let i = 0; i < (s[at + COUNT] ?? 0); i++) {
      const time = s[at + i] ?? 0
      const value = s[at + SLOTS + i] ?? 0
      if (time > cutoff || (found !== null && sign * value <= sign * found.value)) continue
      found = { time, value }
    }
    return found
  }
}
