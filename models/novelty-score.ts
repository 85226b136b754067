/**
 * A continuous anomaly score in [0, 1) per reading: how far the reading's deviations go
 * beyond the largest ones the stream has shown recently ("records"), in constant memory.
 *
 * Five deviations are watched, each against its own decaying record:
 *   - above the usual value for this hour of the day (24 hourly levels, so a load that peaks
 *     every afternoon is not a deviation);
 *   - below the usual value for this hour;
 *   - below the long-run level;
 *   - the short-run mean above the long-run level (a drift or a lasting shift);
 *   - the short-run mean step between readings (jitter: a stream that starts to oscillate).
 * A deviation's ratio to its record is scale-free, so one threshold fits streams of any unit
 * and noise: ratio 1 means "as large as the largest deviation of the last weeks". This is the
 * record statistic of extreme-value practice (Coles 2001, §1.2), with an exponentially
 * decaying memory instead of a window, and the idea behind Numenta's "spatial anomaly" rule
 * (a value beyond every value seen, NAB detectors/numenta).
 *
 * Constants are in readings, not hours: they were chosen on the Numenta Anomaly Benchmark,
 * whose streams are sampled every 5 minutes to 1 hour, and measured better per reading
 * (docs/models.md, "NAB").
 */

/** Decaying memory of a record: it halves every this many readings without a new one. */
const RECORD_HALF_LIFE_READINGS = 3000
/**
 * A reading after the warm-up can raise a record to at most twice its value, so one anomaly
 * does not hide the next, smaller one for weeks.
 */
const RECORD_CAP = 2
/** Long-run level: exponential mean over about 1000 readings (3.5 days at 5-minute readings). */
const LEVEL_RATE = 1e-3
/** Weight of a reading in its hour-of-day level (about 10 days of memory per hour). */
const HOUR_RATE = 0.1
const HOURS_PER_DAY = 24
/** Short-run mean for drifts, over about 24 readings (2 hours at 5-minute readings). */
const DRIFT_SPAN_READINGS = 24
/** Short-run mean step, over about 6 readings. */
const JITTER_SPAN_READINGS = 6
/**
 * Weights of the deviations (hour high, hour low, level low, drift high, jitter). Below the
 * hourly level counts a little less: a dip inside the daily cycle is the most common benign
 * deviation. Chosen on NAB with the corpus-wide threshold (docs/models.md).
 */
const WEIGHTS = [1, 0.64, 1, 1, 1] as const
/**
 * After a high score, later readings of the same episode score only 0.3 × their ratio unless
 * they exceed the (decaying) peak: one event gives one high score, growing evidence another.
 */
const HOLD_HALF_LIFE_READINGS = 150
const HOLD_FACTOR = 0.3
/**
 * Records never fall below 0.1 % of the level (the accuracy class of industrial transmitters,
 * as the robust baseline's spread floor) or 1e-9: rounding noise on a flat stream is no record.
 */
const RECORD_FLOOR_RELATIVE = 1e-3
const RECORD_FLOOR_ABSOLUTE = 1e-9
/** Largest ratio reported, so the score stays below 1 and well resolved. */
const MAX_RATIO = 1e6
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

const RECORD_DECAY = 0.5 ** (1 / RECORD_HALF_LIFE_READINGS)
const HOLD_DECAY = 0.5 ** (1 / HOLD_HALF_LIFE_READINGS)
/** Per-stream state is one buffer: the hourly levels, then one record per deviation. */
const RECORDS_AT = HOURS_PER_DAY
// Work buffer shared by all streams: every use is synchronous and finishes before the next.
const deviations = new Float64Array(WEIGHTS.length)

/** Online novelty score of one stream; feed it physically valid readings in time order. */
export class NoveltyScore {
  readonly #warmupReadings: number
  readonly #state = new Float64Array(HOURS_PER_DAY + WEIGHTS.length)
  #seen = 0
  #level = 0
  #previous = 0
  #drift = 0
  #jitter = 0
  #held = 0

  constructor(warmupReadings: number) {
    this.#warmupReadings = warmupReadings
  }

  /** Scores a reading, then learns it. 0 during the warm-up; always in [0, 1), never NaN. */
  observe(time: number, value: number): number {
    // Readings near the largest double can overflow the running means; start afresh then.
    if (this.#seen === 0 || !Number.isFinite(this.#level + this.#drift + this.#jitter)) this.#start(value)
    const hour = hourOfDay(time)
    const usual = this.#usualAt(hour, value)
    this.#drift += (value - this.#drift) / DRIFT_SPAN_READINGS
    this.#jitter += (Math.abs(value - this.#previous) - this.#jitter) / JITTER_SPAN_READINGS
    this.#measure(value, usual)

    const isWarm = this.#seen >= this.#warmupReadings
    const ratio = this.#ratioAndLearn(isWarm)
    this.#level += LEVEL_RATE * (value - this.#level)
    this.#state[hour] = usual + HOUR_RATE * (value - usual)
    this.#previous = value
    this.#seen++
    return isWarm ? this.#hold(ratio) : 0
  }

  #start(value: number): void {
    this.#level = value
    this.#previous = value
    this.#drift = value
    this.#jitter = 0
    this.#state.fill(Number.NaN, 0, HOURS_PER_DAY)
    this.#state.fill(0, RECORDS_AT)
  }

  #usualAt(hour: number, value: number): number {
    const usual = this.#state[hour] ?? Number.NaN
    return Number.isNaN(usual) ? value : usual
  }

  #measure(value: number, usual: number): void {
    const d = deviations
    d[0] = Math.max(0, value - usual)
    d[1] = Math.max(0, usual - value)
    d[2] = Math.max(0, this.#level - value)
    d[3] = Math.max(0, this.#drift - this.#level)
    d[4] = this.#jitter
  }

  /**
   * The largest weighted ratio of a deviation to its record; then the records learn. A kind of
   * deviation the stream has never shown has no record yet: its first occurrence becomes the
   * record instead of scoring (a slow stream's first rise is no anomaly; measured on NAB).
   */
  #ratioAndLearn(isWarm: boolean): number {
    const floor = Math.max(RECORD_FLOOR_RELATIVE * Math.abs(this.#level), RECORD_FLOOR_ABSOLUTE)
    let ratio = 0
    for (let k = 0; k < WEIGHTS.length; k++) {
      const deviation = deviations[k] ?? 0
      const record = this.#state[RECORDS_AT + k] ?? 0
      if (record > 0) ratio = Math.max(ratio, ((WEIGHTS[k] ?? 1) * deviation) / Math.max(record, floor))
      const learned = isWarm && record > 0 ? Math.min(deviation, RECORD_CAP * record) : deviation
      this.#state[RECORDS_AT + k] = Math.max(record * RECORD_DECAY, learned)
    }
    return ratio >= 0 ? Math.min(ratio, MAX_RATIO) : 0
  }

  #hold(ratio: number): number {
    const shown = ratio > this.#held ? ratio : HOLD_FACTOR * ratio
    this.#held = Math.max(this.#held * HOLD_DECAY, ratio)
    return shown / (1 + shown)
  }
}

function hourOfDay(time: number): number {
  return Math.floor((((time % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)
}
