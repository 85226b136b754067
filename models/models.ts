import type { Config, DeviceEvent, Fleet, Logger, Reading, Registry, Signal } from '../core/index.js'
import { AssetFusion } from './asset-fusion.js'
import { deviceFaultSignal } from './device-fault.js'
import { createModelsMetrics, type ModelsMetrics } from './metrics.js'
import {
  OutcomeFeedback, type DetectorOutcomes, type FaultLabel, type OutcomeReport,
} from './outcome-feedback.js'
import { createStreamDetector, type StreamDetector } from './stream-detector.js'

/**
 * Upper bound on streams held in memory. Each stream costs a few kilobytes; this keeps a
 * flood of unexpected metric names from exhausting memory. Far above the sample fleets.
 */
const MAX_STREAMS = 100_000

/** What createModels needs. */
export interface ModelsDeps {
  config: Config
  fleet: Fleet
  logger: Logger
  metrics: Registry
  /** Called synchronously for every new Signal; an exception is logged and does not stop models. */
  onSignal: (signal: Signal) => void
}

/** Online anomaly detection and failure prediction over every stream. */
export interface Models {
  /** Synchronous; constant memory and constant work per reading. */
  observe(reading: Reading): void
  /** Device-reported 'fault' events become 'device_fault' Signals; other events are ignored. */
  observeEvent(event: DeviceEvent): void
  stats(): { streams: number, readings: number, signals: number, warmStartReadings: number }
  /**
   * Warm start: feeds recent history (from the telemetry store, in time order per stream) through
   * every detector without raising Signals, so that after a restart the baselines, profiles,
   * trends and open cases are as before and nothing alarms twice. Call it before live readings;
   * a history reading not later than its stream's last is ignored like any other.
   */
  warmStart(readings: Iterable<Reading>): { readings: number, withheldSignals: number }
  /**
   * Outcome feedback from a closed work order: ends the asset's case for that failure mode,
   * adjusts how much evidence a new case needs (a visit that found nothing asks for more), and
   * counts the outcome for each detector behind the case.
   */
  recordOutcome(report: OutcomeReport): void
  /** Per detector: confirmed and no-fault-found cases, precision and median lead time. */
  detectorOutcomes(): DetectorOutcomes[]
  /** Confirmed faults recorded since start (at most the last 1000). */
  labels(): FaultLabel[]
}

/** Builds the models capability; no I/O, no timers. */
export function createModels(deps: ModelsDeps): Models {
  const log = deps.logger.child({ module: 'models' })
  const counts = { readings: 0, signals: 0 }
  let warmStartReadings = 0
  const metrics = createModelsMetrics(deps.metrics, () => counts.readings + warmStartReadings)
  const streams = createStreams(deps, log, metrics)
  const lastFaultByDevice = new Map<string, string>()
  const feedback = new OutcomeFeedback()
  const fusion = new AssetFusion((assetId, failureMode) => feedback.requiredConfidence(assetId, failureMode))
  let isWarmStart = false
  let withheld = 0

  const emit = (signal: Signal, deviceId: string): void => {
    if (isWarmStart) {
      withheld++
      return
    }
    counts.signals++
    metrics.signals.inc({ kind: signal.kind, severity: signal.severity })
    const ids = { assetId: signal.assetId, deviceId, signalId: signal.id }
    log.info({ ...ids, kind: signal.kind, severity: signal.severity, modelId: signal.detector.name,
      score: signal.confidence }, 'signal raised')
    try {
      deps.onSignal(signal)
    } catch (err: unknown) {
      log.error({ err, ...ids }, 'signal handler failed')
    }
  }

  const observe = (reading: Reading): void => {
    if (isWarmStart) warmStartReadings++
    else counts.readings++
    for (const streamSignal of streams.observe(reading)) {
      const signal = fusion.fuse(streamSignal)
      if (signal === null) metrics.joined.inc({ kind: streamSignal.kind })
      else emit(signal, reading.deviceId)
    }
  }

  const observeEvent = (event: DeviceEvent): void => {
    const signal = deviceFaultSignal(event)
    // A redelivered event (MQTT QoS 1) carries the same evidence and must not signal twice.
    if (signal === null || lastFaultByDevice.get(event.deviceId) === signal.id) return
    lastFaultByDevice.set(event.deviceId, signal.id)
    emit(signal, event.deviceId)
  }

  const warmStart = (readings: Iterable<Reading>): { readings: number, withheldSignals: number } => {
    const before = { readings: warmStartReadings, withheld }
    const assetIds = new Set<string>()
    isWarmStart = true
    try {
      for (const reading of readings) {
        assetIds.add(reading.assetId)
        observe(reading)
      }
    } finally {
      isWarmStart = false
    }
    const result = { readings: warmStartReadings - before.readings, withheldSignals: withheld - before.withheld }
    // Called once per asset at start-up (models/warm-start.ts); the service logs the summary at info.
    log.debug({ assetIds: [...assetIds], ...result }, 'warm start done')
    return result
  }

  const recordOutcome = (report: OutcomeReport): void => {
    const evidence = fusion.evidenceOf(report.assetId, report.failureMode)
    feedback.record(report, evidence)
    fusion.close(report.assetId, report.failureMode)
    for (const item of evidence ?? []) metrics.outcomes.inc({ detector: item.detector, outcome: report.outcome })
    log.info({ assetId: report.assetId, failureMode: report.failureMode, outcome: report.outcome,
      requiredConfidence: feedback.requiredConfidence(report.assetId, report.failureMode) }, 'outcome recorded')
  }

  return {
    observe,
    observeEvent,
    stats: () => ({ streams: streams.count(), ...counts, warmStartReadings }),
    warmStart,
    recordOutcome,
    detectorOutcomes: () => feedback.detectorOutcomes(),
    labels: () => feedback.labels(),
  }
}

/** The per-stream detectors, created on a stream's first reading. */
function createStreams(deps: ModelsDeps, log: Logger, metrics: ModelsMetrics) {
  // By asset, then metric: a lookup per reading then builds no key string.
  const streams = new Map<string, Map<string, StreamDetector>>()
  let count = 0
  let hasWarnedOfLimit = false

  const streamFor = (reading: Reading): StreamDetector | null => {
    const { assetId, metric } = reading
    let ofAsset = streams.get(assetId)
    const known = ofAsset?.get(metric)
    if (known !== undefined || count >= MAX_STREAMS) return known ?? null

    const profile = deps.fleet.equipmentType(reading.tags.equipmentType)?.metrics[metric]
    const detector = createStreamDetector({ assetId, metric, profile, settings: deps.config.models })
    if (ofAsset === undefined) {
      ofAsset = new Map()
      streams.set(assetId, ofAsset)
    }
    ofAsset.set(metric, detector)
    count += 1
    metrics.streams.set(count)
    log.debug({ assetId, metric, isProfiled: profile !== undefined }, 'stream started')
    return detector
  }

  const observe = (reading: Reading): Signal[] => {
    const { assetId, deviceId, metric } = reading
    const detector = streamFor(reading)
    if (detector === null) {
      metrics.ignored.count('stream_limit')
      // Once is enough: every further reading of a new stream would repeat it.
      if (!hasWarnedOfLimit) log.warn({ assetId, deviceId, metric }, 'stream limit reached')
      hasWarnedOfLimit = true
      return []
    }

    const result = detector.observe(reading.time, reading.value)
    if (result.ignored !== null) metrics.ignored.count(result.ignored)
    if (result.isRebaselined) log.info({ assetId, deviceId, metric }, 'stream baseline reset')
    return result.signals
  }

  return { observe, count: () => count }
}
