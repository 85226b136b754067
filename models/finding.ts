import { createHash } from 'node:crypto'
import type { Evidence, FailureWindow, Severity, Signal, SignalKind } from '../core/index.js'

/** A detector's conclusion before it becomes a Signal: everything but the id and asset. */
export interface Finding {
  kind: SignalKind
  failureMode: string
  severity: Severity
  confidence: number
  /** Data time the episode began; part of the id, so one episode is one Signal per severity. */
  episodeStart: number
  detectedAt: number
  predictedFailure: FailureWindow | null
  evidence: Evidence
  detector: { name: string, version: string }
}

/**
 * Id derived from the evidence alone (no clock, no counter): replaying the same data gives
 * the same ids, and dispatch can drop a Signal it has already seen.
 */
export function signalId(assetId: string, metric: string, finding: Finding): string {
  const parts = [
    assetId, metric, finding.kind, finding.failureMode, finding.detector.name,
    finding.detector.version, String(finding.episodeStart), finding.severity,
  ]
  return createHash('sha1').update(parts.join('|')).digest('hex')
}

/** Confidence kept inside (0, 1) and never NaN, whatever the detector computed. */
export function boundedConfidence(value: number, min = 0.5, max = 0.99): number {
  if (Number.isNaN(value)) return min
  return Math.min(max, Math.max(min, value))
}

/** The Signal for a finding about one stream. */
export function toSignal(assetId: string, metric: string, finding: Finding): Signal {
  return {
    id: signalId(assetId, metric, finding),
    assetId,
    kind: finding.kind,
    failureMode: finding.failureMode,
    severity: finding.severity,
    confidence: boundedConfidence(finding.confidence, 0, 1),
    detectedAt: finding.detectedAt,
    predictedFailure: finding.predictedFailure,
    evidence: finding.evidence,
    detector: finding.detector,
  }
}
