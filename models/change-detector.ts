import type { Config, EvidencePoint } from '../core/index.js'
import { Episode } from './episode.js'
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

/** One side of the two-sided CUSUM: the sum, since when it has been above zero, its evidence. */
interface Side {
  sum: number
  start: number
  readings: number
  zTotal: number
  first: EvidencePoint | null
}

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
  readonly #profile = new SeasonalProfile()
  readonly #episode = new Episode(QUIET_HOURS)
  readonly #up: Side = emptySide()
  readonly #down: Side = emptySide()
  #seen = 0
  #firstTime = Number.NaN
  #lastTime = Number.NaN
  #meanAbs = 0
  #residuals = 0
  #blockMeanAbs = 0
  #blocks = 0
  #blockHour = Number.NaN
  #blockSum = 0
  #blockCount = 0
  /** The block's latest reading (NaN time: none yet), kept as numbers: no object per reading. */
  #blockLastTime = Number.NaN
  #blockLastValue = 0
  #blockExpected = 0
  #peak = 0

  constructor(ctx: StreamContext, settings: ChangeSettings) {
    this.#ctx = ctx
    this.#settings = settings
  }

  /**
   * The usual value for this hour of the week once the profile has seen every hour (the
   * detector is warm); NaN before. Lets the z-score detector leave a weekly pattern alone.
   */
  usualAt(time: number): number {
    const isWarm = this.#seen > this.#settings.warmupReadings && time - this.#firstTime >= WARMUP_HOURS * HOUR_MS
    return isWarm ? this.#profile.expected(time) : Number.NaN
  }

  /** Feeds a physically valid reading (not a stuck one), in time order. */
  observe(time: number, value: number): Finding | null {
    const gapHours = Number.isNaN(this.#lastTime) ? 0 : (time - this.#lastTime) / HOUR_MS
    if (Number.isNaN(this.#firstTime)) this.#firstTime = time
    this.#lastTime = time
    this.#seen++
    if (gapHours > RESTART_GAP_HOURS) this.#restart()

    // An hour's block closes with the first reading of a later hour.
    const hour = Math.floor(time / HOUR_MS)
    const closed = hour !== this.#blockHour ? this.#closeBlock() : null
    this.#blockHour = hour

    const expected = this.#profile.expected(time)
    if (Number.isNaN(expected)) {
      this.#profile.learn(time, value, gapHours)
      return closed
    }
    const scale = Math.max(MEAN_AD_TO_SIGMA * this.#meanAbs, floorOf(expected))
    const rawZ = (value - expected) / scale
    const z = Number.isNaN(rawZ) ? 0 : Math.max(-Z_CAP, Math.min(Z_CAP, rawZ))
    this.#learn(time, value, expected, scale, z, gapHours)
    if (Number.isFinite(value - expected)) {
      this.#blockSum += value - expected
      this.#blockCount++
      this.#blockLastTime = time
      this.#blockLastValue = value
      this.#blockExpected = expected
    }
    return closed
  }

  /** Standardises the finished hour's mean residual and runs the sums on it. */
  #closeBlock(): Finding | null {
    const count = this.#blockCount
    const latestTime = this.#blockLastTime
    const mean = this.#blockSum / Math.max(count, 1)
    this.#blockSum = this.#blockCount = 0
    this.#blockLastTime = Number.NaN
    if (count === 0 || Number.isNaN(latestTime) || !Number.isFinite(mean)) return null
    const latest = { metric: this.#ctx.metric, time: latestTime, value: this.#blockLastValue }

    const expected = this.#blockExpected
    const scale = Math.max(MEAN_AD_TO_SIGMA * this.#blockMeanAbs, floorOf(expected))
    const z = this.#blocks === 0 ? 0 : Math.max(-Z_CAP, Math.min(Z_CAP, mean / scale))
    if (latest.time - this.#firstTime >= PROFILE_WEEK_HOURS * HOUR_MS) {
      this.#blocks++
      const weight = Math.max(1 / this.#blocks, 1 / SCALE_MEMORY_BLOCKS)
      const deviation = this.#blocks === 1 ? Math.abs(mean) : Math.min(Math.abs(mean), Z_CAP * scale)
      this.#blockMeanAbs += weight * (deviation - this.#blockMeanAbs)
    }

    const isWarm = this.#seen > this.#settings.warmupReadings
      && latest.time - this.#firstTime >= WARMUP_HOURS * HOUR_MS
    if (!isWarm) return null
    const point: EvidencePoint = { ...latest, score: Math.round(z * 1000) / 1000 }
    const blockStart = this.#blockHour * HOUR_MS
    this.#accumulate(this.#up, z, point, blockStart)
    this.#accumulate(this.#down, -z, point, blockStart)
    return this.#judge(point, expected, scale)
  }

  #learn(time: number, value: number, expected: number, scale: number, z: number, gapHours: number): void {
    // A plain mean of the first residuals, then an exponential mean over about two days.
    const deviation = Math.min(Math.abs(value - expected), Z_CAP * scale)
    if (Number.isFinite(deviation)) {
      this.#residuals++
      const weight = Math.max(1 / this.#residuals, Math.min(Math.max(gapHours, 0), 1) / READING_SCALE_MEMORY_HOURS)
      this.#meanAbs += weight * (deviation - this.#meanAbs)
    }
    if (Math.abs(z) < Z_CAP) this.#profile.learn(time, value, gapHours)
  }

  /** `blockStart`: the start of the hour whose mean this is; a shift is dated from it. */
  #accumulate(side: Side, z: number, point: EvidencePoint, blockStart: number): void {
    const cap = SUM_CAP_FACTOR * this.#settings.cusumThreshold
    const sum = Math.min(Math.max(0, side.sum + z - this.#settings.cusumSlack), cap)
    if (side.sum === 0 && sum > 0) {
      side.start = blockStart
      side.readings = 0
      side.zTotal = 0
      side.first = point
    }
    side.sum = sum
    side.readings++
    side.zTotal += z
    if (sum === 0) side.first = null
  }

  #judge(point: EvidencePoint, expected: number, scale: number): Finding | null {
    const threshold = this.#settings.cusumThreshold
    const side = this.#up.sum >= this.#down.sum ? this.#up : this.#down
    if (side.sum <= threshold) {
      if (this.#up.sum <= QUIET_FRACTION * threshold && this.#down.sum <= QUIET_FRACTION * threshold) {
        this.#episode.quiet(point.time)
      } else {
        this.#episode.undecided()
      }
      if (!this.#episode.isOpen) this.#peak = 0
      return null
    }

    this.#peak = Math.max(this.#peak, side.sum)
    const start = this.#episode.start ?? side.start
    if (point.time - start >= REBASELINE_HOURS * HOUR_MS) {
      this.#rebaseline(point.time)
      return null
    }
    const change = this.#episode.active(point.time, 'warning', side.start)
    if (change === null) return null
    const sign = side === this.#up ? 1 : -1
    const meanShift = sign * (side.zTotal / Math.max(side.readings, 1))
    return this.#finding(point, side, { expected, scale, meanShift })
  }

  #finding(
    latest: EvidencePoint, side: Side, usual: { expected: number, scale: number, meanShift: number },
  ): Finding {
    const threshold = this.#settings.cusumThreshold
    const first = side.first ?? latest
    const points = first.time === latest.time ? [latest] : [first, latest]
    return {
      kind: 'anomaly',
      failureMode: this.#ctx.failureMode,
      severity: 'warning',
      // Heuristic: 0.5 at the threshold, rising as the sum grows past it (at most 0.875 at the cap).
      confidence: 1 - 0.5 * (threshold / Math.max(this.#peak, threshold)) ** 2,
      episodeStart: side.start,
      detectedAt: latest.time,
      predictedFailure: null,
      evidence: {
        metrics: [this.#ctx.metric],
        windowStart: side.start,
        windowEnd: latest.time,
        points,
        summary: shiftSentence(this.#ctx, {
          since: side.start, shift: usual.meanShift, usual: usual.expected, spread: usual.scale, latest: latest.value,
        }),
      },
      detector: { ...CUSUM_DETECTOR },
    }
  }

  #restart(): void {
    Object.assign(this.#up, emptySide())
    Object.assign(this.#down, emptySide())
  }

  #rebaseline(time: number): void {
    this.#profile.reset()
    this.#episode.close()
    this.#restart()
    this.#peak = 0
    this.#firstTime = time
  }
}

function floorOf(level: number): number {
  return Math.max(SCALE_FLOOR_RELATIVE * Math.abs(level), SCALE_FLOOR_ABSOLUTE)
}

function emptySide(): Side {
  return { sum: 0, start: 0, readings: 0, zTotal: 0, first: null }
}
