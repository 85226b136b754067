import type { Config, MetricProfile, Signal } from '../core/index.js'
import { ANOMALY_STATE_SIZE, AnomalyDetector } from './anomaly-detector.js'
import { CHANGE_STATE_SIZE, ChangeDetector } from './change-detector.js'
import { DEGRADATION_STATE_SIZE, DegradationDetector } from './degradation-detector.js'
import { ModelsError } from './errors.js'
import { toSignal, type Finding } from './finding.js'
import { NOVELTY_STATE_SIZE, NoveltyScore } from './novelty-score.js'
import { PHYSICAL_RANGE_STATE_SIZE, PhysicalRangeCheck } from './physical-range.js'
import { PROFILE_BYTES, SeasonalProfile } from './seasonal-profile.js'
import { SENSOR_HEALTH_STATE_SIZE, SensorHealth } from './sensor-health.js'
import type { BaselineState } from './robust-baseline.js'
import { TREND_STATE_SIZE } from './trend-bank.js'
import { streamContext, type StreamContext } from './stream-context.js'

/** The `config.models` settings a stream detector uses. */
export type ModelSettings = Config['models']

/** What a stream detector is built from. */
export interface StreamDetectorOptions {
  assetId: string
  metric: string
  /** The metric's equipment profile; absent for unprofiled metrics (no limits, no trend). */
  profile?: MetricProfile | undefined
  settings: ModelSettings
}

/** Why a reading was not used. */
export type IgnoredReason = 'out_of_order' | 'invalid_time'

/** The outcome of one reading. */
export interface StreamObservation {
  /** New Signals (usually none). */
  signals: Signal[]
  /** Robust z-score of the reading; 0 while warming up or when not scored. Never NaN. */
  score: number
  /**
   * Continuous anomaly score in [0, 1): how far the reading goes beyond the stream's recent
   * record deviations (models/novelty-score.ts). 0 while warming up or when not scored.
   */
  anomalyScore: number
  isSensorFault: boolean
  /** Set when the reading was not used at all. */
  ignored: IgnoredReason | null
  /** The anomaly baseline gave up an outdated level and is warming up again. */
  isRebaselined: boolean
}

/** All detectors of one stream (asset + metric): constant memory and work per reading. */
export interface StreamDetector {
  readonly context: StreamContext
  observe(time: number, value: number): StreamObservation
  /** The anomaly baseline now, for evaluation and tests. */
  baseline(): BaselineState
}

/**
 * Layout of a stream's state buffer (float64 numbers): the trend bank and the degradation
 * detector's numbers first (only for a metric with a failure limit: the bank must start the
 * buffer; its float32 statistics and the level history's float32 ring are read through one
 * Float32Array over the buffer), then the stream's last time and each detector's numbers, the
 * novelty score's included; after them, the hour-of-week profile's float32 levels and byte
 * counts, read through one DataView. One buffer per stream
 * rather than objects, boxed number fields and a typed array per detector: a number field costs
 * 24 bytes (pointer and box) instead of 8, a typed array about 200 bytes before its data.
 */
const LAST_TIME = 0
const RANGE_AT = LAST_TIME + 1
const NOVELTY_AT = RANGE_AT + PHYSICAL_RANGE_STATE_SIZE
const HEALTH_AT = NOVELTY_AT + NOVELTY_STATE_SIZE
const ANOMALY_AT = HEALTH_AT + SENSOR_HEALTH_STATE_SIZE
const CHANGE_AT = ANOMALY_AT + ANOMALY_STATE_SIZE
const STREAM_STATE_SIZE = CHANGE_AT + CHANGE_STATE_SIZE
const TREND_AT = TREND_STATE_SIZE + DEGRADATION_STATE_SIZE

/** Builds the detectors of one stream; throws FW_ERR_MDL_OPTIONS_INVALID on unusable settings. */
export function createStreamDetector(options: StreamDetectorOptions): StreamDetector {
  checkOptions(options)
  return new Detectors(streamContext(options.assetId, options.metric, options.profile), options.settings)
}

/**
 * The detectors of one stream. A class rather than closures: with thousands of streams, methods
 * shared on the prototype keep each stream's memory to its detectors' state.
 */
class Detectors implements StreamDetector {
  readonly context: StreamContext
  readonly #range: PhysicalRangeCheck
  readonly #anomaly: AnomalyDetector
  readonly #novelty: NoveltyScore
  readonly #health: SensorHealth
  readonly #change: ChangeDetector
  readonly #degradation: DegradationDetector | null
  readonly #s: Float64Array
  /** Where the detectors' numbers (after the trend's, if any) start in the state buffer. */
  readonly #at: number
  /** Findings of the current reading; they are rare, so the array is only made for one that has some. */
  #findings: Finding[] | null = null

