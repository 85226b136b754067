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
 * (a value beyond every value seen, NAB detectors/numenta). A record never falls below a floor
 * set by the stream's own spread, so deviations that are small next to the stream's usual
 * swing are never records, however calm the last weeks were. After a high score the next
 * readings of the same episode are damped, as NAB rewards only the first detection of an event.
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
 * After a high score, later readings of the same episode score only 0.1 × their ratio unless
 * they exceed the (decaying) peak: one event gives one high score, growing evidence another.
 * NAB counts only a window's first detection and charges every detection outside a window,
 * so repeats are damped hard: 0.1 rather than 0.3 added about 0.1–0.3 to each NAB figure; 0
 * scored the same but would pile the held readings up at one value.
 */
const HOLD_HALF_LIFE_READINGS = 150
const HOLD_FACTOR = 0.1
/**
 * Records never fall below 0.1 % of the level (the accuracy class of industrial transmitters,
 * as the robust baseline's spread floor) or 1e-9: rounding noise on a flat stream is no record.
 */
const RECORD_FLOOR_RELATIVE = 1e-3
const RECORD_FLOOR_ABSOLUTE = 1e-9
/**
 * Nor below a share of the stream's usual swing, its spread (the exponential mean of
 * |value − long-run level|, at the level's rate), per deviation in the order of WEIGHTS: 0.4
 * spread for a single reading's deviation, a whole spread for the short-run mean and step.
 * Without it, a kind of deviation that is tiny next to the stream's own swing (the step of a
 * smooth daily cycle, the 2-hour drift of a noisy stream) holds a tiny record, and ordinary
 * wiggles then break it: on healthy simulated cycles half of the readings above the NAB
 * threshold came from this. The floor is in the stream's own units, so it does not depend on
 * the unit or the offset of the value. On NAB (docs/models.md, "NAB") any single-reading floor
 * of 0.3–0.5 spread and short-run floor of 0.8–1.2 scored within 1 point of each other, and
 * 2–3 points above no floor, in both halves of the corpus.
 */
const RECORD_FLOOR_SPREADS = [0.4, 0.4, 0.4, 1, 1] as const
/** Largest ratio reported, so the score stays below 1 and well resolved. */
const MAX_RATIO = 1e6
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

const RECORD_DECAY = 0.5 ** (1 / RECORD_HALF_LIFE_READINGS)
const HOLD_DECAY = 0.5 ** (1 / HOLD_HALF_LIFE_READINGS)
const DEVIATIONS = WEIGHTS.length
/**
 * Per-stream state is numbers in a buffer (no boxed number per field), usually the stream's
 * shared state buffer: the hourly levels (NaN until the hour is first seen), one record per
 * deviation, then the running scalars.
 */
const RECORDS_AT = HOURS_PER_DAY
const LEVEL = RECORDS_AT + DEVIATIONS
/** The previous reading, for the jitter. */
const PREVIOUS = LEVEL + 1
/** Short-run mean, for drifts. */
const DRIFT = LEVEL + 2
/** Short-run mean absolute step. */
const JITTER = LEVEL + 3
/** Long-run mean absolute distance from the level: the stream's usual swing. */
const SPREAD = LEVEL + 4
/** Recent peak ratio, halving every HOLD_HALF_LIFE_READINGS. */
const HELD = LEVEL + 5
/** Readings seen (kept when a reading near the largest double makes the score start afresh). */
const SEEN = LEVEL + 6
/** Numbers a novelty score keeps in its stream's state buffer. */
export const NOVELTY_STATE_SIZE = SEEN + 1
// Work buffer shared by all streams: every use is synchronous and finishes before the next.
const deviations = new Float64Array(DEVIATIONS)

/** Online novelty score of one stream; feed it physically valid readings in time order. */
export class NoveltyScore {
  readonly #warmupReadings: number
  readonly #s: Float64Array
  readonly #at: number

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(warmupReadings: number, state = new Float64Array(NOVELTY_STATE_SIZE), at = 0) {
    this.#warmupReadings = warmupReadings
    this.#s = state
    this.#at = at
    state.fill(0, at, at + NOVELTY_STATE_SIZE)
  }

