/**
 * Online robust estimate of a stream's usual level (a streaming median) and spread (a
 * streaming MAD), in constant memory.
 *
 * Warm-up: the first readings are kept in a bounded buffer and summarised exactly by median
 * and MAD. After that both are tracked by stochastic-approximation quantile updates
 * (Robbins & Monro 1951; the "frugal streaming" median of Ma, Muthukrishnan & Sandler 2013):
 * each reading moves the estimate by a fixed small step towards itself, whatever its size.
 * One wild reading therefore shifts the baseline by at most one step, and a slow drift is
 * followed at a bounded speed rather than swallowed.
 */

/** MAD to standard deviation for normal data: 1 / Φ⁻¹(3/4) (Rousseeuw & Croux 1993). */
const MAD_TO_SIGMA = 1.4826
/** Mean absolute deviation to standard deviation for normal data: √(π/2). */
const MEAN_AD_TO_SIGMA = 1.2533
/**
 * Spread floor, relative to the level: 0.1 % of reading, the accuracy class of common
 * industrial transmitters. A stream that never moved (MAD 0) then scores a 0.1 % change as
 * z = 1 instead of dividing by zero.
 */
const SPREAD_FLOOR_RELATIVE = 1e-3
/** Spread floor for a level at or near zero, in the metric's own unit. */
const SPREAD_FLOOR_ABSOLUTE = 1e-9
/** Longest warm-up kept verbatim; beyond it the trackers continue the warm-up. */
const WARMUP_BUFFER_MAX = 512
/**
 * Time for the level tracker to move one spread: three days, so a daily load cycle stays
 * inside the spread instead of being chased, and a real change is followed within days.
 */
const LEVEL_HOURS_PER_SPREAD = 72
/** Time for the spread tracker to change by a factor e: two weeks of operation. */
const SPREAD_HOURS_PER_E_FOLD = 336
/** A gap in the data counts as at most this much time, so one reading never jumps far. */
const MAX_STEP_HOURS = 1
const MAX_MAD = Number.MAX_VALUE / 8
const HOUR_MS = 3_600_000

/** Snapshot of a baseline, for evidence and for evaluating a detector alone. */
export interface BaselineState {
  isWarm: boolean
  location: number
  /** Robust standard deviation (1.4826 · MAD), never below the documented floor. */
  spread: number
}

// Layout of the baseline's numbers in its state buffer.
const BUFFERED = 0
const SEEN = 1
const LOCATION = 2
const MAD = 3
const LAST_TIME = 4
/** Numbers a baseline keeps in its stream's state buffer (the warm-up buffer is apart and temporary). */
export const BASELINE_STATE_SIZE = 5

export class RobustBaseline {
  readonly #warmupReadings: number
  readonly #s: Float64Array
  readonly #at: number
  /** The warm-up readings; null once they are summarised. */
  #buffer: Float64Array | null

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(warmupReadings: number, state = new Float64Array(BASELINE_STATE_SIZE), at = 0) {
    this.#warmupReadings = warmupReadings
    this.#s = state
    this.#at = at
    this.#buffer = new Float64Array(Math.min(warmupReadings, WARMUP_BUFFER_MAX))
    state[at + BUFFERED] = 0
    state[at + SEEN] = 0
    state[at + LOCATION] = 0
    state[at + MAD] = 0
    state[at + LAST_TIME] = Number.NaN
  }

