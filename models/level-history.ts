/**
 * A week of trend levels, one every 6 hours, in a fixed ring (constant memory): where the
 * metric stood before it started to move, for the "rose from X to Y over N days" evidence.
 */
const EVERY_HOURS = 6
const SLOTS = 28
const HOUR_MS = 3_600_000

export class LevelHistory {
  /** Times in slots 0..27, levels in 28..55: one buffer, not two. */
  readonly #slots = new Float64Array(2 * SLOTS)
  #count = 0
  #next = 0
  #lastTime = -Infinity

  /** Records the level if the last record is at least 6 data hours old. */
  record(time: number, value: number): void {
    if (time - this.#lastTime < EVERY_HOURS * HOUR_MS || !Number.isFinite(value)) return
    this.#slots[this.#next] = time
    this.#slots[SLOTS + this.#next] = value
    this.#next = (this.#next + 1) % SLOTS
    this.#count = Math.min(this.#count + 1, SLOTS)
    this.#lastTime = time
  }

  /** The recorded level furthest from the limit side (`sign` 1: the lowest); null if none. */
  furthestFromLimit(sign: 1 | -1): { time: number, value: number } | null {
    let found: { time: number, value: number } | null = null
    for (let i = 0; i < this.#count; i++) {
      const value = this.#slots[SLOTS + i] ?? 0
      if (found !== null && sign * value >= sign * found.value) continue
      found = { time: this.#slots[i] ?? 0, value }
    }
    return found
  }

  /**
   * The recorded level nearest the limit side (`sign` 1: the highest) among those recorded at
   * or before `cutoff`; null if none.
   */
  nearestToLimitBefore(cutoff: number, sign: 1 | -1): { time: number, value: number } | null {
    let found: { time: number, value: number } | null = null
    for (let i = 0; i < this.#count; i++) {
      const time = this.#slots[i] ?? 0
      const value = this.#slots[SLOTS + i] ?? 0
      if (time > cutoff || (found !== null && sign * value <= sign * found.value)) continue
      found = { time, value }
    }
    return found
  }
}
