import { createHash } from 'node:crypto'
import type { DeviceEvent, Signal } from '../core/index.js'
import { formatTime } from './summary.js'

/** Detector name and version carried by every device-fault Signal. */
export const DEVICE_FAULT_DETECTOR = { name: 'device-report', version: '1.0.0' } as const
/** Failure mode of a device-reported fault; the fault code itself travels in the evidence. */
export const DEVICE_FAULT_MODE = 'device_fault'
/**
 * The device's own diagnosis: strong evidence, but not certainty, since devices also report
 * spurious codes (loose connectors, firmware quirks).
 */
const DEVICE_FAULT_CONFIDENCE = 0.9

/** The Signal for a device-reported 'fault' event; null for any other kind of event. */
export function deviceFaultSignal(event: DeviceEvent): Signal | null {
  if (event.kind !== 'fault') return null
  const code = event.code ?? 'unspecified'
  const detail = event.detail === undefined || event.detail === '' ? '' : ` (${event.detail})`
  const evidence = [event.assetId, event.deviceId, 'device_fault', code, DEVICE_FAULT_DETECTOR.version, event.time]
  const id = createHash('sha1').update(evidence.join('|')).digest('hex')
  return {
    id,
    assetId: event.assetId,
    kind: 'device_fault',
    failureMode: DEVICE_FAULT_MODE,
    severity: 'warning',
    confidence: DEVICE_FAULT_CONFIDENCE,
    detectedAt: event.time,
    predictedFailure: null,
    evidence: {
      metrics: [],
      windowStart: event.time,
      windowEnd: event.time,
      points: [],
      summary: `Device ${event.deviceId} reported fault ${code}${detail} at ${formatTime(event.time)}.`,
    },
    detector: { ...DEVICE_FAULT_DETECTOR },
  }
}
