import { median } from 'simple-statistics'
import type { CaseEvidence } from './asset-fusion.js'

/** How a work order ended, as dispatch records it. */
export type WorkOrderOutcome = 'fault_confirmed' | 'no_fault_found' | 'could_not_access'

/** A closed work order, as models needs to hear of it. */
export interface OutcomeReport {
  assetId: string
  failureMode: string
  outcome: WorkOrderOutcome
  /** Data time the work order was completed. */
  at: number
}

/** A confirmed fault: a label for the detectors that saw it. */
export interface FaultLabel {
  assetId: string
  failureMode: string
  at: number
  /** The detectors behind the case and when each first spoke. */
  evidence: CaseEvidence[]
}

/** How one detector's cases ended. */
export interface DetectorOutcomes {
  detector: string
  confirmed: number
  noFaultFound: number
  /** confirmed / (confirmed + noFaultFound); null before any such outcome. */
  precision: number | null
  /** Median hours from the detector's first Signal in a confirmed case to the repair; null if none yet. */
  medianLeadHours: number | null
}

/**
 * Each visit that found nothing raises, for that asset and failure mode, the confidence a
 * finding needs to open a new case: 0 before any (nothing is filtered), 0.6 after one, then 0.1
 * more per visit up to 0.9; each confirmed fault takes one wasted visit back. Confidences are
 * 0.5 at every detector's threshold, so after one wasted visit a finding must be clearly past
 * its threshold, and after several only strong evidence (a measured limit crossing is 0.95)
 * sends someone again.
 */
const GATE_START = 0.5
const GATE_STEP = 0.1
const GATE_MAX = 0.9
/** Labels kept in memory (the oldest are dropped); dispatch keeps them all in its store. */
const MAX_LABELS = 1000
/** Lead times kept per detector for its median. */
const MAX_LEADS = 200
const HOUR_MS = 3_600_000

/** Outcome feedback: per asset and failure mode sensitivity, per detector precision and lead time. */
export class OutcomeFeedback {
  readonly #misses = new Map<string, number>()
  readonly #byDetector = new Map<string, { confirmed: number, noFaultFound: number, leads: number[] }>()
  readonly #labels: FaultLabel[] = []

  /** The confidence a finding for this asset and failure mode needs to open a case. */
  requiredConfidence(assetId: string, failureMode: string): number {
    const misses = this.#misses.get(key(assetId, failureMode)) ?? 0
    return misses === 0 ? 0 : Math.min(GATE_MAX, GATE_START + GATE_STEP * misses)
  }

  /** Records a closed work order and the evidence of its case (null when models had none). */
  record(report: OutcomeReport, evidence: CaseEvidence[] | null): void {
    if (report.outcome === 'could_not_access') return
    const k = key(report.assetId, report.failureMode)
    const misses = this.#misses.get(k) ?? 0
    const isConfirmed = report.outcome === 'fault_confirmed'
    const next = isConfirmed ? Math.max(0, misses - 1) : misses + 1
    if (next === 0) this.#misses.delete(k)
    else this.#misses.set(k, next)

    for (const item of evidence ?? []) {
      const tally = this.#byDetector.get(item.detector) ?? { confirmed: 0, noFaultFound: 0, leads: [] }
      if (isConfirmed) {
        tally.confirmed++
        tally.leads = [...tally.leads, (report.at - item.firstDetectedAt) / HOUR_MS].slice(-MAX_LEADS)
      } else {
        tally.noFaultFound++
      }
      this.#byDetector.set(item.detector, tally)
    }
    if (isConfirmed) {
      this.#labels.push({ ...report, evidence: evidence ?? [] })
      if (this.#labels.length > MAX_LABELS) this.#labels.shift()
    }
  }

  /** Precision and lead time per detector, by name. */
  detectorOutcomes(): DetectorOutcomes[] {
    return [...this.#byDetector.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([detector, tally]) => ({
      detector,
      confirmed: tally.confirmed,
      noFaultFound: tally.noFaultFound,
      precision: tally.confirmed + tally.noFaultFound === 0
        ? null
        : tally.confirmed / (tally.confirmed + tally.noFaultFound),
      medianLeadHours: tally.leads.length === 0 ? null : median(tally.leads),
    }))
  }

  /** Confirmed faults, oldest first (at most the last 1000). */
  labels(): FaultLabel[] {
    return [...this.#labels]
  }
}

function key(assetId: string, failureMode: string): string {
  return `${assetId}\u0000${failureMode}`
}
