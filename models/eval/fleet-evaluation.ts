import { quantileSorted } from 'simple-statistics'
import {
  createLogger, createMetricsRegistry, type Config, type Fleet, type Reading, type Signal, type SignalKind,
} from '../../core/index.js'
import { createModels, type Models } from '../index.js'
import type { EvalProgress } from './progress.js'
import { WorkOrderLedger, type LedgerOrder } from './work-order-ledger.js'

const HOUR_MS = 3_600_000
/** An average month (365.25 / 12 days), for false work orders per asset-month. */
const MONTH_MS = 30.4375 * 24 * HOUR_MS
/** Signal kinds that send a technician to the equipment; sensor faults open a sensor case instead. */
const EQUIPMENT_KINDS: ReadonlySet<SignalKind> = new Set(['anomaly', 'degradation', 'device_fault'])
/**
 * A sensor fault counts as found when a sensor-fault Signal names its metric between its start
 * and this long after its end: a dropout can only be seen once readings come back.
 */
const SENSOR_FAULT_GRACE_MS = 6 * HOUR_MS
/** Progress is reported every this many readings. */
const PROGRESS_EVERY = 50_000

/** What really happened in a simulated run. */
export interface FleetTruth {
  failures: Array<{ assetId: string, metric: string, failureMode: string, onset: number, failureAt: number }>
  sensorFaults: Array<{ assetId: string, metric: string, kind: string, start: number, end: number }>
  /** Data time each asset was watched: from the run's start to its failure or the run's end. */
  assets: Array<{ assetId: string, from: number, to: number }>
}

export interface FleetEvaluationOptions {
  fleet: Fleet
  /** The service's configuration; the models use its `models` section. */
  config: Config
  /** A failure counts as caught when its work order opened at least this long before it. */
  leadHours: number
  /**
   * A work order that answers no failure is closed this long after it opened (the visit found
   * nothing); a later Signal may then open another. Default 24 h. Sensor cases close the same way.
   */
  visitHours?: number
  progress?: EvalProgress | null
  /** Readings expected, for the progress bar. */
  totalReadings?: number
}

/** One injected failure and what the detectors made of it. */
export interface FailureOutcome {
  assetId: string
  metric: string
  failureMode: string
  failureAt: number
  /** Hours between the first work order for this failure and the failure; null when none opened. */
  leadHours: number | null
  /** The first work order opened at least the required lead time ahead. */
  isCaught: boolean
}

/** The fleet suite's figures. */
export interface FleetEvaluation {
  readings: number
  signals: Record<string, number>
  failures: number
  caught: number
  /** A work order opened, but less than the required lead time ahead. */
  late: number
  missed: number
  /** caught / failures; 1 when there are no failures. */
  recall: number
  requiredLeadHours: number
  /** Over the failures that got a work order before they happened; null when none did. */
  leadTimeHours: { median: number, p10: number, p90: number, min: number } | null
  workOrders: number
  falseWorkOrders: number
  /** False work orders opened on an asset's metric during (or up to 6 h after) a sensor fault of it. */
  workOrdersFromSensorFaults: number
  assetMonths: number
  falseWorkOrdersPerAssetMonth: number
  sensorFaults: { injected: number, found: number, byKind: Record<string, { injected: number, found: number }> }
  sensorCases: number
  falseSensorCases: number
  outcomes: FailureOutcome[]
  falseOrders: LedgerOrder[]
  elapsedMs: number
}

/**
 * Feeds a simulated fleet's readings through the production models (createModels, all
 * detectors) and opens work orders by dispatch's rule, one open per asset and failure mode,
 * then scores them against the truth: recall at the required lead time, false work orders per
 * asset-month, lead times, and whether sensor faults were told apart from equipment faults.
 */
