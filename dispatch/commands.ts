import type { Technician, WorkOrderStatus } from '../core/index.js'
import { startWatch } from './closure.js'
import { ids, iso, reload, transact, type DispatchContext, type Effects } from './context.js'
import { transferOwner } from './escalate.js'
import {
  InvalidBodyError, SlotUnavailableError, UnknownReferenceError, WorkOrderNotFoundError,
} from './errors.js'
import { assertAction, assertTransition } from './lifecycle.js'
import { orderContext, technicianById } from './lookup.js'
import { alertStaff, notifyCustomer } from './notify.js'
import { checkQualified, checkSlotFree, planFor, visitDurationMs } from './planning.js'
import type { Outcome, WorkOrderCommand, WorkOrderView } from './types.js'
import { bookVisit, replan } from './visit-changes.js'

type Handler = (ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, at: number) => WorkOrderView

const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  fault_confirmed: 'fault confirmed',
  no_fault_found: 'no fault found',
  could_not_access: 'could not access the equipment',
}

/**
 * Applies one lifecycle command in one transaction. Times are dispatch's data clock (equal to
 * the wall clock in live operation), so history stays in one clock with the work order.
 */
export function applyCommand(ctx: DispatchContext, workOrderId: string, command: WorkOrderCommand): WorkOrderView {
  return transact(ctx, (fx) => {
    const workOrder = ctx.workOrders.get(workOrderId)
    if (workOrder === undefined) throw new WorkOrderNotFoundError(workOrderId)
    assertAction(workOrder, command.action)
    const updated = handlerFor(command)(ctx, fx, workOrder, ctx.dataClock.now())
    fx.count('transitions', { action: command.action })
    fx.log('info', { ...ids(updated), action: command.action, by: command.by, status: updated.status }, 'work order changed')
    return updated
  })
}

function handlerFor(command: WorkOrderCommand): Handler {
  switch (command.action) {
    case 'schedule': return (ctx, fx, wo, at) => replan(ctx, fx, wo, {
      change: {
        by: command.by, at, action: wo.visit === null ? 'scheduled' : 'rescheduled',
        reason: command.reason ?? `asked by ${command.by}`, cause: 'planner', customerReason: command.reason,
      },
      notBefore: at, keepVisit: true,
    })
    case 'reschedule': return (ctx, fx, wo, at) => bookChosen(ctx, fx, wo, { ...command, at })
    case 'assign': return (ctx, fx, wo, at) => assign(ctx, fx, wo, { ...command, at })
    case 'dispatch': return (ctx, fx, wo, at) => setStatus(ctx, fx, wo, { ...command, at, to: 'dispatched', action: 'dispatched' })
    case 'start': return (ctx, fx, wo, at) => setStatus(ctx, fx, wo, { ...command, at, to: 'in_progress', action: 'started' })
    case 'complete': return (ctx, fx, wo, at) => complete(ctx, fx, wo, { ...command, at })
    case 'cancel': return (ctx, fx, wo, at) => setStatus(ctx, fx, wo, { ...command, at, to: 'cancelled', action: 'cancelled' })
    case 'handover': return (ctx, fx, wo, at) => handover(ctx, fx, wo, { ...command, at })
  }
}

/** A planner picks the time (and maybe the technician); dispatch checks it is feasible. */
function bookChosen(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  by: string
  reason?: string
  start: number
  technicianId?: string
  at: number
}): WorkOrderView {
  const technicianId = input.technicianId ?? workOrder.technicianId
  if (technicianId === null) throw new InvalidBodyError('technicianId', 'required: the work order has no technician yet')
  const technician = requireTechnician(ctx, technicianId)
  const context = orderContext(ctx, workOrder)
  checkQualified(technician, { ...context, siteId: workOrder.siteId })
  const visit = { start: input.start, end: input.start + visitDurationMs(ctx, context.playbook) }
  checkSlotFree(ctx, technician, visit, workOrder.id)

  const late = visit.end > workOrder.dueBy ? `; NOTE it ends after the deadline ${iso(workOrder.dueBy)}` : ''
  const reason = `${input.reason ?? `chosen by ${input.by}`}; technician ${technician.id} ${iso(visit.start)} to ${iso(visit.end)}${late}`
  const action = workOrder.visit === null ? 'scheduled' : 'rescheduled'
  return bookVisit(ctx, fx, workOrder, {
    assignment: { technician, visit },
    change: { by: input.by, at: input.at, action, reason, cause: 'planner', customerReason: input.reason },
  })
}

