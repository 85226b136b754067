import {
  HOUR_MS, SCHEDULER, iso, reload, transact, type DispatchContext, type Effects,
} from './context.js'
import { escalate, hasFired } from './escalate.js'
import { orderContext } from './lookup.js'
import { planFor } from './planning.js'
import type { WorkOrderView } from './types.js'
import { bookVisit, replan } from './visit-changes.js'

/**
 * One pass over every open work order's playbook deadlines at data-clock `now`. Each work
 * order is its own transaction, so one broken work order cannot stop the others; each
 * deadline fires once (the escalations table remembers it across restarts and instances).
 */
export function checkDeadlines(ctx: DispatchContext, now: number): string[] {
  const fired: string[] = []
  for (const open of ctx.workOrders.listOpen()) {
    try {
      transact(ctx, (fx) => {
        const workOrder = reload(ctx, open.id)
        for (const key of dueDeadlines(ctx, workOrder, now)) {
          if (hasFired(ctx, workOrder.id, key)) continue
          runStep(ctx, fx, reload(ctx, workOrder.id), { key, now })
          fired.push(`${workOrder.id}:${key}`)
        }
      })
    } catch (err: unknown) {
      ctx.logger.error({ err, workOrderId: open.id, assetId: open.assetId }, 'escalation check failed')
    }
  }
  return fired
}

/**
 * The deadline keys a work order has passed: not scheduled within N hours of becoming
 * proposed, a visit not started N hours after its planned end, open past the earliest
 * predicted failure. Each key names its reference time, so a new visit gets a new deadline.
 */
function dueDeadlines(ctx: DispatchContext, workOrder: WorkOrderView, now: number): string[] {
  const { escalation } = orderContext(ctx, workOrder).playbook
  const keys: string[] = []
  const proposedFor = now - workOrder.statusSince
  if (workOrder.status === 'proposed' && proposedFor >= escalation.notScheduledWithinHours * HOUR_MS) {
    keys.push(`not_scheduled:${workOrder.statusSince}`)
  }
  const { visit } = workOrder
  const notStarted = workOrder.status === 'scheduled' || workOrder.status === 'dispatched'
  if (notStarted && visit !== null && now >= visit.end + escalation.visitMissedAfterHours * HOUR_MS) {
    keys.push(`visit_missed:${visit.start}`)
  }
  const failure = workOrder.predictedFailure?.earliest
  if (escalation.openPastPredictedFailure && failure !== undefined && now >= failure) {
    keys.push(`past_failure:${failure}`)
  }
  return keys
}

/** The playbook's next step for a missed deadline: re-dispatch, tell the customer, escalate. */
function runStep(
  ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: { key: string, now: number },
): void {
  const { key, now } = input
  const kind = key.split(':')[0]
  if (kind === 'past_failure') {
    const reason = `still ${workOrder.status} past the earliest predicted failure ${iso(workOrder.predictedFailure?.earliest ?? now)}`
    escalate(ctx, fx, workOrder, { deadline: key, at: now, reason, handOver: true })
    return
  }

  if (kind === 'visit_missed') {
    const visit = workOrder.visit
    const reason = `the visit ${iso(visit?.start ?? now)} to ${iso(visit?.end ?? now)} was not started`
    const escalated = escalate(ctx, fx, workOrder, { deadline: key, at: now, reason, handOver: true })
    replan(ctx, fx, escalated, {
      change: {
        by: SCHEDULER, at: now, action: 'rescheduled', reason: `re-dispatched: ${reason}`, cause: 'visit_missed',
        customerReason: 'the planned visit did not take place',
      },
      notBefore: now, keepVisit: false, deadline: lateDeadline(ctx, workOrder, now),
    })
    return
  }

  const hours = orderContext(ctx, workOrder).playbook.escalation.notScheduledWithinHours
  const redispatched = redispatch(ctx, fx, workOrder, now)
  const outcome = redispatched ? 're-dispatched now' : 'still no feasible slot'
  const reason = `not scheduled within ${hours} h of ${iso(workOrder.statusSince)}; ${outcome}`
  escalate(ctx, fx, reload(ctx, workOrder.id), { deadline: key, at: now, reason, handOver: true })
}

/** Tries the scheduler again for a proposed work order; books and tells the customer if it fits. */
function redispatch(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, now: number): boolean {
  const context = orderContext(ctx, workOrder)
  const plan = planFor(ctx, {
    siteId: workOrder.siteId, playbook: context.playbook, equipmentType: context.equipmentType,
    notBefore: now, deadline: lateDeadline(ctx, workOrder, now), workOrderId: workOrder.id,
  })
  if (!plan.ok) return false
  bookVisit(ctx, fx, workOrder, {
    assignment: plan.assignment,
    change: { by: SCHEDULER, at: now, action: 'scheduled', reason: `re-dispatched: ${plan.assignment.why}${lateNote(plan.assignment.visit.end, workOrder.dueBy)}`, cause: 'not_scheduled' },
  })
  return true
}

/**
 * A missed deadline does not make the work unnecessary: the re-dispatched visit may end after
 * the work order's deadline, within the playbook's no-prediction horizon from now, and the
 * history says so.
 */
function lateDeadline(ctx: DispatchContext, workOrder: WorkOrderView, now: number): number {
  const { playbook } = orderContext(ctx, workOrder)
  const hours = playbook.deadline?.withoutPredictionHours ?? ctx.config.dispatch.defaultDeadlineHours
  return Math.max(workOrder.dueBy, now + hours * HOUR_MS)
}

function lateNote(visitEnd: number, dueBy: number): string {
  return visitEnd > dueBy ? `; after the deadline ${iso(dueBy)}, as soon as possible` : ''
}
