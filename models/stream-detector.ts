import type { Config, MetricProfile, Signal } from '../core/index.js'
import { AnomalyDetector } from './anomaly-detector.js'
import { ChangeDetector } from './change-detector.js'
import { DegradationDetector } from './degradation-detector.js'
import { ModelsError } from './errors.js'
import { toSignal, type Finding } from './finding.js'
import { NoveltyScore } from './novelty-score.js'
import { PhysicalRangeCheck } from './physical-range.js'
import { SensorHealth } from './sensor-health.js'
import type { BaselineState } from './robust-baseline.js'
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

/** Builds the detectors of one stream; throws FW_ERR_MDL_OPTIONS_INVALID on unusable settings. */
export function createStreamDetector(options: StreamDetectorOptions): StreamDetector {
  checkOptions(options)
  const context = streamContext(options.assetId, options.metric, options.profile)
  const range = new PhysicalRangeCheck(context)
  const anomaly = new AnomalyDetector(context, options.settings)
  const novelty = new NoveltyScore(options.settings.warmupReadings)
  const health = new SensorHealth(context, options.settings.warmupReadings)
  const change = new ChangeDetector(context, options.settings)
  const limit = context.failureLimit
  const degradation = limit === undefined
    ? null
    : new DegradationDetector(context, options.settings, limit)
  let lastTime = -Infinity

  const observe = (time: number, value: number): StreamObservation => {
    if (!Number.isFinite(time)) return ignored('invalid_time')
    if (time <= lastTime) return ignored('out_of_order')
    lastTime = time

    const checked = range.observe(time, value)
    const findings: Finding[] = checked.finding === null ? [] : [checked.finding]
    if (checked.isFault) {
      health.skip(time)
      return observation(findings, 0, { isSensorFault: true })
    }

    // The score comes first and sees every valid reading: a flat line may be what is abnormal.
    const anomalyScore = novelty.observe(time, value)
    const sensor = health.observe(time, value)
    findings.push(...sensor.findings)
    if (sensor.isStuck) return observation(findings, 0, { anomalyScore, isSensorFault: true })

    const step = anomaly.observe(time, value, change.usualAt(time))
    if (step.finding !== null) findings.push(step.finding)
    const shift = change.observe(time, value)
    if (shift !== null) findings.push(shift)
    const trend = degradation?.observe(time, value, step.score, anomaly.baseline) ?? null
    if (trend !== null) findings.push(trend)
    return observation(findings, step.score, { anomalyScore, isRebaselined: step.isRebaselined })
  }

  const observation = (
    findings: Finding[], score: number, flags: Partial<StreamObservation>,
  ): StreamObservation => ({
    signals: findings.map((finding) => toSignal(context.assetId, context.metric, finding)),
    score,
    anomalyScore: 0,
    isSensorFault: false,
    ignored: null,
    isRebaselined: false,
    ...flags,
  })

  return { context, observe, baseline: () => anomaly.baseline }
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
