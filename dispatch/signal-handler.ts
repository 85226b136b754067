import { randomUUID } from 'node:crypto'
import type { Signal } from '../core/index.js'
import {
  SCHEDULER, iso, reload, transact, type DispatchContext, type Effects,
} from './context.js'
import { signalDuringWatch, watchFor } from './closure.js'
import { escalate } from './escalate.js'
import { resolveAsset, type AssetContext } from './lookup.js'
import type { Playbook } from './playbook-file.js'
import { plannerForRole, priorityFor, selectPlaybook } from './playbooks.js'
import { planFor, playbookDeadline } from './planning.js'
import type { WorkOrderView } from './types.js'
import { bookVisit, replan } from './visit-changes.js'

interface Ignored { kind: 'ignored', reason: 'duplicate' }
interface Created { kind: 'created', workOrder: WorkOrderView }
interface Attached { kind: 'attached', workOrder: WorkOrderView }
interface Reopened { kind: 'reopened', workOrder: WorkOrderView }

/** What one Signal did; the caller logs and counts it after the transaction committed. */
export type SignalOutcome = Ignored | Created | Attached | Reopened

/**
 * Applies one Signal in a single immediate transaction: the work order, the signal link, the
 * history and the outbox rows commit together or not at all. Immediate transactions also
 * serialise two processes on one database file, so simultaneous Signals for the same asset
 * and failure mode find each other's work order instead of opening a second one (and the
 * unique index refuses a second open one regardless).
 */
export function handleSignal(ctx: DispatchContext, signal: Signal): SignalOutcome {
  // A silent device is noticed on the arrival (wall) clock, not in device time (see
  // gateway/liveness.ts): in a replay of old data it must not drag the data clock to today.
  if (signal.kind !== 'silent_device') ctx.dataClock.observe(signal.detectedAt)
  return transact(ctx, (fx) => {
    if (ctx.workOrders.hasSignal(signal.id)) return { kind: 'ignored', reason: 'duplicate' }
    const context = resolveAsset(ctx.fleet, signal.assetId)
    const playbook = selectPlaybook(ctx.playbooks, signal, context.asset.equipmentType)

    const open = ctx.workOrders.findOpen(signal.assetId, signal.failureMode)
    if (open !== undefined) return { kind: 'attached', workOrder: attachSignal(ctx, fx, { signal, playbook, open }) }
    const watch = watchFor(ctx, signal.assetId, signal.failureMode)
    if (watch !== undefined) {
      const { workOrder, reopened } = signalDuringWatch(ctx, fx, watch, signal)
      return { kind: reopened ? 'reopened' : 'attached', workOrder }
    }
    return { kind: 'created', workOrder: openWorkOrder(ctx, fx, { signal, playbook, context }) }
  })
}

function openWorkOrder(ctx: DispatchContext, fx: Effects, input: {
  signal: Signal
  playbook: Playbook
  context: AssetContext
}): WorkOrderView {
  const { signal, playbook, context } = input
  const deadline = playbookDeadline(ctx, signal, playbook)
  const proposed = insertProposed(ctx, { ...input, dueBy: deadline.at })

  // "Now" is the signal's detectedAt, the data clock: simulators and replays run in their
  // own time, and a visit planned from the wall clock would land in the wrong week.
  const plan = planFor(ctx, {
    siteId: context.site.id, playbook, equipmentType: context.equipmentType,
    notBefore: signal.detectedAt, deadline: deadline.at,
  })
  const due = `deadline ${iso(deadline.at)} (${deadline.basis})`
  if (plan.ok) {
    const change = { by: SCHEDULER, at: signal.detectedAt, action: 'scheduled', reason: `${plan.assignment.why}; ${due}` }
    return bookVisit(ctx, fx, proposed, { assignment: plan.assignment, change })
  }
  // No feasible slot: the owner hears at once, with the reason.
  return escalate(ctx, fx, proposed, {
    deadline: 'no_slot:opened',
    at: signal.detectedAt,
    reason: `${plan.reason}; ${due}`,
    handOver: false,
  })
}

