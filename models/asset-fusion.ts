import { createHash } from 'node:crypto'
import type { EvidencePoint, FailureWindow, Severity, Signal } from '../core/index.js'
import { formatTime } from './summary.js'

/** Version of the fusion rule; part of every fused Signal's id. */
export const FUSION_VERSION = '1.0.0'

/**
 * A case closes after this much data time without new evidence from any of its streams. Three
 * days: a degradation episode reports when it opens and when it escalates, and may be silent
 * for days in between; a case closed too early would send the same fault to dispatch twice.
 */
const CASE_QUIET_HOURS = 72
/** A new forecast counts as growing evidence when it brings the earliest failure this much closer. */
const EARLIER_FORECAST_HOURS = 24
/** Evidence items kept per case (the latest per stream and detector); older ones are dropped. */
const MAX_ITEMS = 6
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }
const HOUR_MS = 3_600_000

/** One stream's latest evidence in a case, and when that stream and detector first spoke. */
interface Item {
  key: string
  signal: Signal
  firstDetectedAt: number
}

/** What a case's evidence came from: each detector and when it first spoke in the case. */
export interface CaseEvidence {
  detector: string
  firstDetectedAt: number
}

/**
 * The confidence a finding needs to open a case for its asset and failure mode (outcome
 * feedback raises it after visits that found nothing); 0 lets everything through.
 */
export type OpeningGate = (assetId: string, failureMode: string) => number

/** Everything known about one fault of one asset (asset + failure mode). */
interface Case {
  start: number
  lastEvidence: number
  severity: Severity
  forecast: FailureWindow | null
  revision: number
  items: Item[]
}

/**
 * Fusion per asset: the Signals of all streams and detectors of one asset that name the same
 * failure mode are one case, and the case is what dispatch hears about. A case reports when it
 * opens and again only when its evidence grows: a higher severity, a first failure forecast, or
 * a forecast at least a day earlier. A second metric or detector confirming a known fault joins
 * the evidence without a new Signal (hysteresis); the case closes after 72 data hours without
 * new evidence. Device-reported faults pass through unchanged (each code is its own report).
 * Memory: one case per asset and failure mode with an open fault, at most 6 evidence items each.
 */
export class AssetFusion {
  readonly #cases = new Map<string, Case>()
  readonly #gate: OpeningGate

  constructor(gate: OpeningGate = () => 0) {
    this.#gate = gate
  }

  /** The Signal dispatch should get for a stream Signal; null when it adds nothing new. */
  fuse(signal: Signal): Signal | null {
    if (signal.kind === 'device_fault' || signal.kind === 'silent_device') return signal
    const key = caseKey(signal.assetId, signal.failureMode)
    const open = this.#cases.get(key)
    const isExpired = open !== undefined && signal.detectedAt - open.lastEvidence >= CASE_QUIET_HOURS * HOUR_MS
    if (open === undefined || isExpired) {
      if (signal.confidence < this.#gate(signal.assetId, signal.failureMode)) return null
      const opened: Case = {
        start: signal.detectedAt, lastEvidence: signal.detectedAt, severity: signal.severity,
        forecast: signal.predictedFailure, revision: 0, items: [],
      }
      remember(opened, signal)
      this.#cases.set(key, opened)
      return fusedSignal(opened, signal)
    }

    open.lastEvidence = Math.max(open.lastEvidence, signal.detectedAt)
    remember(open, signal)
    if (!grows(open, signal)) return null
    open.severity = maxSeverity(open.severity, signal.severity)
    open.forecast = earlierForecast(open.forecast, signal.predictedFailure)
    open.revision++
    return fusedSignal(open, signal)
  }

  /** The detectors behind the latest case of an asset and failure mode; null if there is none. */
  evidenceOf(assetId: string, failureMode: string): CaseEvidence[] | null {
    const open = this.#cases.get(caseKey(assetId, failureMode))
    if (open === undefined) return null
    return open.items.map((item) => ({ detector: item.signal.detector.name, firstDetectedAt: item.firstDetectedAt }))
  }

  /** Ends the case (its work order closed): new evidence opens a new one. */
  close(assetId: string, failureMode: string): void {
    this.#cases.delete(caseKey(assetId, failureMode))
  }

  /** Cases held now, for tests and metrics. */
  get size(): number { return this.#cases.size }
}

function caseKey(assetId: string, failureMode: string): string {
  return `${assetId}\u0000${failureMode}`
}

function grows(open: Case, signal: Signal): boolean {
  if (SEVERITY_RANK[signal.severity] > SEVERITY_RANK[open.severity]) return true
  const forecast = signal.predictedFailure
  if (forecast === null) return false
  if (open.forecast === null) return true
  return open.forecast.earliest - forecast.earliest >= EARLIER_FORECAST_HOURS * HOUR_MS
}

function remember(open: Case, signal: Signal): void {
  const key = `${signal.evidence.metrics.join(',')}|${signal.detector.name}`
  const known = open.items.find((item) => item.key === key)
  const item = { key, signal, firstDetectedAt: known?.firstDetectedAt ?? signal.detectedAt }
  open.items = [...open.items.filter((other) => other.key !== key), item].slice(-MAX_ITEMS)
}

/**
 * The case as one Signal: the triggering Signal's kind and detector (what changed), the case's
 * severity and forecast, the highest confidence of its evidence (the items are views of one
 * fault, not independent witnesses, so they are not multiplied together) and all their evidence.
 */
function fusedSignal(open: Case, trigger: Signal): Signal {
  const signals = open.items.map((item) => item.signal)
  const hasForecast = open.forecast !== null
  const kind = hasForecast && trigger.kind === 'anomaly' ? 'degradation' : trigger.kind
  const others = signals.filter((signal) => signal !== trigger)
  const summary = others.length === 0
    ? trigger.evidence.summary
    : `${trigger.evidence.summary} Also seen on this asset since ${formatTime(open.start)}: `
      + others.map((signal) => signal.evidence.summary).join(' ')
  const points: EvidencePoint[] = signals.flatMap((signal) => signal.evidence.points)
  const idParts = [trigger.assetId, trigger.failureMode, 'asset-fusion', FUSION_VERSION, open.start, open.revision,
    maxSeverity(open.severity, trigger.severity)]
  return {
    id: createHash('sha1').update(idParts.join('|')).digest('hex'),
    assetId: trigger.assetId,
    kind,
    failureMode: trigger.failureMode,
    severity: maxSeverity(open.severity, trigger.severity),
    confidence: Math.max(...signals.map((signal) => signal.confidence)),
    detectedAt: trigger.detectedAt,
    predictedFailure: open.forecast,
    evidence: {
      metrics: [...new Set(signals.flatMap((signal) => signal.evidence.metrics))],
      windowStart: Math.min(...signals.map((signal) => signal.evidence.windowStart)),
      windowEnd: Math.max(...signals.map((signal) => signal.evidence.windowEnd)),
      points,
      summary,
    },
    detector: trigger.detector,
  }
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a
}

function earlierForecast(a: FailureWindow | null, b: FailureWindow | null): FailureWindow | null {
  if (a === null) return b
  if (b === null) return a
  return { earliest: Math.min(a.earliest, b.earliest), mostLikely: Math.min(a.mostLikely, b.mostLikely) }
}
