import type { Config, EvidencePoint, Severity } from '../core/index.js'
import { EPISODE_SIZE, EpisodeRule } from './episode.js'
import type { Finding } from './finding.js'
import { BASELINE_STATE_SIZE, RobustBaseline, type BaselineState } from './robust-baseline.js'
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

// Layout of the detector's numbers in its state buffer: the run of outliers, the episode, the baseline's.
const RUN = 0
const EPISODE_AT = 1
const BASELINE_AT = EPISODE_AT + EPISODE_SIZE
/** Numbers the z-score detector keeps in its stream's state buffer, its baseline's included. */
export const ANOMALY_STATE_SIZE = BASELINE_AT + BASELINE_STATE_SIZE
const EPISODE = new EpisodeRule(QUIET_HOURS)

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
  readonly #s: Float64Array
  readonly #at: number
  /** The episode's first and peak readings: objects only while an episode is being watched. */
  #first: EvidencePoint | null = null
  #peak: EvidencePoint | null = null

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(ctx: StreamContext, settings: AnomalySettings, state = new Float64Array(ANOMALY_STATE_SIZE), at = 0) {
    this.#ctx = ctx
    this.#settings = settings
    this.#s = state
    this.#at = at
    this.#baseline = new RobustBaseline(settings.warmupReadings, state, at + BASELINE_AT)
    state[at + RUN] = 0
    EPISODE.init(state, at + EPISODE_AT)
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

    if (EPISODE.expire(this.#s, this.#at + EPISODE_AT, time)) this.#first = this.#peak = null
    const score = this.#baseline.score(value)
    const point: EvidencePoint = { metric: this.#ctx.metric, time, value, score: round(score) }
    const isSeasonal = Math.abs(value - usual) <= this.#settings.anomalyZ * this.#baseline.spread
    const isOutlier = Math.abs(score) > this.#settings.anomalyZ && !isSeasonal
    const finding = isOutlier ? this.#outlier(point) : this.#inlier(point)
    return { score, finding, isRebaselined: this.#rebaselineIfStale(time) }
  }

  #outlier(point: EvidencePoint): Finding | null {
    const s = this.#s
    const at = this.#at
    const run = (s[at + RUN] ?? 0) + 1
    s[at + RUN] = run
    if (run === 1 && !EPISODE.isOpen(s, at + EPISODE_AT)) {
      this.#first = point
      this.#peak = point
    }
    if (Math.abs(point.score ?? 0) > Math.abs(this.#peak?.score ?? 0)) this.#peak = point
    if (!EPISODE.isOpen(s, at + EPISODE_AT) && run < this.#settings.anomalyMinRun) return null

    const peakZ = Math.abs(this.#peak?.score ?? 0)
    const isCritical = peakZ >= CRITICAL_Z_FACTOR * this.#settings.anomalyZ
    const severity: Severity = isCritical ? 'critical' : 'warning'
    const change = EPISODE.active(s, at + EPISODE_AT, point.time, severity, this.#first?.time ?? point.time)
    return change === null ? null : this.#finding(point, severity)
  }

  #inlier(point: EvidencePoint): null {
    const s = this.#s
    const at = this.#at
    s[at + RUN] = 0
    if (!EPISODE.isOpen(s, at + EPISODE_AT)) {
      this.#baseline.learn(point.time, point.value)
      return null
    }

    const isCalm = Math.abs(point.score ?? 0) <= EXIT_Z_FRACTION * this.#settings.anomalyZ
    if (isCalm) EPISODE.quiet(s, at + EPISODE_AT, point.time)
    else EPISODE.undecided(s, at + EPISODE_AT)
    if (!EPISODE.isOpen(s, at + EPISODE_AT)) this.#first = this.#peak = null
    return null
  }

  #rebaselineIfStale(time: number): boolean {
    const s = this.#s
    const at = this.#at
    const start = EPISODE.start(s, at + EPISODE_AT)
    if (start === null || time - start < REBASELINE_HOURS * HOUR_MS) return false
    this.#baseline.reset()
    EPISODE.close(s, at + EPISODE_AT)
    s[at + RUN] = 0
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
