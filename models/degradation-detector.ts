import type { Config, EvidencePoint, FailureWindow, Severity } from '../core/index.js'
import { Episode } from './episode.js'
import type { Finding } from './finding.js'
import type { BaselineState } from './robust-baseline.js'
import type { StreamContext } from './stream-context.js'
import { degradationSentence, limitSentence } from './summary.js'
import { TrendBank } from './trend-bank.js'
import { assessTrend, type TrendAssessment } from './trend-assessment.js'
import { LevelHistory } from './level-history.js'

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
  readonly #limit: number
  readonly #sign: 1 | -1
  readonly #bank = new TrendBank()
  readonly #episode = new Episode(QUIET_HOURS)
  readonly #history = new LevelHistory()
  #anchor: { offset: number, scale: number } | null = null
  #alarmRun = 0
  #beyondRun = 0
  #beyondSince = 0

  constructor(ctx: StreamContext, settings: DegradationSettings, limit: number) {
    this.#ctx = ctx
    this.#settings = settings
    this.#limit = limit
    this.#sign = ctx.direction === 'below' ? -1 : 1
  }

  /**
   * Feeds a physically valid reading; the anomaly baseline anchors the trend's units once it is
   * warm (read only until then: `baseline` may build its snapshot on every access).
   */
  observe(time: number, value: number, score: number, anomaly: { readonly baseline: BaselineState }): Finding | null {
    if (this.#anchor === null) {
      const baseline = anomaly.baseline
      if (!baseline.isWarm) return null
      this.#anchor = { offset: baseline.location, scale: baseline.spread }
    }
    const y = this.#toModel(value)
    // Squares of the scaled value must stay finite in the regression sums; a reading this
    // many spreads away is not part of any trend worth extrapolating.
    if (!(Math.abs(y) <= MAX_MODEL_VALUE)) return null

    this.#bank.add(time, y)
    this.#trackLimit(time, value)
    const assessment = this.#assess()
    if (assessment !== null) this.#history.record(time, this.#toMetric(assessment.best.level))

    const verdict = this.#verdict(time, assessment)
    if (verdict === null) {
      this.#episode.quiet(time)
      return null
    }
    const change = this.#episode.active(time, verdict.severity)
    return change === null ? null : this.#finding(time, value, score, verdict)
  }

  #trackLimit(time: number, value: number): void {
    const isBeyond = this.#sign * (value - this.#limit) >= 0
    if (isBeyond && this.#beyondRun === 0) this.#beyondSince = time
    this.#beyondRun = isBeyond ? this.#beyondRun + 1 : 0
  }

  #assess(): TrendAssessment | null {
    if (this.#bank.spanHours < MIN_SPAN_HOURS) return null
    const fit = this.#bank.evaluate()
    if (fit === null || fit.best.effectiveReadings < MIN_EFFECTIVE_READINGS) return null
    return assessTrend(fit, this.#toModel(this.#limit))
  }

  #verdict(time: number, assessment: TrendAssessment | null): Verdict | null {
    if (this.#beyondRun >= this.#settings.anomalyMinRun) {
      return { severity: 'critical', window: { earliest: time, mostLikely: time }, assessment: null }
    }
    const isAlarming = assessment !== null && assessment.isCredible
      && assessment.mostLikelyHours <= this.#settings.horizonHours && this.#isNewLevel(time, assessment)
    this.#alarmRun = isAlarming ? this.#alarmRun + 1 : 0
    if (assessment === null || this.#alarmRun < this.#settings.anomalyMinRun) return null

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
    const { metric } = this.#ctx
    const latest: EvidencePoint = { metric, time, value, score: Math.round(score * 1000) / 1000 }
    const { assessment, window } = verdict
    const from = this.#history.furthestFromLimit(this.#sign) ?? { time, value }
    const now = { time, value: assessment === null ? value : this.#toMetric(assessment.best.level) }
    const summary = assessment === null
      ? limitSentence(this.#ctx, value, this.#limit, this.#beyondSince)
      : degradationSentence(this.#ctx, { from, to: now, limit: this.#limit, ...window })
    const points = assessment === null ? [latest] : [{ metric, ...from }, latest]
    return {
      kind: 'degradation',
      failureMode: this.#ctx.failureMode,
      severity: verdict.severity,
      confidence: assessment === null ? LIMIT_CONFIDENCE : assessment.confidence,
      episodeStart: this.#episode.start ?? time,
      detectedAt: time,
      predictedFailure: window,
      evidence: {
        metrics: [metric],
        windowStart: assessment === null ? this.#beyondSince : Math.min(from.time, time),
        windowEnd: time,
        points,
        summary,
      },
      detector: { ...DEGRADATION_DETECTOR },
    }
  }

  #toModel(value: number): number {
    const anchor = this.#anchor ?? { offset: 0, scale: 1 }
    return (this.#sign * (value - anchor.offset)) / anchor.scale
  }

  #toMetric(y: number): number {
    const anchor = this.#anchor ?? { offset: 0, scale: 1 }
    return anchor.offset + this.#sign * y * anchor.scale
  }
}
