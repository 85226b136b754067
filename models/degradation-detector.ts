import type { Config, EvidencePoint, FailureWindow, Severity } from '../core/index.js'
import { EPISODE_SIZE, EpisodeRule } from './episode.js'
import type { Finding } from './finding.js'
import type { BaselineState } from './robust-baseline.js'
import type { StreamContext } from './stream-context.js'
import { degradationSentence, limitSentence } from './summary.js'
import { TREND_STATE_SIZE, TrendBank, type BankFit } from './trend-bank.js'
import { assessTrend, type TrendAssessment } from './trend-assessment.js'
import { LEVEL_HISTORY_STATE_SIZE, LevelHistory } from './level-history.js'

/** Detector name and version carried by every degradation Signal. */
export const DEGRADATION_DETECTOR = { name: 'degradation-trend', version: '1.0.0' } as const

/** A day and a half of data before any projection: the daily harmonics need more than a cycle. */
const MIN_SPAN_HOURS = 36
/** Fewer effective readings than this and the standard errors mean little. */
const MIN_EFFECTIVE_READINGS = 30
/**
 * Critical when the pessimistic failure time is within 3 days: a technician visit takes about
 * a day to arrange and must end 12 h before the failure (dispatch's safety margin), so inside
 * 72 h there is little slack left for rescheduling.
 */
const CRITICAL_LEAD_HOURS = 72
/** Data time without a projected failure before an episode ends (e.g. after a repair). */
const QUIET_HOURS = 24
/**
 * Wear takes a part where it has not been: a trend only alarms when its level is at least one
 * residual SD nearer the limit than every level recorded between 36 h and a week ago. A load
 * that returns to its usual level after a quiet weekend (a weekly cycle) rises credibly for a
 * day, but only back to where it was last week, so it is not wear. 36 h is the trend's memory
 * time constant (24 h / ln 2), so wear that is credible has already moved further than that.
 */
const NEW_LEVEL_AGE_HOURS = 36
const NEW_LEVEL_MARGIN_SD = 1
/** A reading past the limit is a measured fact, qualified only by sensor accuracy. */
const LIMIT_CONFIDENCE = 0.95
const MAX_MODEL_VALUE = 1e100
const HOUR_MS = 3_600_000
/**
 * The trend is fitted and judged at most once per 15 minutes of data time (every reading still
 * enters its statistics). Wear moves over hours to days, so a fit per 5-minute or per-second
 * reading adds cost, not foresight: the seven curve fits were about half the detector stack's
 * time per reading. A trend must still alarm on `anomalyMinRun` fits in a row. A reading past
 * the limit is judged at once, whatever the cadence.
 */
const FIT_EVERY_MS = 15 * 60_000

// Layout of the detector's numbers in its state buffer: its own (the anchor's offset is NaN until
// the baseline is warm), the episode, the level history.
const ALARM_RUN = 0
const BEYOND_RUN = 1
const BEYOND_SINCE = 2
const ANCHOR_OFFSET = 3
const ANCHOR_SCALE = 4
/** The failure limit: a number field would be a boxed double of its own. */
const LIMIT = 5
const EPISODE_AT = 6
const HISTORY_AT = EPISODE_AT + EPISODE_SIZE
/** Data time of the last fit (NaN before the first, and while the value is past the limit). */
const FITTED_AT = HISTORY_AT + LEVEL_HISTORY_STATE_SIZE
/** Numbers the detector keeps in its stream's state buffer, besides its trend bank's. */
export const DEGRADATION_STATE_SIZE = FITTED_AT + 1
const EPISODE = new EpisodeRule(QUIET_HOURS)

/** Settings the degradation detector reads from `config.models`. */
export type DegradationSettings = Pick<Config['models'], 'anomalyMinRun' | 'horizonHours'>

interface Verdict {
  severity: Severity
  window: FailureWindow
  assessment: TrendAssessment | null
}

/**
 * Tracks the degradation trend of a metric with a failure limit and reports, once per
 * episode (and again only when the severity grows), when the trend will reach the limit.
 * Values are modelled relative to the anomaly baseline at the start and flipped for metrics
 * that fail below their limit, so the trend always rises towards a limit above it.
 */
