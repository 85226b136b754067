import type { VisitWindow } from '../core/index.js'
import { SCHEDULER, ids, iso, reload, type DispatchContext, type Effects } from './context.js'
import { assertTransition } from './lifecycle.js'
import { orderContext } from './lookup.js'
import { notifyCustomer } from './notify.js'
import { planFor } from './planning.js'
import type { Assignment } from './scheduler.js'
import type { WorkOrderView } from './types.js'
import { escalate } from './escalate.js'

/** Who changes a visit, when (data clock) and why; `cause` labels the metric. */
export interface VisitChange {
  by: string
  at: number
  action: string
  reason: string
  cause?: 'evidence' | 'unavailable' | 'visit_missed' | 'not_scheduled' | 'reopened' | 'planner'
  /** Why, in words for the customer; `reason` is for the history and may name internals. */
  customerReason?: string
}

/**
 * Books a visit (new, moved or handed to another technician): status scheduled, SEQUENCE up,
 * history, and the customer told "scheduled" or "rescheduled" with a calendar invitation.
 */
export function bookVisit(
  ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, booking: { assignment: Pick<Assignment, 'technician' | 'visit'>, change: VisitChange },
): WorkOrderView {
  const { assignment, change } = booking
  assertTransition(workOrder, 'scheduled', change.action)
  const previous = workOrder.visit
  ctx.workOrders.update(workOrder.id, {
    status: 'scheduled',
    statusSince: workOrder.status === 'scheduled' ? workOrder.statusSince : change.at,
    technicianId: assignment.technician.id,
    visit: assignment.visit,
    visitSequence: workOrder.visitSequence + 1,
  })
  ctx.workOrders.addHistory(workOrder.id, historyOf(change))
  if (change.cause !== undefined) fx.count('reschedules', { cause: change.cause })

  const updated = reload(ctx, workOrder.id)
  const wasAnnounced = previous !== null && workOrder.status !== 'completed'
  notifyCustomer(ctx, fx, {
    workOrder: updated,
    event: wasAnnounced ? 'rescheduled' : 'scheduled',
    previousVisit: wasAnnounced ? previous : null,
    reason: wasAnnounced ? change.customerReason ?? null : null,
  })
  fx.log('info', { ...ids(updated), visitStart: assignment.visit.start, action: change.action }, 'visit booked')
  return updated
}

/**
 * Takes the visit away (no slot left after a technician dropped out, say): status proposed,
 * the customer told the visit is postponed, and the owner escalated to at once.
 */
export function releaseVisit(
  ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, change: VisitChange & { deadline: string },
): WorkOrderView {
  assertTransition(workOrder, 'proposed', change.action)
  const previous = workOrder.visit
  ctx.workOrders.update(workOrder.id, {
    status: 'proposed', statusSince: change.at, technicianId: null, visit: null,
    visitSequence: workOrder.visitSequence + 1,
  })
  ctx.workOrders.addHistory(workOrder.id, historyOf(change))
  const released = reload(ctx, workOrder.id)
  if (previous !== null) {
    const reason = change.customerReason ?? null
    notifyCustomer(ctx, fx, { workOrder: released, event: 'postponed', previousVisit: previous, reason })
  }
  const { deadline, at, reason } = change
  return escalate(ctx, fx, released, { deadline, at, reason, handOver: false })
}

/**
 * Plans the work order again from `notBefore` and books the result; without a slot it keeps
 * a visit already booked (`keepVisit`) or releases it, and escalates either way.
 */
export function replan(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  change: VisitChange
  notBefore: number
  keepVisit: boolean
  /** Books the plan only when this accepts it (e.g. only an earlier visit). */
  only?: (plan: Assignment) => boolean
  /** Keeping the booked visit is fine as it is: no escalation then. */
  quietWhenKept?: boolean
  /** Latest end of the new visit; default the work order's deadline. */
  deadline?: number
}): WorkOrderView {
  const context = orderContext(ctx, workOrder)
  const plan = planFor(ctx, {
    siteId: workOrder.siteId, playbook: context.playbook, equipmentType: context.equipmentType,
    notBefore: input.notBefore, deadline: input.deadline ?? workOrder.dueBy, workOrderId: workOrder.id,
  })
  const { change } = input
  if (plan.ok && (input.only?.(plan.assignment) ?? true)) {
    const late = plan.assignment.visit.end > workOrder.dueBy ? ' (already past it: as soon as possible)' : ''
    const reason = `${change.reason}; ${plan.assignment.why}; deadline ${iso(workOrder.dueBy)}${late}`
    return bookVisit(ctx, fx, workOrder, { assignment: plan.assignment, change: { ...change, reason } })
  }

  const why = plan.ok ? 'no earlier slot than the booked one' : plan.reason
  const reason = `${change.reason}; ${why}`
  if (input.keepVisit && workOrder.visit !== null) {
    if (input.quietWhenKept === true) return workOrder
    return escalate(ctx, fx, workOrder, { deadline: `no_slot:${change.at}`, at: change.at, reason, handOver: false })
  }
  if (workOrder.visit === null) {
    ctx.workOrders.addHistory(workOrder.id, { at: change.at, by: SCHEDULER, action: 'no_slot', reason })
    return escalate(ctx, fx, reload(ctx, workOrder.id), {
      deadline: `no_slot:${change.at}`, at: change.at, reason, handOver: false,
    })
  }
  return releaseVisit(ctx, fx, workOrder, { ...change, reason, deadline: `no_slot:${change.at}` })
}

export function sameVisit(a: VisitWindow | null, b: VisitWindow | null): boolean {
  return a?.start === b?.start && a?.end === b?.end
}

function historyOf(change: VisitChange): { at: number, by: string, action: string, reason: string } {
  return { at: change.at, by: change.by, action: change.action, reason: change.reason }
}
