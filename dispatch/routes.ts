import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { InvalidQueryError, WorkOrderNotFoundError } from './errors.js'
import { COMMAND_ACTIONS, parseAbsence, parseCommand } from './route-bodies.js'
import type { Absence, WorkOrderCommand, WorkOrderFilter, WorkOrderView } from './types.js'

const MAX_PAGE_SIZE = 200
const DEFAULT_PAGE_SIZE = 50
const fleetId = z.string().min(1).max(64)

const STATUSES = ['proposed', 'scheduled', 'dispatched', 'in_progress', 'completed', 'cancelled'] as const

const listQuerySchema = z.object({
  status: z.enum(STATUSES).optional(),
  assetId: fleetId.optional(),
  customerId: fleetId.optional(),
  technicianId: fleetId.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  offset: z.coerce.number().int().min(0).default(0),
})

export interface WorkOrderSource {
  list(filter: WorkOrderFilter): { items: WorkOrderView[], total: number }
  get(id: string): WorkOrderView | undefined
  command(id: string, command: WorkOrderCommand): WorkOrderView
  markUnavailable(absence: Absence): WorkOrderView[]
  calendar(technicianId: string): string
}

/**
 * The work-order and technician routes. Errors are thrown as coded ForewarnErrors; the
 * service's error handler turns them into { code, message, details }.
 */
export function workOrderRoutes(source: WorkOrderSource): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/work-orders', async (request) => {
      const filter = parseListQuery(request.query)
      const page = source.list(filter)
      return { items: page.items, total: page.total, limit: filter.limit, offset: filter.offset }
    })

    app.get<{ Params: { id: string } }>('/api/work-orders/:id', async (request) => {
      const workOrder = source.get(request.params.id)
      if (workOrder === undefined) throw new WorkOrderNotFoundError(request.params.id)
      return workOrder
    })

    for (const action of COMMAND_ACTIONS) {
      app.post<{ Params: { id: string } }>(`/api/work-orders/:id/${action}`, async (request) => {
        return source.command(request.params.id, parseCommand(action, request.body))
      })
    }

    app.post<{ Params: { id: string } }>('/api/technicians/:id/unavailable', async (request) => {
      const absence = parseAbsence(request.params.id, request.body)
      return { technicianId: absence.technicianId, workOrders: source.markUnavailable(absence) }
    })

    app.get<{ Params: { id: string } }>('/api/technicians/:id/calendar.ics', async (request, reply) => {
      const calendar = source.calendar(request.params.id)
      return reply.type('text/calendar; charset=utf-8').send(calendar)
    })
  }
}

function parseListQuery(query: unknown): WorkOrderFilter & { limit: number, offset: number } {
  const parsed = listQuerySchema.safeParse(query ?? {})
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.join('.') ?? 'query'
  throw new InvalidQueryError(field === '' ? 'query' : field, issue?.message ?? 'invalid')
}