/** Gives the work order to one technician, at a chosen time or at their earliest free slot. */
function assign(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  by: string
  reason?: string
  technicianId: string
  start?: number
  at: number
}): WorkOrderView {
  const technician = requireTechnician(ctx, input.technicianId)
  if (input.start !== undefined) return bookChosen(ctx, fx, workOrder, { ...input, start: input.start })

  const context = orderContext(ctx, workOrder)
  checkQualified(technician, { ...context, siteId: workOrder.siteId })
  const plan = planFor(ctx, {
    siteId: workOrder.siteId, playbook: context.playbook, equipmentType: context.equipmentType,
    notBefore: input.at, deadline: workOrder.dueBy, workOrderId: workOrder.id, technicianId: technician.id,
  })
  if (!plan.ok) throw new SlotUnavailableError(technician.id, plan.reason)
  const reason = `${input.reason ?? `assigned by ${input.by}`}; ${plan.assignment.why}`
  const action = workOrder.visit === null ? 'scheduled' : 'rescheduled'
  return bookVisit(ctx, fx, workOrder, {
    assignment: plan.assignment,
    change: { by: input.by, at: input.at, action, reason, cause: 'planner', customerReason: input.reason },
  })
}

function setStatus(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  by: string
  reason?: string
  at: number
  to: WorkOrderStatus
  action: string
}): WorkOrderView {
  assertTransition(workOrder, input.to, input.action)
  ctx.workOrders.update(workOrder.id, { status: input.to, statusSince: input.at })
  ctx.workOrders.addHistory(workOrder.id, {
    at: input.at,
    by: input.by,
    action: input.action,
    reason: input.reason ?? `${input.action} by ${input.by}`,
  })
  const updated = reload(ctx, workOrder.id)
  if (input.to === 'dispatched') notifyCustomer(ctx, fx, { workOrder: updated, event: 'on_the_way' })
  if (input.to === 'cancelled' && workOrder.visit !== null && workOrder.status !== 'proposed') {
    notifyCustomer(ctx, fx, { workOrder: updated, event: 'cancelled', previousVisit: workOrder.visit, reason: input.reason ?? null })
  }
  return updated
}

function complete(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  by: string
  outcome: Outcome
  part?: string
  note?: string
  at: number
}): WorkOrderView {
  if (input.outcome === 'fault_confirmed' && input.part === undefined) {
    throw new InvalidBodyError('part', 'required when the outcome is fault_confirmed')
  }
  assertTransition(workOrder, 'completed', 'complete')
  ctx.workOrders.update(workOrder.id, {
    status: 'completed', statusSince: input.at, outcome: input.outcome, outcomePart: input.part ?? null,
    outcomeNote: input.note ?? null, completedAt: input.at,
  })
  const part = input.part === undefined ? '' : `, part ${input.part}`
  const note = input.note === undefined ? '' : `: ${input.note}`
  ctx.workOrders.addHistory(workOrder.id, {
    at: input.at,
    by: input.by,
    action: 'completed',
    reason: `${OUTCOME_WORDS[input.outcome]}${part}${note}`,
  })
  const completed = reload(ctx, workOrder.id)
  notifyCustomer(ctx, fx, { workOrder: completed, event: 'completed' })
  if (input.outcome === 'fault_confirmed') startWatch(ctx, fx, completed, input.at)
  return reload(ctx, workOrder.id)
}

function handover(ctx: DispatchContext, fx: Effects, workOrder: WorkOrderView, input: {
  by: string
  to: string
  reason: string
  at: number
}): WorkOrderView {
  const planner = ctx.fleet.planner(input.to)
  if (planner === undefined) throw new UnknownReferenceError('to', input.to)
  if (planner.id === workOrder.ownerId) throw new InvalidBodyError('to', `${input.to} already owns the work order`)
  transferOwner(ctx, workOrder, planner, { by: input.by, at: input.at, reason: input.reason })
  const updated = reload(ctx, workOrder.id)
  const context = orderContext(ctx, updated)
  alertStaff(ctx, updated, {
    planner,
    subject: `Handed over to you: ${context.asset.name} at ${context.site.name}`,
    lines: [`${input.by} handed work order ${updated.id} (${context.playbook.actionText} of ${context.asset.name}) over to you.`,
      `Why: ${input.reason}.`, `Status: ${updated.status}; due by ${iso(updated.dueBy)}.`],
    occasion: `handover:${input.at}:${planner.id}`,
    template: 'owner-handover',
  })
  fx.log('info', { ...ids(updated), from: workOrder.ownerId }, 'work order handed over')
  return updated
}

function requireTechnician(ctx: DispatchContext, technicianId: string): Technician {
  const technician = technicianById(ctx.fleet, technicianId)
  if (technician === null) throw new UnknownReferenceError('technicianId', technicianId)
  return technician
}
