import type { WorkOrderStatus } from '../core/index.js'
import { TransitionNotAllowedError } from './errors.js'
import type { WorkOrderView } from './types.js'

/**
 * The work-order status graph. Every status change anywhere in dispatch goes through
 * assertTransition, so this table is the whole truth about the lifecycle:
 *
 *   proposed ──▶ scheduled ──▶ dispatched ──▶ in_progress ──▶ completed
 *      ▲            │  ▲            │              │              │
 *      └────────────┘  └────────────┘──────────────┘              │
 *      (no slot / technician lost)    (re-planned)                │
 *      ◀───────────────────────────────────────────── reopened ───┘
 *   any open status ──▶ cancelled
 */
export const TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  proposed: ['scheduled', 'cancelled'],
  scheduled: ['scheduled', 'proposed', 'dispatched', 'in_progress', 'cancelled'],
  dispatched: ['scheduled', 'proposed', 'in_progress', 'completed', 'cancelled'],
  in_progress: ['scheduled', 'completed', 'cancelled'],
  // Only telemetry reopens a completed work order (the repair did not hold).
  completed: ['proposed', 'scheduled'],
  cancelled: [],
}

/** Actions and the statuses they may start from; the API's commands plus dispatch's own. */
export const ACTIONS = {
  schedule: ['proposed', 'scheduled', 'dispatched'],
  reschedule: ['proposed', 'scheduled', 'dispatched', 'in_progress'],
  assign: ['proposed', 'scheduled', 'dispatched', 'in_progress'],
  dispatch: ['scheduled'],
  start: ['scheduled', 'dispatched'],
  complete: ['dispatched', 'in_progress'],
  cancel: ['proposed', 'scheduled', 'dispatched', 'in_progress'],
  handover: ['proposed', 'scheduled', 'dispatched', 'in_progress'],
  reopen: ['completed'],
} as const satisfies Record<string, readonly WorkOrderStatus[]>

export type Action = keyof typeof ACTIONS

/** Refuses an action the work order's status does not allow (409 over HTTP). */
export function assertAction(workOrder: WorkOrderView, action: Action): void {
  const allowedFrom: readonly WorkOrderStatus[] = ACTIONS[action]
  if (allowedFrom.includes(workOrder.status)) return
  throw new TransitionNotAllowedError({ workOrderId: workOrder.id, action, from: workOrder.status, allowedFrom })
}

/** Refuses a status change the graph does not contain. */
export function assertTransition(workOrder: WorkOrderView, to: WorkOrderStatus, action: string): void {
  if (TRANSITIONS[workOrder.status].includes(to)) return
  const allowedFrom = (Object.keys(TRANSITIONS) as WorkOrderStatus[]).filter((s) => TRANSITIONS[s].includes(to))
  throw new TransitionNotAllowedError({ workOrderId: workOrder.id, action, from: workOrder.status, allowedFrom })
}

/** Whether a status still needs someone (the unique open-per-problem index uses the same set). */
export function isOpen(status: WorkOrderStatus): boolean {
  return status !== 'completed' && status !== 'cancelled'
}
