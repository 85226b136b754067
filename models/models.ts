import type { Config, DeviceEvent, Fleet, Logger, Reading, Registry, Signal } from '../core/index.js'
import { deviceFaultSignal } from './device-fault.js'
import { createModelsMetrics, type ModelsMetrics } from './metrics.js'
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
  stats(): { streams: number, readings: number, signals: number }
}

/** Builds the models capability; no I/O, no timers. */
export function createModels(deps: ModelsDeps): Models {
  const log = deps.logger.child({ module: 'models' })
  const metrics = createModelsMetrics(deps.metrics)
  const counts = { readings: 0, signals: 0 }
  const streams = createStreams(deps, log, metrics)
  const lastFaultByDevice = new Map<string, string>()

  const emit = (signal: Signal, deviceId: string): void => {
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
    counts.readings++
    metrics.readings.inc()
    for (const signal of streams.observe(reading)) emit(signal, reading.deviceId)
  }

  const observeEvent = (event: DeviceEvent): void => {
    const signal = deviceFaultSignal(event)
    // A redelivered event (MQTT QoS 1) carries the same evidence and must not signal twice.
    if (signal === null || lastFaultByDevice.get(event.deviceId) === signal.id) return
    lastFaultByDevice.set(event.deviceId, signal.id)
    emit(signal, event.deviceId)
  }

  return { observe, observeEvent, stats: () => ({ streams: streams.count(), ...counts }) }
}

/** The per-stream detectors, created on a stream's first reading. */
function createStreams(deps: ModelsDeps, log: Logger, metrics: ModelsMetrics) {
  const streams = new Map<string, StreamDetector>()
  let hasWarnedOfLimit = false

  const streamFor = (reading: Reading): StreamDetector | null => {
    const key = `${reading.assetId}\u0000${reading.metric}`
    const known = streams.get(key)
    if (known !== undefined || streams.size >= MAX_STREAMS) return known ?? null

    const profile = deps.fleet.equipmentType(reading.tags.equipmentType)?.metrics[reading.metric]
    const { assetId, metric } = reading
    const detector = createStreamDetector({ assetId, metric, profile, settings: deps.config.models })
    streams.set(key, detector)
    metrics.streams.set(streams.size)
    log.debug({ assetId, metric, isProfiled: profile !== undefined }, 'stream started')
    return detector
  }

  const observe = (reading: Reading): Signal[] => {
    const { assetId, deviceId, metric } = reading
    const detector = streamFor(reading)
    if (detector === null) {
      metrics.ignored.inc({ reason: 'stream_limit' })
      // Once is enough: every further reading of a new stream would repeat it.
      if (!hasWarnedOfLimit) log.warn({ assetId, deviceId, metric }, 'stream limit reached')
      hasWarnedOfLimit = true
      return []
    }

    const result = detector.observe(reading.time, reading.value)
    if (result.ignored !== null) metrics.ignored.inc({ reason: result.ignored })
    if (result.isRebaselined) log.info({ assetId, deviceId, metric }, 'stream baseline reset')
    return result.signals
  }

  return { observe, count: () => streams.size }
}
