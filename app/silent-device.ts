import { createHash } from 'node:crypto'
import type { DeviceEvent, Signal } from '../core/index.js'

/*
 * The silent-device Signal, built here from the gateway's `silent` DeviceEvent until models
 * turns it into one itself, next to its device-fault Signal (models/device-fault.ts, which
 * this mirrors so it can move there as it is). It is a rule on an event, not a detector on
 * readings, so it needs nothing of the models' per-stream state.
 */

/** Detector name and version carried by every silent-device Signal. */
export const SILENT_DEVICE_DETECTOR = { name: 'gateway-liveness', version: '1.0.0' } as const
/** Failure mode of a silent device: the asset is no longer monitored, whatever the cause. */
export const SILENT_DEVICE_MODE = 'telemetry_lost'
/**
 * The silence itself is certain; that it means a fault is not (a power cut, a network
 * change, a device removed without telling anyone all look the same from here).
 */
const SILENT_DEVICE_CONFIDENCE = 0.8

const MINUTE_MS = 60_000

/**
 * The Signal for a `silent` event; null for any other kind. Its id is derived from the
 * device and the last telemetry before the silence, so one silence makes one Signal however
 * often it is reported, and the next silence (after a `resumed`) makes a new one.
 */
export function silentDeviceSignal(event: DeviceEvent): Signal | null {
  if (event.kind !== 'silent') return null
  const lastSeenAt = event.lastSeenAt ?? event.time
  const evidence = [event.assetId, event.deviceId, 'silent_device', lastSeenAt, SILENT_DEVICE_DETECTOR.version]
  const id = createHash('sha1').update(evidence.join('|')).digest('hex')
  return {
    id,
    assetId: event.assetId,
    kind: 'silent_device',
    failureMode: SILENT_DEVICE_MODE,
    severity: 'warning',
    confidence: SILENT_DEVICE_CONFIDENCE,
    detectedAt: event.time,
    predictedFailure: null,
    evidence: {
      metrics: [],
      windowStart: lastSeenAt,
      windowEnd: event.time,
      points: [],
      summary: summary(event, lastSeenAt),
    },
    detector: { ...SILENT_DEVICE_DETECTOR },
  }
}

function summary(event: DeviceEvent, lastSeenAt: number): string {
  const since = `${new Date(lastSeenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const expected = event.expectedIntervalMs === undefined
    ? ''
    : ` (it normally reports at least every ${minutes(event.expectedIntervalMs)})`
  return `Device ${event.deviceId} has sent no telemetry since ${since}${expected}.`
}

function minutes(ms: number): string {
  if (ms < MINUTE_MS) return `${Math.max(1, Math.round(ms / 1000))} s`
  return `${Math.round(ms / MINUTE_MS)} min`
}