  /** Location and spread exist (the warm-up buffer has been summarised). */
  get isReady(): boolean { return this.#buffer === null }

  /** Enough readings have been seen for scores to be trusted. */
  get isWarm(): boolean { return this.isReady && (this.#s[this.#at + SEEN] ?? 0) >= this.#warmupReadings }

  get state(): BaselineState {
    const s = this.#s
    const at = this.#at
    return { isWarm: this.isWarm, location: s[at + LOCATION] ?? 0, spread: this.spread }
  }

  get spread(): number {
    const s = this.#s
    const at = this.#at
    return spreadOf(s[at + MAD] ?? 0, s[at + LOCATION] ?? 0)
  }

  /** Robust z-score of a value; 0 until ready. Always finite (clamped to ±1e9). */
  score(value: number): number {
    if (!this.isReady) return 0
    const z = (value - (this.#s[this.#at + LOCATION] ?? 0)) / this.spread
    if (Number.isNaN(z)) return 0
    return Math.max(-1e9, Math.min(1e9, z))
  }

  /** Feeds a reading judged normal (never an outlier, never a sensor fault). */
  learn(time: number, value: number): void {
    const s = this.#s
    const at = this.#at
    s[at + SEEN] = (s[at + SEEN] ?? 0) + 1
    if (this.#buffer !== null) {
      this.#collect(time, value, this.#buffer)
      return
    }
    this.#track(time, value)
  }

  /** Forgets everything and warms up again, e.g. after the stream settled at a new level. */
  reset(): void {
    const s = this.#s
    const at = this.#at
    this.#buffer = new Float64Array(Math.min(this.#warmupReadings, WARMUP_BUFFER_MAX))
    s[at + BUFFERED] = 0
    s[at + SEEN] = 0
    s[at + LAST_TIME] = Number.NaN
  }

  #collect(time: number, value: number, buffer: Float64Array): void {
    const s = this.#s
    const at = this.#at
    const buffered = s[at + BUFFERED] ?? 0
    buffer[buffered] = value
    s[at + BUFFERED] = buffered + 1
    s[at + LAST_TIME] = time
    if (buffered + 1 < buffer.length) return

    const sorted = buffer.slice().sort()
    const location = median(sorted)
    const deviations = sorted.map((v) => Math.abs(v - location)).sort()
    let mad = median(deviations)
    if (mad === 0) {
      // Iglewicz & Hoaglin (1993): when more than half the values are equal the MAD is 0;
      // fall back to the mean absolute deviation, rescaled to the same sigma.
      mad = (mean(deviations) * MEAN_AD_TO_SIGMA) / MAD_TO_SIGMA
    }
    // Readings spanning the whole double range overflow their deviations; cap, do not fail.
    if (!(mad <= MAX_MAD)) mad = MAX_MAD
    s[at + LOCATION] = location
    s[at + MAD] = mad
    this.#buffer = null
  }

  #track(time: number, value: number): void {
    const s = this.#s
    const at = this.#at
    const hours = Math.min(Math.max((time - (s[at + LAST_TIME] ?? 0)) / HOUR_MS, 0), MAX_STEP_HOURS)
    s[at + LAST_TIME] = time
    if (!(hours > 0)) return

    const location = s[at + LOCATION] ?? 0
    const mad = s[at + MAD] ?? 0
    const residual = value - location
    const moved = location + (spreadOf(mad, location) * hours * Math.sign(residual)) / LEVEL_HOURS_PER_SPREAD
    const step = Math.exp((hours * Math.sign(Math.abs(residual) - mad)) / SPREAD_HOURS_PER_E_FOLD)
    s[at + LOCATION] = moved
    // Held at the floor, the multiplicative tracker can still grow when the stream wakes up.
    s[at + MAD] = Math.min(Math.max(mad * step, spreadFloor(moved) / MAD_TO_SIGMA), MAX_MAD)
    if (!Number.isFinite(moved)) this.reset()
  }
}

/** Robust standard deviation from the MAD, never below the floor for the level. */
function spreadOf(mad: number, location: number): number {
  return Math.max(MAD_TO_SIGMA * mad, spreadFloor(location))
}

function spreadFloor(location: number): number {
  return Math.max(SPREAD_FLOOR_RELATIVE * Math.abs(location), SPREAD_FLOOR_ABSOLUTE)
}

/**
 * Halves before adding, so two values near the largest double do not overflow; equal middle
 * values are returned as they are, so a constant stream's median is exactly its value.
 */
function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1
  const upper = sorted[mid] ?? 0
  const lower = sorted[mid - 1] ?? upper
  if (sorted.length % 2 === 1 || lower === upper) return upper
  return lower / 2 + upper / 2
}

/** Running mean, which cannot overflow the way a sum of large values can. */
function mean(values: Float64Array): number {
  let average = 0
  values.forEach((value, i) => {
    average += (value - average) / (i + 1)
  })
  return average
}
