import { z } from 'zod'

/** Shared request and response pieces. Times are epoch milliseconds in the data clock. */

export const fleetId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an id is 1-64 of A-Z a-z 0-9 . _ -')
export const idParams = z.object({ id: fleetId })

/** An instant in a query: epoch milliseconds or ISO 8601 with a zone offset (never a floating local time). */
const INSTANT_RULE = 'an instant is epoch milliseconds or ISO 8601 with a zone offset, e.g. 2026-12-04T00:00:00Z'

export const instantQuery = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
], { error: INSTANT_RULE }).describe('epoch milliseconds, or ISO 8601 with offset (2026-12-04T00:00:00Z)')

/** An instant in a JSON body: epoch milliseconds or ISO 8601 with a zone offset. */
export const instantBody = z.union([
  z.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
], { error: INSTANT_RULE }).describe('epoch milliseconds, or ISO 8601 with offset')

const MAX_PAGE_SIZE = 200
export const paging = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int(),
  })
}

const visit = z.object({ start: z.number(), end: z.number() })

export const workOrderSchema = z.object({
  id: z.string(),
  assetId: z.string(),
  customerId: z.string(),
  siteId: z.string(),
  failureMode: z.string(),
  signalIds: z.array(z.string()),
  playbook: z.string(),
  priority: z.number().int().describe('1 is most urgent'),
  dueBy: z.number(),
  status: z.enum(['proposed', 'scheduled', 'dispatched', 'in_progress', 'completed', 'cancelled']),
  ownerId: z.string().describe('the planner who owns the case'),
  technicianId: z.string().nullable(),
  visit: visit.nullable(),
  summary: z.string(),
  predictedFailure: z.object({ earliest: z.number(), mostLikely: z.number() }).nullable(),
  createdAt: z.number(),
  history: z.array(z.object({ at: z.number(), by: z.string(), action: z.string(), reason: z.string() })),
  outcome: z.string().nullable(),
  statusSince: z.number(),
  visitSequence: z.number().int(),
  escalationLevel: z.number().int(),
  completion: z.object({
    outcome: z.enum(['fault_confirmed', 'no_fault_found', 'could_not_access']),
    part: z.string().nullable(), note: z.string().nullable(), at: z.number(),
  }).nullable(),
  closure: z.object({
    state: z.enum(['watching', 'verified', 'reopened', 'unverified']), until: z.number(), metrics: z.array(z.string()),
  }).nullable(),
})
