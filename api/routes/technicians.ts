import { z } from 'zod'
import type { Fleet, Technician } from '../../core/index.js'
import { TechnicianNotFoundError, type Dispatch } from '../../dispatch/index.js'
import type { ApiApp } from '../app-types.js'
import { ApiError } from '../errors.js'
import { FIELD, STAFF, technicianScope, type Principal } from '../principal.js'
import { idParams, instantQuery, workOrderSchema } from '../schemas.js'

const TAGS = ['technicians']
const DAY_MS = 86_400_000
const MAX_SCHEDULE_DAYS = 92

const technicianSchema = z.object({
  id: z.string(),
  name: z.string(),
  skills: z.array(z.string()),
  siteIds: z.array(z.string()),
  timeZone: z.string(),
  workingHours: z.object({ start: z.string(), end: z.string(), days: z.array(z.number()) }),
})

/** Technicians and their schedules; a technician key sees itself only. */
export function technicianRoutes(app: ApiApp, fleet: Fleet, dispatch: Pick<Dispatch, 'listWorkOrders' | 'now'>): void {
  const visible = (principal: Principal, id: string): Technician => {
    const technician = fleet.technician(id)
    const scope = technicianScope(principal)
    if (technician === undefined || (principal.role === 'technician' && scope !== id)) {
      throw new TechnicianNotFoundError(id)
    }
    return technician
  }

  app.get('/api/technicians', {
    config: { roles: STAFF },
    schema: { tags: TAGS, summary: 'Every technician', response: { 200: z.object({ items: z.array(technicianSchema) }) } },
  }, async () => ({ items: fleet.data.technicians }))

  app.get('/api/technicians/:id', {
    config: { roles: FIELD },
    schema: { tags: TAGS, summary: 'One technician', params: idParams, response: { 200: technicianSchema } },
  }, async (request) => visible(request.principal as Principal, request.params.id))

  app.get('/api/technicians/:id/schedule', {
    config: { roles: FIELD },
    schema: {
      tags: TAGS, summary: 'The technician\'s visits overlapping a period (default: the next 7 days of the data clock)',
      params: idParams,
      querystring: z.object({
        from: instantQuery.optional(), to: instantQuery.optional(),
      }).strict(),
      response: {
        200: z.object({
          technicianId: z.string(), from: z.number(), to: z.number(), visits: z.array(workOrderSchema),
        }),
      },
    },
  }, async (request) => {
    const technician = visible(request.principal as Principal, request.params.id)
    const from = request.query.from ?? dispatch.now()
    const to = request.query.to ?? from + 7 * DAY_MS
    if (to <= from || to - from > MAX_SCHEDULE_DAYS * DAY_MS) {
      throw new ApiError('FW_ERR_HTTP_VALIDATION', 400,
        `querystring.to: must be after from and at most ${MAX_SCHEDULE_DAYS} days later`,
        { details: { field: 'querystring.to' } })
    }
    const { items } = dispatch.listWorkOrders({
      technicianId: technician.id, visitFrom: from, visitBefore: to, status: 'open', limit: 10_000,
    })
    const visits = [...items].sort((a, b) => (a.visit?.start ?? 0) - (b.visit?.start ?? 0))
    return { technicianId: technician.id, from, to, visits }
  })
}
