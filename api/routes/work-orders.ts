import { z } from 'zod'
import {
  TechnicianNotFoundError, WorkOrderNotFoundError,
  type Absence, type Dispatch, type WorkOrderCommand, type WorkOrderFilter, type WorkOrderView,
} from '../../dispatch/index.js'
import type { ApiApp } from '../app-types.js'
import {
  ANYONE, FIELD, STAFF, customerScope, technicianScope, type Principal,
} from '../principal.js'
import { fleetId, idParams, instantBody, instantQuery, pageOf, paging, workOrderSchema } from '../schemas.js'

type WorkOrders = Pick<Dispatch, 'listWorkOrders' | 'getWorkOrder' | 'command'>

const TAGS = ['work orders']
const reason = z.string().trim().min(1).max(1000)
const optionalReason = reason.optional()
/**
 * A system that calls on behalf of people (a field-service app) names the person; the history
 * records that name and the log line records the key. Without it the key's name is recorded.
 */
const by = z.string().trim().min(1).max(100).optional()
  .describe('the person acting, when a system calls on their behalf; default: the key\'s name')

const listQuery = z.object({
  status: z.enum(['open', 'proposed', 'scheduled', 'dispatched', 'in_progress', 'completed', 'cancelled']).optional()
    .describe('one status, or "open" for proposed, scheduled, dispatched and in progress'),
  priority: z.coerce.number().int().min(1).max(3).optional(),
  assetId: fleetId.optional(),
  siteId: fleetId.optional(),
  customerId: fleetId.optional(),
  technicianId: fleetId.optional(),
  dueAfter: instantQuery.optional(),
  dueBefore: instantQuery.optional(),
  visitFrom: instantQuery.optional().describe('visits ending after this instant'),
  visitBefore: instantQuery.optional().describe('visits starting before this instant'),
  ...paging,
}).strict()

/** The body of each lifecycle command; who asks is the API key, recorded in the history. */
const COMMAND_BODIES = {
  schedule: z.object({ by, reason: optionalReason }).strict(),
  reschedule: z.object({ by, reason, start: instantBody, technicianId: fleetId.optional() }).strict(),
  assign: z.object({ by, reason: optionalReason, technicianId: fleetId, start: instantBody.optional() }).strict(),
  dispatch: z.object({ by, reason: optionalReason }).strict(),
  start: z.object({ by, reason: optionalReason }).strict(),
  complete: z.object({
    by,
    outcome: z.enum(['fault_confirmed', 'no_fault_found', 'could_not_access']),
    part: z.string().trim().min(1).max(200).optional().describe('the part replaced, for fault_confirmed'),
    note: z.string().trim().min(1).max(2000).optional(),
  }).strict(),
  cancel: z.object({ by, reason }).strict(),
  handover: z.object({ by, to: fleetId.describe('the planner who takes the case over'), reason }).strict(),
} as const
type Action = keyof typeof COMMAND_BODIES

const SUMMARIES: Record<Action, string> = {
  schedule: 'Confirm the proposed visit',
  reschedule: 'Move the visit',
  assign: 'Give the visit to another technician',
  dispatch: 'The technician is on the way (the customer is told)',
  start: 'Work has started on site',
  complete: 'Close with an outcome',
  cancel: 'Cancel the work order',
  handover: 'Hand the case over to another owner',
}

/** Technicians work their own visits in the field; everything else is the planners'. */
const FIELD_ACTIONS = new Set<Action>(['dispatch', 'start', 'complete'])

/**
 * Work orders. Customer keys see their own customer's only, technician keys the ones assigned
 * to them; anything else answers 404 exactly as a missing id does.
 */
