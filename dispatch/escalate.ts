import type { Planner } from '../core/index.js'
import { SCHEDULER, ids, iso, reload, type DispatchContext, type Effects } from './context.js'
import { orderContext } from './lookup.js'
import { alertStaff } from './notify.js'
import { escalationChain } from './playbooks.js'
import type { WorkOrderView } from './types.js'

/** One escalation: which deadline (also its once-only key), when, why, and whether to hand over. */
export interface Escalation {
  /** `<kind>:<reference>`, e.g. `visit_missed:1767600000000`; fires once per work order. */
  deadline: string
  at: number
  reason: string
  /** Move ownership to the next person in the playbook's chain (a missed deadline does). */
  handOver: boolean
}

/**
 * Escalates once per deadline key: records it, moves the work order to the next owner in the
 * playbook's chain when asked (the last one keeps it), and tells the owner with the reason.
 */
export function escalate(
  ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, escalation: Escalation,
): WorkOrderView {
  const inserted = ctx.db.prepare(`INSERT INTO escalations (work_order_id, deadline, fired_at)
    VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(workOrder.id, escalation.deadline, escalation.at)
  if (inserted.changes === 0) return workOrder

  const context = orderContext(ctx, workOrder)
  const chain = escalationChain(ctx.fleet, context.playbook, context.asset)
  const next = escalation.handOver ? chain[workOrder.escalationLevel + 1] : undefined
  const kind = escalation.deadline.split(':')[0] ?? escalation.deadline
  if (next !== undefined && next.id !== workOrder.ownerId) {
    transferOwner(ctx, workOrder, next, { by: SCHEDULER, at: escalation.at, reason: `escalated: ${kind}` })
  }
  if (escalation.handOver) ctx.workOrders.update(workOrder.id, { escalationLevel: workOrder.escalationLevel + 1 })
  const owner = next ?? context.owner
  const reason = `${escalation.reason} (owner now ${owner.id})`
  ctx.workOrders.addHistory(workOrder.id, { at: escalation.at, by: SCHEDULER, action: 'escalated', reason })

  const updated = reload(ctx, workOrder.id)
  alertStaff(ctx, updated, {
    planner: owner,
    subject: `Escalation: ${context.asset.name} at ${context.site.name} needs you`,
    lines: [
      `Work order ${updated.id} (${context.playbook.actionText} of ${context.asset.name}, customer ${context.customer.name}) needs your action.`,
      `Why: ${escalation.reason}.`,
      `Status: ${updated.status}; due by ${iso(updated.dueBy)}; priority ${updated.priority}.`,
    ],
    occasion: `escalation:${escalation.deadline}`,
    template: 'owner-escalation',
  })
  fx.count('escalations', { deadline: kind })
  fx.log('warn', { ...ids(updated), reason: escalation.reason, dueBy: updated.dueBy, deadline: kind }, 'work order escalated')
  return updated
}

/** Whether a deadline key already fired for the work order. */
export function hasFired(ctx: DispatchContext, workOrderId: string, deadline: string): boolean {
  return ctx.db.prepare('SELECT 1 FROM escalations WHERE work_order_id = ? AND deadline = ?')
    .get(workOrderId, deadline) !== undefined
}

/** Changes the named owner and records the handover; the caller tells the new owner. */
export function transferOwner(
  ctx: DispatchContext, workOrder: WorkOrderView, to: Planner, change: { by: string, at: number, reason: string },
): void {
  ctx.workOrders.update(workOrder.id, { ownerId: to.id })
  ctx.workOrders.addHistory(workOrder.id, {
    at: change.at,
    by: change.by,
    action: 'handed_over',
    reason: `owner ${workOrder.ownerId} to ${to.id}: ${change.reason}`,
  })
}