export function evaluateFleet(
  readings: Iterable<Reading>, truth: FleetTruth, options: FleetEvaluationOptions,
): FleetEvaluation {
  const started = performance.now()
  const visitMs = (options.visitHours ?? 24) * HOUR_MS
  const signals: Signal[] = []
  const models = createModels({
    config: options.config,
    fleet: options.fleet,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    onSignal: (signal) => signals.push(signal),
  })
  const readingCount = feed(models, readings, options)
  signals.sort((a, b) => a.detectedAt - b.detectedAt)

  const answersFailure = (order: LedgerOrder): boolean => truth.failures.some((failure) =>
    failure.assetId === order.assetId && failure.failureMode === order.failureMode
    && order.openedAt >= failure.onset && order.openedAt < failure.failureAt)
  const equipment = new WorkOrderLedger((order) => (answersFailure(order) ? null : order.openedAt + visitMs))
  const sensor = new WorkOrderLedger((order) => order.openedAt + visitMs)
  for (const signal of signals) (EQUIPMENT_KINDS.has(signal.kind) ? equipment : sensor).observe(signal)

  const outcomes = truth.failures.map((failure) => outcomeOf(failure, equipment.orders, options.leadHours))
  const falseOrders = equipment.orders.filter((order) => !answersFailure(order))
  const assetMonths = truth.assets.reduce((sum, asset) => sum + Math.max(0, asset.to - asset.from), 0) / MONTH_MS
  const caught = outcomes.filter((outcome) => outcome.isCaught).length
  const withOrder = outcomes.filter((outcome) => outcome.leadHours !== null).length
  return {
    readings: readingCount,
    signals: countBy(signals.map((signal) => signal.kind)),
    failures: outcomes.length,
    caught,
    late: withOrder - caught,
    missed: outcomes.length - withOrder,
    recall: outcomes.length === 0 ? 1 : caught / outcomes.length,
    requiredLeadHours: options.leadHours,
    leadTimeHours: leadDistribution(outcomes),
    workOrders: equipment.orders.length,
    falseWorkOrders: falseOrders.length,
    workOrdersFromSensorFaults: falseOrders.filter((order) => isDuringSensorFault(order, truth, options.fleet)).length,
    assetMonths,
    falseWorkOrdersPerAssetMonth: assetMonths === 0 ? 0 : falseOrders.length / assetMonths,
    sensorFaults: sensorFaultsFound(truth, signals),
    sensorCases: sensor.orders.length,
    falseSensorCases: sensor.orders.filter((order) => !truth.sensorFaults.some((fault) =>
      fault.assetId === order.assetId && order.openedAt >= fault.start
      && order.openedAt < fault.end + SENSOR_FAULT_GRACE_MS)).length,
    outcomes,
    falseOrders,
    elapsedMs: performance.now() - started,
  }
}

function feed(
  models: Models, readings: Iterable<Reading>, options: FleetEvaluationOptions,
): number {
  const { progress } = options
  progress?.start(options.totalReadings ?? 0, 'fleet')
  let count = 0
  for (const reading of readings) {
    models.observe(reading)
    if (++count % PROGRESS_EVERY === 0) progress?.update(count)
  }
  progress?.update(count)
  progress?.stop()
  return count
}

function outcomeOf(
  failure: FleetTruth['failures'][number], orders: LedgerOrder[], leadHours: number,
): FailureOutcome {
  const first = orders.find((order) => order.assetId === failure.assetId
    && order.failureMode === failure.failureMode
    && order.openedAt >= failure.onset && order.openedAt < failure.failureAt)
  const lead = first === undefined ? null : (failure.failureAt - first.openedAt) / HOUR_MS
  return {
    assetId: failure.assetId, metric: failure.metric, failureMode: failure.failureMode,
    failureAt: failure.failureAt, leadHours: lead, isCaught: lead !== null && lead >= leadHours,
  }
}

function leadDistribution(outcomes: FailureOutcome[]): FleetEvaluation['leadTimeHours'] {
  const leads = outcomes.flatMap((outcome) => (outcome.leadHours === null ? [] : [outcome.leadHours]))
    .sort((a, b) => a - b)
  if (leads.length === 0) return null
  return {
    median: quantileSorted(leads, 0.5),
    p10: quantileSorted(leads, 0.1),
    p90: quantileSorted(leads, 0.9),
    min: leads[0] ?? 0,
  }
}

/** The failure mode of the faulty metric is what a sensor fault could be mistaken for. */
function isDuringSensorFault(order: LedgerOrder, truth: FleetTruth, fleet: Fleet): boolean {
  const type = fleet.equipmentType(fleet.asset(order.assetId)?.equipmentType ?? '')
  return truth.sensorFaults.some((fault) => fault.assetId === order.assetId
    && type?.metrics[fault.metric]?.failureMode === order.failureMode
    && order.openedAt >= fault.start && order.openedAt < fault.end + SENSOR_FAULT_GRACE_MS)
}

function sensorFaultsFound(truth: FleetTruth, signals: Signal[]): FleetEvaluation['sensorFaults'] {
  const byKind: Record<string, { injected: number, found: number }> = {}
  let found = 0
  for (const fault of truth.sensorFaults) {
    const isFound = signals.some((signal) => signal.kind === 'sensor_fault' && signal.assetId === fault.assetId
      && signal.evidence.metrics.includes(fault.metric)
      && signal.detectedAt >= fault.start && signal.detectedAt < fault.end + SENSOR_FAULT_GRACE_MS)
    const tally = byKind[fault.kind] ?? { injected: 0, found: 0 }
    tally.injected++
    if (isFound) tally.found++
    byKind[fault.kind] = tally
    if (isFound) found++
  }
  return { injected: truth.sensorFaults.length, found, byKind }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
