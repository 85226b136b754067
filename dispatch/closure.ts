import type { EquipmentType, Signal } from '../core/index.js'
import {
  HOUR_MS, TELEMETRY, ids, iso, reload, type DispatchContext, type Effects,
} from './context.js'
import { assertAction } from './lifecycle.js'
import { orderContext } from './lookup.js'
import { alertStaff } from './notify.js'
import { playbookDeadline } from './planning.js'
import type { WorkOrderView } from './types.js'
import { replan } from './visit-changes.js'

/** A metric level that still means "the fault is there" after a repair. */
export interface ClosureLimit {
  metric: string
  direction: 'above' | 'below'
  /** The mildest evidence value: readings at least this bad show the anomaly persists. */
  threshold: number
}

/** A closure watch row. */
export interface Watch {
  workOrderId: string
  assetId: string
  failureMode: string
  startedAt: number
  until: number
  limits: ClosureLimit[]
  /** Readings clear of the limits so far (saved by each escalation pass and at stop). */
  normalReadings: number
}

interface WatchRow {
  work_order_id: string
  asset_id: string
  failure_mode: string
  started_at: number
  until: number
  limits: string
  normal_readings: number
}

const SELECT_WATCHING = `SELECT * FROM closure_watches WHERE state = 'watching'`

/**
 * The evidence levels a repair must get the asset away from: per metric of the work order's
 * signals, the mildest value that was reported (the lowest for a metric that fails high).
 * The direction comes from the equipment type's metric profile, else from the sign of the
 * detector's score, else "above".
 */
export function closureLimits(
  ctx: DispatchContext, workOrder: WorkOrderView, equipmentType: EquipmentType,
): ClosureLimit[] {
  const byMetric = new Map<string, ClosureLimit>()
  for (const signal of ctx.workOrders.signalsOf(workOrder.id)) {
    for (const point of signal.evidence?.points ?? []) {
      const profile = equipmentType.metrics[point.metric]
      const direction = profile?.direction ?? (point.score !== undefined && point.score < 0 ? 'below' : 'above')
      const known = byMetric.get(point.metric)
      const milder = known === undefined
        || (direction === 'above' ? point.value < known.threshold : point.value > known.threshold)
      if (milder) byMetric.set(point.metric, { metric: point.metric, direction, threshold: point.value })
    }
  }
  return [...byMetric.values()]
}

/** Starts watching the asset after a "fault confirmed" completion (inside its transaction). */
export function startWatch(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, at: number): void {
  const { equipmentType } = orderContext(ctx, workOrder)
  const limits = closureLimits(ctx, workOrder, equipmentType)
  const until = at + ctx.config.dispatch.closureWatchHours * HOUR_MS
  ctx.db.prepare(`INSERT INTO closure_watches
      (work_order_id, asset_id, failure_mode, started_at, until, limits, state, decided_at)
    VALUES (?, ?, ?, ?, ?, ?, 'watching', NULL)
    ON CONFLICT (work_order_id) DO UPDATE SET started_at = excluded.started_at, until = excluded.until,
      limits = excluded.limits, state = 'watching', decided_at = NULL, normal_readings = 0`)
    .run(workOrder.id, workOrder.assetId, workOrder.failureMode, at, until, JSON.stringify(limits))
  const metrics = limits.map((l) => `${l.metric} ${l.direction === 'above' ? '<' : '>'} ${l.threshold}`)
  ctx.workOrders.addHistory(workOrder.id, {
    at, by: TELEMETRY, action: 'closure_watch_started',
    reason: `readings watched until ${iso(until)}: the repair holds while ${metrics.join(', ') || 'no anomaly is signalled'}`,
  })
  fx.after(() => ctx.closures.refresh(workOrder.assetId))
}

/** Every watch still running, for the reading cache. */
export function activeWatches(ctx: DispatchContext): Watch[] {
  return ctx.db.prepare<[], WatchRow>(SELECT_WATCHING).all().map(toWatch)
}

/** The running watch for an asset's failure mode, if its period has not ended. */
export function watchFor(ctx: DispatchContext, assetId: string, failureMode: string): Watch | undefined {
  const row = ctx.db.prepare<[string, string, number], WatchRow>(`${SELECT_WATCHING}
    AND asset_id = ? AND failure_mode = ? AND until >= ?`).get(assetId, failureMode, ctx.dataClock.now())
  return row === undefined ? undefined : toWatch(row)
}

/**
 * A Signal for the same problem during the watch. If its evidence is still on the fault's side
 * of the limits (or names no watched metric), the repair did not hold and the work order
 * reopens. A Signal about readings that moved to the healthy side (a detector noticing the
 * repair itself, say) is kept on the work order without reopening it or opening another.
 */
