import type { Config, EvidencePoint } from '../core/index.js'
import { EPISODE_SIZE, EpisodeRule } from './episode.js'
import type { Finding } from './finding.js'
import { SeasonalProfile } from './seasonal-profile.js'
import type { StreamContext } from './stream-context.js'
import { shiftSentence } from './summary.js'

/** Detector name and version carried by every level-shift Signal. */
export const CUSUM_DETECTOR = { name: 'cusum-shift', version: '1.0.0' } as const

/**
 * No alarm before the stream has been watched for 9 days: every hour of the week must have
 * been seen once, or the first weekend of a plant that idles at weekends would be a "shift";
 * and the spread of hourly means is learned only from the second week on (in the first, each
 * hour is compared with itself), so it has two days of hours behind it when alarms start.
 */
const WARMUP_HOURS = 9 * 24
const PROFILE_WEEK_HOURS = 7 * 24
/**
 * The sums run on hourly means of the residuals (batch means), not on single readings: readings
 * of real sensors wander together for minutes to hours, and residuals that are not independent
 * make a per-reading CUSUM alarm far more often than its threshold promises. An hour's mean is
 * standardised by 1.2533 × the mean absolute hourly mean (√(π/2), mean absolute deviation to SD
 * of a normal), an exponential mean over about a week of hours, each capped at 4 such SDs so one
 * bad hour cannot widen it. An hour without readings is no hour at all: a gap is not a zero.
 */
const MEAN_AD_TO_SIGMA = 1.2533
const SCALE_MEMORY_BLOCKS = 168
/**
 * Standardised residuals are capped at ±4 before they enter the sums (a Winsorised CUSUM), so a
 * single spike adds at most 4 − k and a shift must last. Readings beyond ±4 are not learned by
 * the profile either, so it does not absorb a large shift it is reporting.
 */
const Z_CAP = 4
/** Per-reading residual spread, for keeping a large shift out of the profile: about two days. */
const READING_SCALE_MEMORY_HOURS = 48
/** Spread floor as in the robust baseline: 0.1 % of the level (transmitter accuracy), or 1e-9. */
const SCALE_FLOOR_RELATIVE = 1e-3
const SCALE_FLOOR_ABSOLUTE = 1e-9
/**
 * A sum is capped at twice the threshold, so once a shift ends it falls back below half the
 * threshold (the quiet level of the hysteresis) within about 1.5 × threshold / k readings.
 */
const SUM_CAP_FACTOR = 2
const QUIET_FRACTION = 0.5
/** Quiet data time before an episode ends (as the z-score episodes). */
const QUIET_HOURS = 6
/** After a silence this long the sums start afresh: the sensor may have been replaced or re-ranged. */
const RESTART_GAP_HOURS = 6
/** An episode still open after 3 days is the new normal: the profile is learned again. */
const REBASELINE_HOURS = 72
const HOUR_MS = 3_600_000

/** Settings the change detector reads from `config.models`. */
export type ChangeSettings = Pick<Config['models'], 'warmupReadings' | 'cusumSlack' | 'cusumThreshold'>

// Layout of the detector's numbers in its state buffer. First its own numbers:
const SEEN = 0
const FIRST_TIME = 1
const LAST_TIME = 2
const MEAN_ABS = 3
const RESIDUALS = 4
const BLOCK_MEAN_ABS = 5
const BLOCKS = 6
const BLOCK_HOUR = 7
const BLOCK_SUM = 8
const BLOCK_COUNT = 9
const BLOCK_LAST_TIME = 10
const BLOCK_LAST_VALUE = 11
const BLOCK_EXPECTED = 12
const PEAK = 13
// ...then one side of the two-sided CUSUM each: the sum, since when it has been above zero, the
// hourly means in it, their total z, and its first hour's evidence (NaN time: none).
const UP = 14
const SUM = 0
const SIDE_START = 1
const READINGS = 2
const Z_TOTAL = 3
const SIDE_FIRST_TIME = 4
const SIDE_FIRST_VALUE = 5
const SIDE_FIRST_SCORE = 6
const SIDE_SIZE = 7
const DOWN = UP + SIDE_SIZE
const EPISODE_AT = DOWN + SIDE_SIZE
/**
 * Numbers the change detector keeps in its stream's state buffer; the hour-of-week profile's
 * levels and counts are apart (SeasonalProfile), as float32 and bytes.
 */
