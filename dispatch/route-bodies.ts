import { z } from 'zod'
import { InvalidBodyError } from './errors.js'
import type { Absence, WorkOrderCommand } from './types.js'

const fleetId = z.string().min(1).max(64)
const by = z.string().trim().min(1).max(100)
const reason = z.string().trim().min(1).max(1000)
/** An instant: epoch milliseconds, or ISO 8601 with a zone offset (never a floating local time). */
const instant = z.union([
  z.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
])

const COMMAND_BODIES = {
  schedule: z.object({ by, reason: reason.optional() }).strict(),
  reschedule: z.object({ by, reason, start: instant, technicianId: fleetId.optional() }).strict(),
  assign: z.object({ by, reason: reason.optional(), technicianId: fleetId, start: instant.optional() }).strict(),
  dispatch: z.object({ by, reason: reason.optional() }).strict(),
  start: z.object({ by, reason: reason.optional() }).strict(),
  complete: z.object({
    by,
    outcome: z.enum(['fault_confirmed', 'no_fault_found', 'could_not_access']),
    part: z.string().trim().min(1).max(200).optional(),
    note: z.string().trim().min(1).max(2000).optional(),
  }).strict(),
  cancel: z.object({ by, reason }).strict(),
  handover: z.object({ by, to: fleetId, reason }).strict(),
} as const

/** The lifecycle commands the API accepts, one route each. */
export const COMMAND_ACTIONS = Object.keys(COMMAND_BODIES) as Array<WorkOrderCommand['action']>

const absenceBody = z.object({ by, reason, from: instant, until: instant }).strict()

/** Validates a command body; the first problem becomes a 400 naming its field. */
export function parseCommand(action: WorkOrderCommand['action'], body: unknown): WorkOrderCommand {
  const parsed = COMMAND_BODIES[action].safeParse(body ?? {})
  if (!parsed.success) throw bodyError(parsed.error)
  return { ...parsed.data, action } as WorkOrderCommand
}

export function parseAbsence(technicianId: string, body: unknown): Absence {
  const parsed = absenceBody.safeParse(body ?? {})
  if (!parsed.success) throw bodyError(parsed.error)
  const { from, until, ...rest } = parsed.data
  return { technicianId, start: from, end: until, ...rest }
}

function bodyError(error: z.ZodError): InvalidBodyError {
  const issue = error.issues[0]
  if (issue === undefined) return new InvalidBodyError('body', 'invalid')
  if (issue.code === 'unrecognized_keys') return new InvalidBodyError(issue.keys[0] ?? 'body', 'unknown field')
  const field = issue.path.join('.')
  return new InvalidBodyError(field === '' ? 'body' : field, issue.message)
}