export function signalDuringWatch(
  ctx: DispatchContext, fx: Effects, watch: Watch, signal: Signal,
): { workOrder: WorkOrderView, reopened: boolean } {
  const workOrder = reload(ctx, watch.workOrderId)
  ctx.workOrders.addSignal(workOrder.id, signal)
  if (!persists(watch.limits, signal)) {
    ctx.workOrders.addHistory(workOrder.id, {
      at: signal.detectedAt, by: TELEMETRY, action: 'signal_attached',
      reason: `${signal.kind} signal ${signal.id} during the closure watch shows values on the healthy side of the fault's evidence; not reopened: ${signal.evidence.summary}`,
    })
    return { workOrder: reload(ctx, workOrder.id), reopened: false }
  }
  const why = `${signal.kind} signal ${signal.id} within the closure watch: ${signal.evidence.summary}`
  return { workOrder: reopen(ctx, fx, workOrder, { at: signal.detectedAt, why, signal }), reopened: true }
}

function persists(limits: readonly ClosureLimit[], signal: Signal): boolean {
  const watched = signal.evidence.points.filter((p) => limits.some((l) => l.metric === p.metric))
  if (watched.length === 0) return true
  return watched.some((point) => limits.some((l) => l.metric === point.metric
    && (l.direction === 'above' ? point.value >= l.threshold : point.value <= l.threshold)))
}

/** Readings as bad as the evidence kept coming after the repair. */
export function reopenFromReadings(
  ctx: DispatchContext, fx: Effects, watch: Watch, evidence: { why: string, at: number },
): WorkOrderView | null {
  const { why, at } = evidence
  const state = ctx.db.prepare<[string], { state: string }>('SELECT state FROM closure_watches WHERE work_order_id = ?')
    .get(watch.workOrderId)
  if (state?.state !== 'watching') return null
  return reopen(ctx, fx, reload(ctx, watch.workOrderId), { at, why, signal: null })
}

/** Ends a watch whose period passed: verified when normal readings came, else unverified. */
export function decideWatch(ctx: DispatchContext, fx: Effects, watch: Watch, normalReadings: number): void {
  const state = normalReadings > 0 ? 'verified' : 'unverified'
  const changed = ctx.db.prepare(`UPDATE closure_watches SET state = ?, decided_at = ?
    WHERE work_order_id = ? AND state = 'watching'`).run(state, watch.until, watch.workOrderId).changes
  if (changed === 0) return
  const reason = state === 'verified'
    ? `${normalReadings} readings after the repair stayed clear of the fault's evidence until ${iso(watch.until)}`
    : `no readings of ${watch.limits.map((l) => l.metric).join(', ') || 'the asset'} arrived until ${iso(watch.until)}; the repair is unconfirmed`
  ctx.workOrders.addHistory(watch.workOrderId, { at: watch.until, by: TELEMETRY, action: `closure_${state}`, reason })
  fx.count('closures', { result: state })
  fx.log(state === 'verified' ? 'info' : 'warn', { workOrderId: watch.workOrderId, assetId: watch.assetId, state },
    'closure decided')
  fx.after(() => ctx.closures.refresh(watch.assetId))
}

function reopen(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  at: number
  why: string
  signal: Signal | null
}): WorkOrderView {
  assertAction(workOrder, 'reopen')
  const { at, why } = input
  ctx.db.prepare(`UPDATE closure_watches SET state = 'reopened', decided_at = ? WHERE work_order_id = ?`)
    .run(at, workOrder.id)
  const context = orderContext(ctx, workOrder)
  // The old deadline has passed: the new one runs from now, or from the new signal's prediction.
  const predictedFailure = input.signal?.predictedFailure ?? null
  const dueBy = playbookDeadline(ctx, { detectedAt: at, predictedFailure }, context.playbook).at
  ctx.workOrders.update(workOrder.id, {
    status: 'proposed', statusSince: at, dueBy, technicianId: null, visit: null,
    outcome: null, outcomePart: null, outcomeNote: null, completedAt: null,
  })
  ctx.workOrders.addHistory(workOrder.id, { at, by: TELEMETRY, action: 'reopened', reason: `the repair did not hold: ${why}` })
  const reopened = reload(ctx, workOrder.id)
  alertStaff(ctx, reopened, {
    planner: context.owner,
    subject: `Reopened: the repair of ${context.asset.name} did not hold`,
    lines: [`Work order ${reopened.id} was completed with the fault confirmed, but ${why}.`,
      `It is open again and due by ${iso(dueBy)}; a new visit is being planned.`],
    occasion: `reopened:${at}`,
    template: 'owner-reopened',
  })
  fx.count('closures', { result: 'reopened' })
  fx.log('warn', { ...ids(reopened), reason: why }, 'work order reopened')
  fx.after(() => ctx.closures.refresh(workOrder.assetId))
  return replan(ctx, fx, reopened, {
    change: { by: TELEMETRY, at, action: 'scheduled', reason: 'reopened: a new visit', cause: 'reopened' },
    notBefore: at,
    keepVisit: false,
  })
}

function toWatch(row: WatchRow): Watch {
  return {
    workOrderId: row.work_order_id,
    assetId: row.asset_id,
    failureMode: row.failure_mode,
    startedAt: row.started_at,
    until: row.until,
    limits: JSON.parse(row.limits) as ClosureLimit[],
    normalReadings: row.normal_readings,
  }
}