  constructor(context: StreamContext, settings: ModelSettings) {
    this.context = context
    const limit = context.failureLimit
    const at = limit === undefined ? 0 : TREND_AT
    const numbers = at + STREAM_STATE_SIZE
    const buffer = new ArrayBuffer(numbers * Float64Array.BYTES_PER_ELEMENT + PROFILE_BYTES)
    const s = new Float64Array(buffer, 0, numbers)
    const profile = new SeasonalProfile(new DataView(buffer, numbers * Float64Array.BYTES_PER_ELEMENT, PROFILE_BYTES))
    this.#s = s
    this.#at = at
    s[at + LAST_TIME] = -Infinity
    this.#range = new PhysicalRangeCheck(context, s, at + RANGE_AT)
    this.#anomaly = new AnomalyDetector(context, settings, s, at + ANOMALY_AT)
    this.#novelty = new NoveltyScore(settings.warmupReadings, s, at + NOVELTY_AT)
    this.#health = new SensorHealth(context, settings.warmupReadings, s, at + HEALTH_AT)
    this.#change = new ChangeDetector(context, settings, s, at + CHANGE_AT, profile)
    this.#degradation = limit === undefined
      ? null
      : new DegradationDetector(context, settings, limit, s, TREND_STATE_SIZE)
  }

  baseline(): BaselineState {
    return this.#anomaly.baseline
  }

  observe(time: number, value: number): StreamObservation {
    if (!Number.isFinite(time)) return ignored('invalid_time')
    if (time <= (this.#s[this.#at + LAST_TIME] ?? -Infinity)) return ignored('out_of_order')
    this.#s[this.#at + LAST_TIME] = time
    this.#findings = null

    const checked = this.#range.observe(time, value)
    this.#keep(checked.finding)
    if (checked.isFault) {
      this.#health.skip(time)
      return this.#observation(0, 0, true, false)
    }

    // The score comes first and sees every valid reading: a flat line may be what is abnormal.
    const anomalyScore = this.#novelty.observe(time, value)
    const sensor = this.#health.observe(time, value)
    for (const finding of sensor.findings) this.#keep(finding)
    if (sensor.isStuck) return this.#observation(0, anomalyScore, true, false)

    const step = this.#anomaly.observe(time, value, this.#change.usualAt(time))
    this.#keep(step.finding)
    this.#keep(this.#change.observe(time, value))
    if (this.#degradation !== null) this.#keep(this.#degradation.observe(time, value, step.score, this.#anomaly))
    return this.#observation(step.score, anomalyScore, false, step.isRebaselined)
  }

  #keep(finding: Finding | null): void {
    if (finding !== null) (this.#findings ??= []).push(finding)
  }

  #observation(score: number, anomalyScore: number, isSensorFault: boolean, isRebaselined: boolean): StreamObservation {
    const { assetId, metric } = this.context
    const signals = this.#findings === null ? [] : this.#findings.map((finding) => toSignal(assetId, metric, finding))
    return { signals, score, anomalyScore, isSensorFault, ignored: null, isRebaselined }
  }
}

function ignored(reason: IgnoredReason): StreamObservation {
  return {
    signals: [], score: 0, anomalyScore: 0, isSensorFault: false, ignored: reason, isRebaselined: false,
  }
}

function checkOptions(options: StreamDetectorOptions): void {
  const { settings, profile } = options
  const problems: string[] = []
  if (!(Number.isInteger(settings.warmupReadings) && settings.warmupReadings >= 1)) {
    problems.push(`warmupReadings must be a positive integer, got ${settings.warmupReadings}`)
  }
  if (!(Number.isInteger(settings.anomalyMinRun) && settings.anomalyMinRun >= 1)) {
    problems.push(`anomalyMinRun must be a positive integer, got ${settings.anomalyMinRun}`)
  }
  if (!(settings.anomalyZ > 0 && Number.isFinite(settings.anomalyZ))) {
    problems.push(`anomalyZ must be a positive number, got ${settings.anomalyZ}`)
  }
  if (!(settings.horizonHours > 0)) {
    problems.push(`horizonHours must be positive, got ${settings.horizonHours}`)
  }
  if (profile?.physicalMin !== undefined && profile.physicalMax !== undefined
    && !(profile.physicalMin <= profile.physicalMax)) {
    problems.push(`physicalMin ${profile.physicalMin} is above physicalMax ${profile.physicalMax}`)
  }
  if (problems.length === 0) return
  throw new ModelsError('FW_ERR_MDL_OPTIONS_INVALID',
    `stream ${options.assetId}/${options.metric}: ${problems.join('; ')}`,
    { details: { assetId: options.assetId, metric: options.metric, problems } })
}
