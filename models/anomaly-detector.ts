import type { Config, EvidencePoint, Severity } from '../core/index.js'
import { Episode } from './episode.js'
import type { Finding } from './finding.js'
import { RobustBaseline, type BaselineState } from './robust-baseline.js'
import type { StreamContext } from './stream-context.js'
import { anomalySentence } from './summary.js'

/** Detector name and version carried by every anomaly Signal. */
export const ANOMALY_DETECTOR = { name: 'robust-zscore', version: '1.0.0' } as const

/**
 * An episode is critical once some reading is twice as far out as the alarm threshold; with
 * the default threshold of 6 that is 12 robust standard deviations, far beyond any noise.
 */
const CRITICAL_Z_FACTOR = 2
/**
 * Schmitt-trigger hysteresis: an episode only counts quiet readings once |z| is back under
 * half the alarm threshold, so a value hovering at the threshold cannot open and close
 * episodes over and over.
 */
const EXIT_Z_FRACTION = 0.5
/** Quiet data time before an episode ends; a dip and its rebound within hours are one event. */
const QUIET_HOURS = 6
/**
 * An episode longer than this is taken to be the stream's new normal (a set-point change, a
 * part replaced): the baseline warms up again on current data instead of alarming forever.
 * Three days is longer than the multi-day failure episodes of the NAB machine data.
 */
const REBASELINE_HOURS = 72
const HOUR_MS = 3_600_000

/** Settings the anomaly detector reads from `config.models`. */
export type AnomalySettings = Pick<Config['models'], 'warmupReadings' | 'anomalyZ' | 'anomalyMinRun'>

/** The outcome of one reading. */
export interface AnomalyStep {
  /** Robust z-score; 0 while warming up. Never NaN. */
  score: number
  finding: Finding | null
  /** The baseline was given up as outdated and is warming up again. */
  isRebaselined: boolean
}

/**
 * Robust z-score detector with episodes. Readings inside an episode, or beyond the alarm
 * threshold, never update the baseline, so the baseline does not absorb the anomaly it is
 * reporting.
 */
export class AnomalyDetector {
  readonly #ctx: StreamContext
  readonly #settings: AnomalySettings
  readonly #baseline: RobustBaseline
  readonly #episode = new Episode(QUIET_HOURS)
  #run = 0
  #first: EvidencePoint | null = null
  #peak: EvidencePoint | null = null

  constructor(ctx: StreamContext, settings: AnomalySettings) {
    this.#ctx = ctx
    this.#settings = settings
    this.#baseline = new RobustBaseline(settings.warmupReadings)
  }

  get baseline(): BaselineState { return this.#baseline.state }

  /**
   * Scores a physically valid reading and advances the episode. `usual` is the stream's usual
   * value for this hour of the week (NaN when unknown): a reading far from the baseline but
   * within the threshold of its usual weekly value (a plant idling every weekend) is no outlier.
   */
  observe(time: number, value: number, usual = Number.NaN): AnomalyStep {
    if (!this.#baseline.isWarm) {
      this.#baseline.learn(time, value)
      return { score: 0, finding: null, isRebaselined: false }
    }

    if (this.#episode.expire(time)) this.#first = this.#peak = null
    const score = this.#baseline.score(value)
    const point: EvidencePoint = { metric: this.#ctx.metric, time, value, score: round(score) }
    const isSeasonal = Math.abs(value - usual) <= this.#settings.anomalyZ * this.#baseline.spread
    const isOutlier = Math.abs(score) > this.#settings.anomalyZ && !isSeasonal
    const finding = isOutlier ? this.#outlier(point) : this.#inlier(point)
    return { score, finding, isRebaselined: this.#rebaselineIfStale(time) }
  }

  #outlier(point: EvidencePoint): Finding | null {
    this.#run++
    if (this.#run === 1 && !this.#episode.isOpen) {
      this.#first = point
      this.#peak = point
    }
    if (Math.abs(point.score ?? 0) > Math.abs(this.#peak?.score ?? 0)) this.#peak = point
    if (!this.#episode.isOpen && this.#run < this.#settings.anomalyMinRun) return null

    const peakZ = Math.abs(this.#peak?.score ?? 0)
    const isCritical = peakZ >= CRITICAL_Z_FACTOR * this.#settings.anomalyZ
    const severity: Severity = isCritical ? 'critical' : 'warning'
    const change = this.#episode.active(point.time, severity, this.#first?.time ?? point.time)
    return change === null ? null : this.#finding(point, severity)
  }

  #inlier(point: EvidencePoint): null {
    this.#run = 0
    if (!this.#episode.isOpen) {
      this.#baseline.learn(point.time, point.value)
      return null
    }

    const isCalm = Math.abs(point.score ?? 0) <= EXIT_Z_FRACTION * this.#settings.anomalyZ
    if (isCalm) this.#episode.quiet(point.time)
    else this.#episode.undecided()
    if (!this.#episode.isOpen) this.#first = this.#peak = null
    return null
  }

  #rebaselineIfStale(time: number): boolean {
    const start = this.#episode.start
    if (start === null || time - start < REBASELINE_HOURS * HOUR_MS) return false
    this.#baseline.reset()
    this.#episode.close()
    this.#run = 0
    this.#first = this.#peak = null
    return true
  }

  #finding(latest: EvidencePoint, severity: Severity): Finding {
    const first = this.#first ?? latest
    const peak = this.#peak ?? latest
    const { location, spread } = this.#baseline.state
    const points = uniqueByTime([first, peak, latest])
    const peakZ = Math.abs(peak.score ?? 0)
    const threshold = this.#settings.anomalyZ
    return {
      kind: 'anomaly',
      failureMode: this.#ctx.failureMode,
      severity,
      // Heuristic: 0.5 at the threshold, rising towards 1 as the peak moves past it.
      confidence: 1 - 0.5 * (threshold / Math.max(peakZ, threshold)) ** 2,
      episodeStart: first.time,
      detectedAt: latest.time,
      predictedFailure: null,
      evidence: {
        metrics: [this.#ctx.metric],
        windowStart: first.time,
        windowEnd: latest.time,
        points,
        summary: anomalySentence(
          this.#ctx, { value: peak.value, score: peakZ }, { location, spread, since: first.time },
        ),
      },
      detector: { ...ANOMALY_DETECTOR },
    }
  }
}

function uniqueByTime(points: EvidencePoint[]): EvidencePoint[] {
  return points.filter((point, i) => points.findIndex((other) => other.time === point.time) === i)
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000
}