/** Writes the new work order as proposed, with its first signal and the "opened" entry. */
function insertProposed(ctx: DispatchContext, input: {
  signal: Signal
  playbook: Playbook
  context: AssetContext
  dueBy: number
}): WorkOrderView {
  const { signal, playbook, context } = input
  const owner = plannerForRole(ctx.fleet, playbook.ownerRole, context.asset)
  const id = `wo-${randomUUID()}`
  ctx.workOrders.insert({
    id, assetId: context.asset.id, customerId: context.customer.id, siteId: context.site.id,
    failureMode: signal.failureMode, playbook: playbook.name, priority: priorityFor(signal.severity),
    dueBy: input.dueBy, status: 'proposed',
    // Every open issue has a named owner from its first moment: the playbook's owner role.
    ownerId: owner?.id ?? context.asset.ownerId,
    technicianId: null, visit: null,
    summary: `${playbook.actionText} of ${context.asset.name}: ${signal.evidence.summary}`,
    predictedFailure: signal.predictedFailure, createdAt: signal.detectedAt, outcome: null,
  })
  ctx.workOrders.addSignal(id, signal)
  ctx.workOrders.addHistory(id, {
    at: signal.detectedAt, by: detectorOf(signal), action: 'opened',
    reason: `${describeSignal(signal)}; playbook ${playbook.name}`,
  })
  return reload(ctx, id)
}

/**
 * A later Signal for the same asset and failure mode joins the open work order: it may raise
 * the priority and bring the deadline forward, and then the visit moves earlier if a slot
 * allows; it never opens a second work order and never notifies anyone by itself.
 */
function attachSignal(ctx: DispatchContext, fx: Effects, input: {
  signal: Signal
  playbook: Playbook
  open: WorkOrderView
}): WorkOrderView {
  const { signal, open } = input
  const priority = Math.min(open.priority, priorityFor(signal.severity))
  const deadline = playbookDeadline(ctx, signal, input.playbook)
  const dueBy = Math.min(open.dueBy, deadline.at)
  const at = signal.detectedAt
  const entry = (by: string, action: string, reason: string): void =>
    ctx.workOrders.addHistory(open.id, { at, by, action, reason })

  ctx.workOrders.addSignal(open.id, signal)
  entry(detectorOf(signal), 'signal_attached', describeSignal(signal))
  if (priority < open.priority) {
    entry(SCHEDULER, 'priority_raised', `priority ${open.priority} to ${priority}: ${signal.severity} signal ${signal.id}`)
  }
  const lateVisit = open.visit !== null && open.visit.end > dueBy
  if (dueBy < open.dueBy) {
    const late = lateVisit ? `; the booked visit ends after it and needs rescheduling by ${open.ownerId}` : ''
    entry(SCHEDULER, 'due_by_advanced', `due by ${iso(open.dueBy)} to ${iso(deadline.at)} (${deadline.basis})${late}`)
  }
  ctx.workOrders.update(open.id, { priority, dueBy })
  const updated = reload(ctx, open.id)
  if (open.status !== 'scheduled' || open.visit === null) return updated
  if (!lateVisit && priority === open.priority) return updated

  // The technician is not on the way yet, so the visit may still move, but only earlier.
  const booked = open.visit
  if (lateVisit) fx.log('warn', { workOrderId: open.id, assetId: open.assetId, dueBy }, 'booked visit ends after the new deadline')
  return replan(ctx, fx, updated, {
    change: {
      by: SCHEDULER, at, action: 'rescheduled', reason: `new evidence (signal ${signal.id})`, cause: 'evidence',
      customerReason: 'new readings show the work is more urgent',
    },
    notBefore: at,
    keepVisit: true,
    only: (plan) => plan.visit.start < booked.start,
    quietWhenKept: !lateVisit,
  })
}

function describeSignal(signal: Signal): string {
  const grade = `${signal.severity}, confidence ${signal.confidence.toFixed(2)}`
  return `${signal.kind} signal ${signal.id} (${grade}): ${signal.evidence.summary}`
}

function detectorOf(signal: Signal): string {
  return `${signal.detector.name}@${signal.detector.version}`
}
