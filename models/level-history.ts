/**
 * A week of trend levels, one every 6 hours, in a fixed ring (constant memory): where the
 * metric stood before it started to move, for the "rose from X to Y over N days" evidence.
 *
 * Times and levels are float32, relative to an anchor time and level kept as float64: times in
 * seconds after the anchor (exact for times on whole seconds within 2^24 s, 194 days, of it; the
 * anchor moves to the newest record once a record is more than 97 days after it), levels as the
 * difference from the first level recorded.
 */
const EVERY_HOURS = 6
const SLOTS = 28
const HOUR_MS = 3_600_000
const SECOND_MS = 1000
/** A record this many seconds after the anchor moves the anchor to it (2^23 s, 97 days). */
const MAX_OFFSET_SECONDS = 2 ** 23

// Layout of its float64 numbers in the state buffer: the ring's own, then its float32 times and
// levels (SLOTS each, so SLOTS float64 slots), read through a Float32Array over the same buffer.
const COUNT = 0
const NEXT = COUNT + 1
const LAST_TIME = NEXT + 1
const ANCHOR_TIME = LAST_TIME + 1
const ANCHOR_LEVEL = ANCHOR_TIME + 1
const FLOATS_AT = ANCHOR_LEVEL + 1
/** Numbers (float64 slots) a level history keeps in its stream's state buffer. */
export const LEVEL_HISTORY_STATE_SIZE = FLOATS_AT + SLOTS

export class LevelHistory {
  readonly #s: Float64Array
  readonly #at: number
  readonly #f: Float32Array
  /** Index in `#f` of the first time; the levels follow the times. */
  readonly #times: number

  /**
   * `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given.
   * `floats`: a Float32Array over the start of the same buffer, at least up to the history's
   * end (shared with the trend bank); its own if not given.
   */
  constructor(
    state = new Float64Array(LEVEL_HISTORY_STATE_SIZE), at = 0,
    floats = new Float32Array(state.buffer, state.byteOffset, 2 * (at + LEVEL_HISTORY_STATE_SIZE)),
  ) {
    this.#s = state
    this.#at = at
    this.#f = floats
    this.#times = 2 * (at + FLOATS_AT)
    state[at + COUNT] = 0
    state[at + NEXT] = 0
    state[at + LAST_TIME] = -Infinity
    state[at + ANCHOR_TIME] = Number.NaN
    state[at + ANCHOR_LEVEL] = Number.NaN
  }

  /** Records the level if the last record is at least 6 data hours old. */
  record(time: number, value: number): void {
    const s = this.#s
    const at = this.#at
    if (time - (s[at + LAST_TIME] ?? 0) < EVERY_HOURS * HOUR_MS || !Number.isFinite(value)) return
    if (Number.isNaN(s[at + ANCHOR_LEVEL])) {
      s[at + ANCHOR_TIME] = time
      s[at + ANCHOR_LEVEL] = value
    }
    const count = s[at + COUNT] ?? 0
    if ((time - (s[at + ANCHOR_TIME] ?? time)) / SECOND_MS > MAX_OFFSET_SECONDS) this.#moveAnchor(time, count)
    const next = s[at + NEXT] ?? 0
    this.#f[this.#times + next] = (time - (s[at + ANCHOR_TIME] ?? time)) / SECOND_MS
    this.#f[this.#times + SLOTS + next] = value - (s[at + ANCHOR_LEVEL] ?? value)
    s[at + NEXT] = (next + 1) % SLOTS
    s[at + COUNT] = Math.min(count + 1, SLOTS)
    s[at + LAST_TIME] = time
  }

  /** The recorded level furthest from the limit side (`sign` 1: the lowest); null if none. */
  furthestFromLimit(sign: 1 | -1): { time: number, value: number } | null {
    const s = this.#s
    const at = this.#at
    const f = this.#f
    const times = this.#times
    let found = -1
    let foundValue = 0
    for (let i = 0; i < (s[at + COUNT] ?? 0); i++) {
      const value = f[times + SLOTS + i] ?? 0
      if (found >= 0 && sign * value >= sign * foundValue) continue
      found = i
      foundValue = value
    }
    return found < 0 ? null : this.#entry(found)
  }

  /**
   * The recorded level nearest the limit side (`sign` 1: the highest) among those recorded at
   * or before `cutoff`; null if none.
   */
  nearestToLimitBefore(cutoff: number, sign: 1 | -1): { time: number, value: number } | null {
    const s = this.#s
    const at = this.#at
    const f = this.#f
    const times = this.#times
    const anchorTime = s[at + ANCHOR_TIME] ?? 0
    let found = -1
    let foundValue = 0
    for (let i = 0; i < (s[at + COUNT] ?? 0); i++) {
      const time = anchorTime + (f[times + i] ?? 0) * SECOND_MS
      const value = f[times + SLOTS + i] ?? 0
      if (time > cutoff || (found >= 0 && sign * value <= sign * foundValue)) continue
      found = i
      foundValue = value
    }
    return found < 0 ? null : this.#entry(found)
  }

  #entry(i: number): { time: number, value: number } {
    const s = this.#s
    const f = this.#f
    return {
      time: (s[this.#at + ANCHOR_TIME] ?? 0) + (f[this.#times + i] ?? 0) * SECOND_MS,
      value: (s[this.#at + ANCHOR_LEVEL] ?? 0) + (f[this.#times + SLOTS + i] ?? 0),
    }
  }

  /** Makes `time` the anchor: the recorded times shift by the difference (levels keep theirs). */
  #moveAnchor(time: number, count: number): void {
    const s = this.#s
    const shift = (time - (s[this.#at + ANCHOR_TIME] ?? time)) / SECOND_MS
    for (let i = 0; i < count; i++) this.#f[this.#times + i] = (this.#f[this.#times + i] ?? 0) - shift
    s[this.#at + ANCHOR_TIME] = time
  }
}