export class DegradationDetector {
  readonly #ctx: StreamContext
  readonly #settings: DegradationSettings
  readonly #sign: 1 | -1
  readonly #bank: TrendBank
  readonly #history: LevelHistory
  readonly #s: Float64Array
  readonly #at: number

  /**
   * `state`: the stream's buffer, with the trend bank's numbers at its start and the detector's
   * own at `at`; its own buffer if not given.
   */
  constructor(
    ctx: StreamContext, settings: DegradationSettings, limit: number,
    state = new Float64Array(TREND_STATE_SIZE + DEGRADATION_STATE_SIZE), at = TREND_STATE_SIZE,
  ) {
    this.#ctx = ctx
    this.#settings = settings
    this.#sign = ctx.direction === 'below' ? -1 : 1
    this.#s = state
    this.#at = at
    state[at + LIMIT] = limit
    // One float32 view over the buffer for the bank's statistics and the history's ring.
    const floats = new Float32Array(state.buffer, state.byteOffset, 2 * (at + HISTORY_AT + LEVEL_HISTORY_STATE_SIZE))
    this.#bank = new TrendBank(state, floats)
    this.#history = new LevelHistory(state, at + HISTORY_AT, floats)
    state[at + ALARM_RUN] = 0
    state[at + BEYOND_RUN] = 0
    state[at + BEYOND_SINCE] = 0
    state[at + ANCHOR_OFFSET] = Number.NaN
    state[at + ANCHOR_SCALE] = 1
    state[at + FITTED_AT] = Number.NaN
    EPISODE.init(state, at + EPISODE_AT)
  }

  /**
   * Feeds a physically valid reading; the anomaly baseline anchors the trend's units once it is
   * warm (read only until then: `baseline` may build its snapshot on every access).
   */
  observe(time: number, value: number, score: number, anomaly: { readonly baseline: BaselineState }): Finding | null {
    const s = this.#s
    const at = this.#at
    if (Number.isNaN(s[at + ANCHOR_OFFSET] ?? 0)) {
      const baseline = anomaly.baseline
      if (!baseline.isWarm) return null
      s[at + ANCHOR_OFFSET] = baseline.location
      s[at + ANCHOR_SCALE] = baseline.spread
    }
    const y = this.#toModel(value)
    // Squares of the scaled value must stay finite in the regression sums; a reading this
    // many spreads away is not part of any trend worth extrapolating.
    if (!(Math.abs(y) <= MAX_MODEL_VALUE)) return null

    this.#bank.add(time, y)
    this.#trackLimit(time, value)
    if (!this.#isJudgedNow(time)) return null
    const fit = this.#fit()
    // The pessimistic crossing is only needed once the trend alarms (#verdict).
    const assessment = fit === null ? null : assessTrend(fit, this.#toModel(this.#limit()), false)
    if (assessment !== null) this.#history.record(time, this.#toMetric(assessment.best.level))

    const verdict = this.#verdict(time, fit, assessment)
    if (verdict === null) {
      EPISODE.quiet(s, at + EPISODE_AT, time)
      return null
    }
    const change = EPISODE.active(s, at + EPISODE_AT, time, verdict.severity)
    return change === null ? null : this.#finding(time, value, score, verdict)
  }

  #trackLimit(time: number, value: number): void {
    const s = this.#s
    const at = this.#at
    const isBeyond = this.#sign * (value - this.#limit()) >= 0
    if (isBeyond && (s[at + BEYOND_RUN] ?? 0) === 0) s[at + BEYOND_SINCE] = time
    s[at + BEYOND_RUN] = isBeyond ? (s[at + BEYOND_RUN] ?? 0) + 1 : 0
  }

  /** True when this reading is judged (see FIT_EVERY_MS); between fits a reading changes no verdict. */
  #isJudgedNow(time: number): boolean {
    const s = this.#s
    const at = this.#at
    const isPastLimit = (s[at + BEYOND_RUN] ?? 0) >= this.#settings.anomalyMinRun
    // `time - NaN < FIT_EVERY_MS` is false: the first reading, and the first one back within the
    // limit after readings past it (NaN below), are judged at once, so the episode's quiet time
    // starts when the value returns, not up to 15 minutes later.
    if (!isPastLimit && time - (s[at + FITTED_AT] ?? Number.NaN) < FIT_EVERY_MS) return false
    s[at + FITTED_AT] = isPastLimit ? Number.NaN : time
    return true
  }