export const CHANGE_STATE_SIZE = EPISODE_AT + EPISODE_SIZE
const EPISODE = new EpisodeRule(QUIET_HOURS)

/**
 * Two-sided CUSUM (Page 1954) on hourly mean residuals from the stream's hour-of-week profile,
 * standardised robustly: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k), alarm when either
 * exceeds h. With the defaults k = 1 and h = 15 it finds a lasting shift of 2 hourly SDs in
 * about 15 hours and of 4 in about 5, while for independent normal hourly means a false alarm
 * takes longer than 10¹¹ hours on average (Siegmund's approximation, ARL₀ ≈ (e^{2k(h+1.166)}
 * − 2k(h+1.166) − 1) / 2k², per side). Hourly means of real sensors still wander, which shortens
 * that a great deal; h is a setting (`models.cusumThreshold`) for that reason.
 */
export class ChangeDetector {
  readonly #ctx: StreamContext
  readonly #settings: ChangeSettings
  readonly #profile: SeasonalProfile
  readonly #s: Float64Array
  readonly #at: number

  /**
   * `state` and `at`: where its numbers live (the stream's buffer), `profile` the hour-of-week
   * profile (over the stream's buffer too); its own if not given.
   */
  constructor(
    ctx: StreamContext, settings: ChangeSettings,
    state = new Float64Array(CHANGE_STATE_SIZE), at = 0, profile = new SeasonalProfile(),
  ) {
    this.#ctx = ctx
    this.#settings = settings
    this.#profile = profile
    this.#s = state
    this.#at = at
    state[at + SEEN] = 0
    state[at + FIRST_TIME] = Number.NaN
    state[at + LAST_TIME] = Number.NaN
    state[at + MEAN_ABS] = 0
    state[at + RESIDUALS] = 0
    state[at + BLOCK_MEAN_ABS] = 0
    state[at + BLOCKS] = 0
    state[at + BLOCK_HOUR] = Number.NaN
    state[at + BLOCK_SUM] = 0
    state[at + BLOCK_COUNT] = 0
    state[at + BLOCK_LAST_TIME] = Number.NaN
    state[at + BLOCK_LAST_VALUE] = 0
    state[at + BLOCK_EXPECTED] = 0
    state[at + PEAK] = 0
    this.#restart()
    EPISODE.init(state, at + EPISODE_AT)
  }

  /**
   * The usual value for this hour of the week once the profile has seen every hour (the
   * detector is warm); NaN before. Lets the z-score detector leave a weekly pattern alone.
   */
  usualAt(time: number): number {
    return this.#isWarm(time) ? this.#profile.expected(time) : Number.NaN
  }

