import type { DispatchContext } from './context.js'
import { TechnicianNotFoundError } from './errors.js'
import { technicianById } from './lookup.js'
import { technicianFeed } from './notice-ical.js'
import { playbookNamed } from './playbooks.js'

// A feed that keeps a month of past visits lets a technician look back at what they did
// without the document growing forever.
const FEED_HISTORY_MS = 30 * 86_400_000

/** The technician's iCalendar feed: their visits and absences from a month ago onwards. */
export function technicianCalendar(ctx: DispatchContext, technicianId: string): string {
  const technician = technicianById(ctx.fleet, technicianId)
  if (technician === null) throw new TechnicianNotFoundError(technicianId)
  const since = ctx.dataClock.now() - FEED_HISTORY_MS

  const visits = ctx.workOrders.visitsOf(technician.id, since).map((workOrder) => ({
    workOrder,
    site: ctx.fleet.site(workOrder.siteId),
    assetName: ctx.fleet.asset(workOrder.assetId)?.name ?? workOrder.assetId,
    actionText: playbookNamed(ctx.playbooks, workOrder.playbook)?.actionText ?? workOrder.playbook,
  }))
  const absences = ctx.absences.list(technician.id, since)
  return technicianFeed({ technician, visits, absences, stampMs: ctx.clock.now() })
}