  /** The bank's fit now, once it spans enough data and readings to be judged; null before. */
  #fit(): BankFit | null {
    if (this.#bank.spanHours < MIN_SPAN_HOURS) return null
    const fit = this.#bank.evaluate()
    return fit === null || fit.best.effectiveReadings < MIN_EFFECTIVE_READINGS ? null : fit
  }

  #verdict(time: number, fit: BankFit | null, credibility: TrendAssessment | null): Verdict | null {
    const s = this.#s
    const at = this.#at
    if ((s[at + BEYOND_RUN] ?? 0) >= this.#settings.anomalyMinRun) {
      return { severity: 'critical', window: { earliest: time, mostLikely: time }, assessment: null }
    }
    const isAlarming = credibility !== null && credibility.isCredible
      && credibility.mostLikelyHours <= this.#settings.horizonHours && this.#isNewLevel(time, credibility)
    s[at + ALARM_RUN] = isAlarming ? (s[at + ALARM_RUN] ?? 0) + 1 : 0
    if (fit === null || (s[at + ALARM_RUN] ?? 0) < this.#settings.anomalyMinRun) return null

    const assessment = assessTrend(fit, this.#toModel(this.#limit()))

    const severity: Severity = assessment.earliestHours <= CRITICAL_LEAD_HOURS ? 'critical' : 'warning'
    const window = {
      earliest: time + Math.round(assessment.earliestHours * HOUR_MS),
      mostLikely: time + Math.round(assessment.mostLikelyHours * HOUR_MS),
    }
    return { severity, window, assessment }
  }

  #isNewLevel(time: number, assessment: TrendAssessment): boolean {
    const before = this.#history.nearestToLimitBefore(time - NEW_LEVEL_AGE_HOURS * HOUR_MS, this.#sign)
    if (before === null) return true
    const { level, residualSd } = assessment.best
    return level - this.#toModel(before.value) >= NEW_LEVEL_MARGIN_SD * residualSd
  }

  #finding(time: number, value: number, score: number, verdict: Verdict): Finding {
    const s = this.#s
    const at = this.#at
    const { metric } = this.#ctx
    const latest: EvidencePoint = { metric, time, value, score: Math.round(score * 1000) / 1000 }
    const { assessment, window } = verdict
    const from = this.#history.furthestFromLimit(this.#sign) ?? { time, value }
    const now = { time, value: assessment === null ? value : this.#toMetric(assessment.best.level) }
    const summary = assessment === null
      ? limitSentence(this.#ctx, value, this.#limit(), s[at + BEYOND_SINCE] ?? 0)
      : degradationSentence(this.#ctx, { from, to: now, limit: this.#limit(), ...window })
    const points = assessment === null ? [latest] : [{ metric, ...from }, latest]
    return {
      kind: 'degradation',
      failureMode: this.#ctx.failureMode,
      severity: verdict.severity,
      confidence: assessment === null ? LIMIT_CONFIDENCE : assessment.confidence,
      episodeStart: EPISODE.start(s, at + EPISODE_AT) ?? time,
      detectedAt: time,
      predictedFailure: window,
      evidence: {
        metrics: [metric],
        windowStart: assessment === null ? (s[at + BEYOND_SINCE] ?? 0) : Math.min(from.time, time),
        windowEnd: time,
        points,
        summary,
      },
      detector: { ...DEGRADATION_DETECTOR },
    }
  }

  #limit(): number {
    return this.#s[this.#at + LIMIT] ?? Number.NaN
  }

  /** The trend's units: spreads of the anchoring baseline from its level, towards the limit. */
  #toModel(value: number): number {
    const s = this.#s
    const at = this.#at
    const offset = s[at + ANCHOR_OFFSET] ?? 0
    return Number.isNaN(offset) ? this.#sign * value : (this.#sign * (value - offset)) / (s[at + ANCHOR_SCALE] ?? 0)
  }

  #toMetric(y: number): number {
    const s = this.#s
    const at = this.#at
    const offset = s[at + ANCHOR_OFFSET] ?? 0
    return Number.isNaN(offset) ? this.#sign * y : offset + this.#sign * y * (s[at + ANCHOR_SCALE] ?? 0)
  }
}