  /** Warm: more readings than the warm-up and the first one at least WARMUP_HOURS before `time`. */
  #isWarm(time: number): boolean {
    const s = this.#s
    const at = this.#at
    return (s[at + SEEN] ?? 0) > this.#settings.warmupReadings
      && time - (s[at + FIRST_TIME] ?? 0) >= WARMUP_HOURS * HOUR_MS
  }

  /** Feeds a physically valid reading (not a stuck one), in time order. */
  observe(time: number, value: number): Finding | null {
    const s = this.#s
    const at = this.#at
    const gapHours = Number.isNaN(s[at + LAST_TIME] ?? 0) ? 0 : (time - (s[at + LAST_TIME] ?? 0)) / HOUR_MS
    if (Number.isNaN(s[at + FIRST_TIME] ?? 0)) s[at + FIRST_TIME] = time
    s[at + LAST_TIME] = time
    s[at + SEEN] = (s[at + SEEN] ?? 0) + 1
    if (gapHours > RESTART_GAP_HOURS) this.#restart()

    // An hour's block closes with the first reading of a later hour.
    const hour = Math.floor(time / HOUR_MS)
    const closed = hour !== (s[at + BLOCK_HOUR] ?? 0) ? this.#closeBlock() : null
    s[at + BLOCK_HOUR] = hour

    const expected = this.#profile.expected(time)
    if (Number.isNaN(expected)) {
      this.#profile.learn(time, value, gapHours)
      return closed
    }
    const scale = Math.max(MEAN_AD_TO_SIGMA * (s[at + MEAN_ABS] ?? 0), floorOf(expected))
    const rawZ = (value - expected) / scale
    const z = Number.isNaN(rawZ) ? 0 : Math.max(-Z_CAP, Math.min(Z_CAP, rawZ))
    this.#learn(time, value, expected, scale, z, gapHours)
    if (Number.isFinite(value - expected)) {
      s[at + BLOCK_SUM] = (s[at + BLOCK_SUM] ?? 0) + (value - expected)
      s[at + BLOCK_COUNT] = (s[at + BLOCK_COUNT] ?? 0) + 1
      s[at + BLOCK_LAST_TIME] = time
      s[at + BLOCK_LAST_VALUE] = value
      s[at + BLOCK_EXPECTED] = expected
    }
    return closed
  }

  /** Standardises the finished hour's mean residual and runs the sums on it. */
  #closeBlock(): Finding | null {
    const s = this.#s
    const at = this.#at
    const count = s[at + BLOCK_COUNT] ?? 0
    const latestTime = s[at + BLOCK_LAST_TIME] ?? 0
    const mean = (s[at + BLOCK_SUM] ?? 0) / Math.max(count, 1)
    s[at + BLOCK_SUM] = s[at + BLOCK_COUNT] = 0
    s[at + BLOCK_LAST_TIME] = Number.NaN
    if (count === 0 || Number.isNaN(latestTime) || !Number.isFinite(mean)) return null
    const latest = { metric: this.#ctx.metric, time: latestTime, value: s[at + BLOCK_LAST_VALUE] ?? 0 }

    const expected = s[at + BLOCK_EXPECTED] ?? 0
    const scale = Math.max(MEAN_AD_TO_SIGMA * (s[at + BLOCK_MEAN_ABS] ?? 0), floorOf(expected))
    const z = (s[at + BLOCKS] ?? 0) === 0 ? 0 : Math.max(-Z_CAP, Math.min(Z_CAP, mean / scale))
    if (latest.time - (s[at + FIRST_TIME] ?? 0) >= PROFILE_WEEK_HOURS * HOUR_MS) {
      const blocks = (s[at + BLOCKS] ?? 0) + 1
      s[at + BLOCKS] = blocks
      const weight = Math.max(1 / blocks, 1 / SCALE_MEMORY_BLOCKS)
      const deviation = blocks === 1 ? Math.abs(mean) : Math.min(Math.abs(mean), Z_CAP * scale)
      const meanAbs = s[at + BLOCK_MEAN_ABS] ?? 0
      s[at + BLOCK_MEAN_ABS] = meanAbs + weight * (deviation - meanAbs)
    }

    if (!this.#isWarm(latest.time)) return null
    const point: EvidencePoint = { ...latest, score: Math.round(z * 1000) / 1000 }
    const blockStart = (s[at + BLOCK_HOUR] ?? 0) * HOUR_MS
    this.#accumulate(UP, z, point, blockStart)
    this.#accumulate(DOWN, -z, point, blockStart)
    return this.#judge(point, expected, scale)
  }

  #learn(time: number, value: number, expected: number, scale: number, z: number, gapHours: number): void {
    const s = this.#s
    const at = this.#at
    // A plain mean of the first residuals, then an exponential mean over about two days.
    const deviation = Math.min(Math.abs(value - expected), Z_CAP * scale)
    if (Number.isFinite(deviation)) {
      const residuals = (s[at + RESIDUALS] ?? 0) + 1
      s[at + RESIDUALS] = residuals
      const weight = Math.max(1 / residuals, Math.min(Math.max(gapHours, 0), 1) / READING_SCALE_MEMORY_HOURS)
      const meanAbs = s[at + MEAN_ABS] ?? 0
      s[at + MEAN_ABS] = meanAbs + weight * (deviation - meanAbs)
    }
    if (Math.abs(z) < Z_CAP) this.#profile.learn(time, value, gapHours)
  }

  /**
   * `side`: UP or DOWN, where the side's numbers are; `blockStart`: the start of the hour whose
   * mean this is (a shift is dated from it).
   */
  #accumulate(side: number, z: number, point: EvidencePoint, blockStart: number): void {
    const s = this.#s
    const at = this.#at + side
    const cap = SUM_CAP_FACTOR * this.#settings.cusumThreshold
    const before = s[at + SUM] ?? 0
    const sum = Math.min(Math.max(0, before + z - this.#settings.cusumSlack), cap)
    if (before === 0 && sum > 0) {
      s[at + SIDE_START] = blockStart
      s[at + READINGS] = 0
      s[at + Z_TOTAL] = 0
      s[at + SIDE_FIRST_TIME] = point.time
      s[at + SIDE_FIRST_VALUE] = point.value
      s[at + SIDE_FIRST_SCORE] = point.score ?? 0
    }
    s[at + SUM] = sum
    s[at + READINGS] = (s[at + READINGS] ?? 0) + 1
    s[at + Z_TOTAL] = (s[at + Z_TOTAL] ?? 0) + z
    if (sum === 0) s[at + SIDE_FIRST_TIME] = Number.NaN
  }

  #sum(side: number): number {
    return this.#s[this.#at + side + SUM] ?? 0
  }

  #judge(point: EvidencePoint, expected: number, scale: number): Finding | null {
    const at = this.#at
    const threshold = this.#settings.cusumThreshold
    const s = this.#s
    const episodeAt = this.#at + EPISODE_AT
    const up = this.#sum(UP)
    const down = this.#sum(DOWN)
    const side = up >= down ? UP : DOWN
    const sum = Math.max(up, down)
    if (sum <= threshold) {
      if (up <= QUIET_FRACTION * threshold && down <= QUIET_FRACTION * threshold) {
        EPISODE.quiet(s, episodeAt, point.time)
      } else {
        EPISODE.undecided(s, episodeAt)
      }
      if (!EPISODE.isOpen(s, episodeAt)) s[at + PEAK] = 0
      return null
    }

    s[at + PEAK] = Math.max(s[at + PEAK] ?? 0, sum)
    const sideStart = s[this.#at + side + SIDE_START] ?? 0
    const start = EPISODE.start(s, episodeAt) ?? sideStart
    if (point.time - start >= REBASELINE_HOURS * HOUR_MS) {
      this.#rebaseline(point.time)
      return null
    }
    const change = EPISODE.active(s, episodeAt, point.time, 'warning', sideStart)
    if (change === null) return null
    const sign = side === UP ? 1 : -1
    const meanShift = sign * ((s[this.#at + side + Z_TOTAL] ?? 0) / Math.max(s[this.#at + side + READINGS] ?? 0, 1))
    return this.#finding(point, side, { expected, scale, meanShift })
  }

  #finding(
    latest: EvidencePoint, side: number, usual: { expected: number, scale: number, meanShift: number },
  ): Finding {
    const threshold = this.#settings.cusumThreshold
    const at = this.#at + side
    const start = this.#s[at + SIDE_START] ?? 0
    const firstTime = this.#s[at + SIDE_FIRST_TIME] ?? Number.NaN
    const first = Number.isNaN(firstTime)
      ? latest
      : {
          metric: this.#ctx.metric,
          time: firstTime,
          value: this.#s[at + SIDE_FIRST_VALUE] ?? 0,
          score: this.#s[at + SIDE_FIRST_SCORE] ?? 0,
        }
    const points = first.time === latest.time ? [latest] : [first, latest]
    return {
      kind: 'anomaly',
      failureMode: this.#ctx.failureMode,
      severity: 'warning',
      // Heuristic: 0.5 at the threshold, rising as the sum grows past it (at most 0.875 at the cap).
      confidence: 1 - 0.5 * (threshold / Math.max(this.#s[this.#at + PEAK] ?? 0, threshold)) ** 2,
      episodeStart: start,
      detectedAt: latest.time,
      predictedFailure: null,
      evidence: {
        metrics: [this.#ctx.metric],
        windowStart: start,
        windowEnd: latest.time,
        points,
        summary: shiftSentence(this.#ctx, {
          since: start, shift: usual.meanShift, usual: usual.expected, spread: usual.scale, latest: latest.value,
        }),
      },
      detector: { ...CUSUM_DETECTOR },
    }
  }

  /** Both sums start afresh. */
  #restart(): void {
    for (const side of [UP, DOWN]) {
      const at = this.#at + side
      this.#s.fill(0, at, at + SIDE_SIZE)
      this.#s[at + SIDE_FIRST_TIME] = Number.NaN
    }
  }

  #rebaseline(time: number): void {
    const s = this.#s
    const at = this.#at
    this.#profile.reset()
    EPISODE.close(s, at + EPISODE_AT)
    this.#restart()
    s[at + PEAK] = 0
    s[at + FIRST_TIME] = time
  }
}

function floorOf(level: number): number {
  return Math.max(SCALE_FLOOR_RELATIVE * Math.abs(level), SCALE_FLOOR_ABSOLUTE)
}
