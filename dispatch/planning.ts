import type { EquipmentType, Signal, Technician, VisitWindow } from '../core/index.js'
import { HOUR_MS, type DispatchContext } from './context.js'
import { SlotUnavailableError, TechnicianUnqualifiedError } from './errors.js'
import { skillFor } from './lookup.js'
import type { Playbook } from './playbook-file.js'
import {
  deadlineFor, planVisit, withinWorkingHours, type Deadline, type PlanResult,
} from './scheduler.js'

/** What to plan: where, under which playbook, from when and by when. */
export interface PlanRequest {
  siteId: string
  playbook: Playbook
  equipmentType: EquipmentType
  /** Data-clock time the visit may start from. */
  notBefore: number
  deadline: number
  /** A work order being re-planned: its own current visit does not block the new one. */
  workOrderId?: string
  /** Only consider this technician (a planner's assignment). */
  technicianId?: string
}

/** The deadline under a playbook, with the configured defaults for what it leaves out. */
export function playbookDeadline(ctx: DispatchContext, signal: Pick<Signal, 'detectedAt' | 'predictedFailure'>,
  playbook: Playbook): Deadline {
  const { dispatch } = ctx.config
  return deadlineFor(signal, {
    safetyMarginHours: playbook.deadline?.beforeFailureHours ?? dispatch.safetyMarginHours,
    defaultDeadlineHours: playbook.deadline?.withoutPredictionHours ?? dispatch.defaultDeadlineHours,
  })
}

/** Length of a visit under a playbook. */
export function visitDurationMs(ctx: DispatchContext, playbook: Playbook): number {
  return (playbook.visitDurationHours ?? ctx.config.dispatch.visitDurationHours) * HOUR_MS
}

/**
 * Plans a visit with everything the scheduler must respect: skill, site coverage (unless
 * the action is remote), working hours, open visits and absences, and load balance.
 */
export function planFor(ctx: DispatchContext, request: PlanRequest): PlanResult {
  const { playbook } = request
  const technicians = request.technicianId === undefined
    ? ctx.fleet.data.technicians
    : ctx.fleet.data.technicians.filter((t) => t.id === request.technicianId)
  return planVisit({
    technicians,
    skill: skillFor(playbook, request.equipmentType),
    siteId: request.siteId,
    onSite: playbook.action !== 'remote_check',
    request: {
      notBefore: request.notBefore,
      deadline: request.deadline,
      durationMs: visitDurationMs(ctx, playbook),
    },
    openVisits: (id) => visitsBlocking(ctx, id, request.workOrderId),
    absences: (id) => ctx.absences.busy(id, request.notBefore),
    balanceWindowMs: ctx.config.dispatch.balanceWindowHours * HOUR_MS,
  })
}

/** Refuses a technician who lacks the skill or (for on-site work) does not cover the site. */
export function checkQualified(
  technician: Technician, request: Pick<PlanRequest, 'playbook' | 'equipmentType' | 'siteId'>,
): void {
  const skill = skillFor(request.playbook, request.equipmentType)
  if (!technician.skills.includes(skill)) {
    throw new TechnicianUnqualifiedError(technician.id, `lacks the skill ${skill}`)
  }
  if (request.playbook.action !== 'remote_check' && !technician.siteIds.includes(request.siteId)) {
    throw new TechnicianUnqualifiedError(technician.id, `does not cover site ${request.siteId}`)
  }
}

/** Refuses a visit a planner picked that clashes with the technician's calendar. */
export function checkSlotFree(
  ctx: DispatchContext, technician: Technician, visit: VisitWindow, workOrderId: string,
): void {
  if (!withinWorkingHours(technician, visit)) {
    throw new SlotUnavailableError(technician.id, `the visit is outside their working hours (${technician.timeZone})`)
  }
  const clash = visitsBlocking(ctx, technician.id, workOrderId).find((v) => overlaps(v, visit))
  if (clash !== undefined) throw new SlotUnavailableError(technician.id, `it overlaps work order ${clash.workOrderId}`)
  if (ctx.absences.busy(technician.id, visit.start).some((a) => overlaps(a, visit))) {
    throw new SlotUnavailableError(technician.id, 'they are recorded as unavailable then')
  }
}

function visitsBlocking(ctx: DispatchContext, technicianId: string, workOrderId: string | undefined) {
  return ctx.workOrders.openVisits(technicianId).filter((v) => v.workOrderId !== workOrderId)
}

function overlaps(a: VisitWindow, b: VisitWindow): boolean {
  return a.start < b.end && b.start < a.end
}