  /** Scores a reading, then learns it. 0 during the warm-up; always in [0, 1), never NaN. */
  observe(time: number, value: number): number {
    const s = this.#s
    const a = this.#at
    const seen = at(s, a + SEEN)
    // Readings near the largest double can overflow the running means; start afresh then.
    if (seen === 0 || !Number.isFinite(at(s, a + LEVEL) + at(s, a + DRIFT) + at(s, a + JITTER) + at(s, a + SPREAD))) {
      this.#start(value)
    }
    const hour = hourOfDay(time)
    const usual = this.#usualAt(hour, value)
    const level = at(s, a + LEVEL)
    const spread = at(s, a + SPREAD)
    const drift = at(s, a + DRIFT) + (value - at(s, a + DRIFT)) / DRIFT_SPAN_READINGS
    const jitter = at(s, a + JITTER)
      + (Math.abs(value - at(s, a + PREVIOUS)) - at(s, a + JITTER)) / JITTER_SPAN_READINGS
    measure(value, usual, level, drift, jitter)

    const isWarm = seen >= this.#warmupReadings
    const floor = Math.max(RECORD_FLOOR_RELATIVE * Math.abs(level), RECORD_FLOOR_ABSOLUTE)
    const ratio = this.#ratioAndLearn(isWarm, floor, spread)
    s[a + DRIFT] = drift
    s[a + JITTER] = jitter
    s[a + SPREAD] = spread + LEVEL_RATE * (Math.abs(value - level) - spread)
    s[a + LEVEL] = level + LEVEL_RATE * (value - level)
    s[a + hour] = usual + HOUR_RATE * (value - usual)
    s[a + PREVIOUS] = value
    s[a + SEEN] = seen + 1
    return isWarm ? this.#hold(ratio) : 0
  }

  #start(value: number): void {
    const s = this.#s
    const a = this.#at
    s.fill(Number.NaN, a, a + HOURS_PER_DAY)
    s.fill(0, a + RECORDS_AT, a + SEEN)
    s[a + LEVEL] = value
    s[a + PREVIOUS] = value
    s[a + DRIFT] = value
  }

  #usualAt(hour: number, value: number): number {
    const usual = this.#s[this.#at + hour] ?? Number.NaN
    return Number.isNaN(usual) ? value : usual
  }

  /**
   * The largest weighted ratio of a deviation to its record (or to its floor, if higher); then
   * the records learn. A kind of deviation the stream has never shown has no record yet: its
   * first occurrence becomes the record instead of scoring (a slow stream's first rise is no
   * anomaly; measured on NAB).
   */
  #ratioAndLearn(isWarm: boolean, floor: number, spread: number): number {
    const s = this.#s
    const records = this.#at + RECORDS_AT
    let ratio = 0
    for (let k = 0; k < DEVIATIONS; k++) {
      const deviation = deviations[k] ?? 0
      const record = at(s, records + k)
      const least = Math.max(floor, (RECORD_FLOOR_SPREADS[k] ?? 1) * spread)
      if (record > 0) ratio = Math.max(ratio, ((WEIGHTS[k] ?? 1) * deviation) / Math.max(record, least))
      const learned = isWarm && record > 0 ? Math.min(deviation, RECORD_CAP * record) : deviation
      s[records + k] = Math.max(record * RECORD_DECAY, learned)
    }
    return ratio >= 0 ? Math.min(ratio, MAX_RATIO) : 0
  }

  #hold(ratio: number): number {
    const s = this.#s
    const held = at(s, this.#at + HELD)
    const shown = ratio > held ? ratio : HOLD_FACTOR * ratio
    s[this.#at + HELD] = Math.max(held * HOLD_DECAY, ratio)
    return shown / (1 + shown)
  }
}

/** The five deviations of a reading, in the order of WEIGHTS. */
function measure(value: number, usual: number, level: number, drift: number, jitter: number): void {
  const d = deviations
  d[0] = Math.max(0, value - usual)
  d[1] = Math.max(0, usual - value)
  d[2] = Math.max(0, level - value)
  d[3] = Math.max(0, drift - level)
  d[4] = jitter
}

function at(state: Float64Array, index: number): number {
  return state[index] ?? 0
}

function hourOfDay(time: number): number {
  return Math.floor((((time % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)
}
