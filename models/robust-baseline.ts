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

export class RobustBaseline {
  readonly #warmupReadings: number
  #buffer: Float64Array | null
  #buffered = 0
  #seen = 0
  #location = 0
  #mad = 0
  #lastTime = Number.NaN

  constructor(warmupReadings: number) {
    this.#warmupReadings = warmupReadings
    this.#buffer = new Float64Array(Math.min(warmupReadings, WARMUP_BUFFER_MAX))
  }

  /** Location and spread exist (the warm-up buffer has been summarised). */
  get isReady(): boolean { return this.#buffer === null }

  /** Enough readings have been seen for scores to be trusted. */
  get isWarm(): boolean { return this.isReady && this.#seen >= this.#warmupReadings }

  get state(): BaselineState {
    return { isWarm: this.isWarm, location: this.#location, spread: this.spread }
  }

  get spread(): number {
    return Math.max(MAD_TO_SIGMA * this.#mad, this.#spreadFloor())
  }

  /** Robust z-score of a value; 0 until ready. Always finite (clamped to ±1e9). */
  score(value: number): number {
    if (!this.isReady) return 0
    const z = (value - this.#location) / this.spread
    if (Number.isNaN(z)) return 0
    return Math.max(-1e9, Math.min(1e9, z))
  }

  /** Feeds a reading judged normal (never an outlier, never a sensor fault). */
  learn(time: number, value: number): void {
    this.#seen++
    if (this.#buffer !== null) {
      this.#collect(time, value, this.#buffer)
      return
    }
    this.#track(time, value)
  }

  /** Forgets everything and warms up again, e.g. after the stream settled at a new level. */
  reset(): void {
    this.#buffer = new Float64Array(Math.min(this.#warmupReadings, WARMUP_BUFFER_MAX))
    this.#buffered = 0
    this.#seen = 0
    this.#lastTime = Number.NaN
  }

  #collect(time: number, value: number, buffer: Float64Array): void {
    buffer[this.#buffered++] = value
    this.#lastTime = time
    if (this.#buffered < buffer.length) return

    const sorted = buffer.slice().sort()
    this.#location = median(sorted)
    const deviations = sorted.map((v) => Math.abs(v - this.#location)).sort()
    this.#mad = median(deviations)
    if (this.#mad === 0) {
      // Iglewicz & Hoaglin (1993): when more than half the values are equal the MAD is 0;
      // fall back to the mean absolute deviation, rescaled to the same sigma.
      this.#mad = (mean(deviations) * MEAN_AD_TO_SIGMA) / MAD_TO_SIGMA
    }
    // Readings spanning the whole double range overflow their deviations; cap, do not fail.
    if (!(this.#mad <= MAX_MAD)) this.#mad = MAX_MAD
    this.#buffer = null
  }

  #track(time: number, value: number): void {
    const hours = Math.min(Math.max((time - this.#lastTime) / HOUR_MS, 0), MAX_STEP_HOURS)
    this.#lastTime = time
    if (!(hours > 0)) return

    const residual = value - this.#location
    this.#location += (this.spread * hours * Math.sign(residual)) / LEVEL_HOURS_PER_SPREAD
    const step = Math.exp((hours * Math.sign(Math.abs(residual) - this.#mad)) / SPREAD_HOURS_PER_E_FOLD)
    // Held at the floor, the multiplicative tracker can still grow when the stream wakes up.
    this.#mad = Math.min(Math.max(this.#mad * step, this.#spreadFloor() / MAD_TO_SIGMA), MAX_MAD)
    if (!Number.isFinite(this.#location)) this.reset()
  }

  #spreadFloor(): number {
    return Math.max(SPREAD_FLOOR_RELATIVE * Math.abs(this.#location), SPREAD_FLOOR_ABSOLUTE)
  }
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
