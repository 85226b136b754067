import type { FailureWindow, WorkOrderChange, WorkOrderStatus } from '../core/index.js'
import type { ClosureView, Outcome, WorkOrderView } from './types.js'

/** A work_orders row as SQLite returns it. */
export interface WorkOrderRow {
  id: string
  asset_id: string
  customer_id: string
  site_id: string
  failure_mode: string
  playbook: string
  priority: number
  due_by: number
  status: WorkOrderStatus
  owner_id: string
  technician_id: string | null
  visit_start: number | null
  visit_end: number | null
  summary: string
  predicted_earliest: number | null
  predicted_most_likely: number | null
  created_at: number
  outcome: string | null
  visit_sequence: number
  escalation_level: number
  status_since: number | null
  outcome_part: string | null
  outcome_note: string | null
  completed_at: number | null
}

/** The mutable columns of a work order, as the commands change them. */
export interface WorkOrderPatch {
  status?: WorkOrderStatus
  statusSince?: number
  priority?: number
  dueBy?: number
  ownerId?: string
  technicianId?: string | null
  visit?: { start: number, end: number } | null
  visitSequence?: number
  escalationLevel?: number
  outcome?: Outcome | null
  outcomePart?: string | null
  outcomeNote?: string | null
  completedAt?: number | null
}

const PATCH_COLUMNS: Record<Exclude<keyof WorkOrderPatch, 'visit'>, string> = {
  status: 'status',
  statusSince: 'status_since',
  priority: 'priority',
  dueBy: 'due_by',
  ownerId: 'owner_id',
  technicianId: 'technician_id',
  visitSequence: 'visit_sequence',
  escalationLevel: 'escalation_level',
  outcome: 'outcome',
  outcomePart: 'outcome_part',
  outcomeNote: 'outcome_note',
  completedAt: 'completed_at',
}

/** SET clause and parameters for a patch; the visit maps to its two columns. */
export function patchSql(patch: WorkOrderPatch): { set: string, params: Record<string, unknown> } {
  const assignments: string[] = []
  const params: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
    const value = patch[key as keyof typeof PATCH_COLUMNS]
    if (value === undefined) continue
    assignments.push(`${column} = @${key}`)
    params[key] = value
  }
  if (patch.visit !== undefined) {
    assignments.push('visit_start = @visitStart', 'visit_end = @visitEnd')
    params.visitStart = patch.visit?.start ?? null
    params.visitEnd = patch.visit?.end ?? null
  }
  return { set: assignments.join(', '), params }
}

/** The API shape of a row, with its signals, history and closure watch. */
export function toWorkOrderView(
  row: WorkOrderRow, parts: { signalIds: string[], history: WorkOrderChange[], closure: ClosureView | null },
): WorkOrderView {
  const visit = row.visit_start !== null && row.visit_end !== null
    ? { start: row.visit_start, end: row.visit_end }
    : null
  const { predicted_earliest: earliest, predicted_most_likely: mostLikely } = row
  const predictedFailure: FailureWindow | null = earliest !== null && mostLikely !== null
    ? { earliest, mostLikely }
    : null
  return {
    id: row.id,
    assetId: row.asset_id,
    customerId: row.customer_id,
    siteId: row.site_id,
    failureMode: row.failure_mode,
    signalIds: parts.signalIds,
    playbook: row.playbook,
    priority: row.priority,
    dueBy: row.due_by,
    status: row.status,
    ownerId: row.owner_id,
    technicianId: row.technician_id,
    visit,
    summary: row.summary,
    predictedFailure,
    createdAt: row.created_at,
    history: parts.history,
    outcome: row.outcome,
    statusSince: row.status_since ?? row.created_at,
    visitSequence: row.visit_sequence,
    escalationLevel: row.escalation_level,
    completion: completionOf(row),
    closure: parts.closure,
  }
}

function completionOf(row: WorkOrderRow): WorkOrderView['completion'] {
  if (row.outcome === null || row.completed_at === null) return null
  return {
    outcome: row.outcome as Outcome,
    part: row.outcome_part,
    note: row.outcome_note,
    at: row.completed_at,
  }
}