export function workOrderRoutes(app: ApiApp, workOrders: WorkOrders): void {
  const visible = (principal: Principal, id: string): WorkOrderView => {
    const workOrder = workOrders.getWorkOrder(id)
    if (workOrder === undefined || !canSee(principal, workOrder)) throw new WorkOrderNotFoundError(id)
    return workOrder
  }

  app.get('/api/work-orders', {
    config: { roles: ANYONE },
    schema: {
      tags: TAGS, summary: 'List work orders, newest first', querystring: listQuery,
      response: { 200: pageOf(workOrderSchema) },
    },
  }, async (request) => {
    const filter: WorkOrderFilter = { ...definedOnly(request.query) }
    confine(request.principal as Principal, filter)
    const page = workOrders.listWorkOrders(filter)
    return { ...page, limit: request.query.limit, offset: request.query.offset }
  })

  app.get('/api/work-orders/:id', {
    config: { roles: ANYONE },
    schema: { tags: TAGS, summary: 'One work order with its history', params: idParams, response: { 200: workOrderSchema } },
  }, async (request) => visible(request.principal as Principal, request.params.id))

  for (const action of Object.keys(COMMAND_BODIES) as Action[]) {
    app.post(`/api/work-orders/:id/${action}`, {
      config: { roles: FIELD_ACTIONS.has(action) ? FIELD : STAFF },
      schema: {
        tags: TAGS, summary: SUMMARIES[action], params: idParams, body: COMMAND_BODIES[action],
        response: { 200: workOrderSchema },
      },
    }, async (request) => {
      const principal = request.principal as Principal
      visible(principal, request.params.id)
      const body = request.body as { by?: string }
      const command = { ...body, action, by: actingPerson(principal, body.by) } as WorkOrderCommand
      request.log.info({ workOrderId: request.params.id, action, by: command.by, keyId: principal.keyId }, 'work order command')
      return workOrders.command(request.params.id, command)
    })
  }
}

export interface TechnicianWork {
  markTechnicianUnavailable(absence: Absence): WorkOrderView[]
  technicianCalendar(technicianId: string): string
}

const absenceBody = z.object({ by, reason, from: instantBody, until: instantBody }).strict()

export function technicianWorkRoutes(app: ApiApp, work: TechnicianWork, knows: (id: string) => boolean): void {
  const TECH_TAGS = ['technicians']
  app.post('/api/technicians/:id/unavailable', {
    config: { roles: STAFF },
    schema: {
      tags: TECH_TAGS, summary: 'A technician is absent: their visits are re-planned and customers told',
      params: idParams, body: absenceBody,
      response: { 200: z.object({ technicianId: z.string(), workOrders: z.array(workOrderSchema) }) },
    },
  }, async (request) => {
    if (!knows(request.params.id)) throw new TechnicianNotFoundError(request.params.id)
    const { from, until, reason: why, by: named } = request.body
    const absence: Absence = {
      technicianId: request.params.id, start: from, end: until, reason: why,
      by: actingPerson(request.principal as Principal, named),
    }
    return { technicianId: request.params.id, workOrders: work.markTechnicianUnavailable(absence) }
  })

  app.get('/api/technicians/:id/calendar.ics', {
    config: { roles: FIELD },
    schema: {
      tags: TECH_TAGS, params: idParams,
      summary: 'The technician\'s visits as an iCalendar feed (calendar apps may send the key as the Basic password)',
    },
  }, async (request, reply) => {
    const scope = technicianScope(request.principal as Principal)
    if (!knows(request.params.id) || (scope !== undefined && scope !== request.params.id)) {
      throw new TechnicianNotFoundError(request.params.id)
    }
    return reply.type('text/calendar; charset=utf-8').send(work.technicianCalendar(request.params.id))
  })
}

function canSee(principal: Principal, workOrder: WorkOrderView): boolean {
  const customer = customerScope(principal)
  if (customer !== undefined && workOrder.customerId !== customer) return false
  const technician = technicianScope(principal)
  if (technician !== undefined && workOrder.technicianId !== technician) return false
  return principal.role !== 'customer' || customer !== undefined
}

/** Nothing matches this id: a scoped key asking for someone else's things gets an empty page. */
const NOBODY = '\u0000nobody'

/**
 * A scoped key's filter is intersected with its scope: asking for another customer's (or
 * technician's) work orders finds none, never more than the key's own.
 */
function confine(principal: Principal, filter: WorkOrderFilter): void {
  if (principal.role === 'customer') {
    const own = customerScope(principal) ?? NOBODY
    filter.customerId = filter.customerId === undefined || filter.customerId === own ? own : NOBODY
  }
  if (principal.role === 'technician') {
    const own = technicianScope(principal) ?? NOBODY
    filter.technicianId = filter.technicianId === undefined || filter.technicianId === own ? own : NOBODY
  }
}

/**
 * Who the history records. A technician key always acts as its own technician; other keys may
 * name the person they act for, and otherwise act under the key's own name.
 */
export function actingPerson(principal: Principal, named: string | undefined): string {
  if (principal.role === 'technician' && principal.technicianId !== undefined) return principal.technicianId
  return named ?? principal.name
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
