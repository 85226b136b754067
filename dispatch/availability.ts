import { iso, transact, type DispatchContext } from './context.js'
import { InvalidBodyError, TechnicianNotFoundError } from './errors.js'
import { technicianById } from './lookup.js'
import type { Absence, WorkOrderView } from './types.js'
import { replan } from './visit-changes.js'

// A technician already at work on site finishes; only visits not yet started are moved.
const MOVABLE = new Set(['scheduled', 'dispatched'])

/**
 * Records that a technician cannot work in a period and re-plans every visit of theirs that
 * falls in it, in one transaction: each moves to the earliest feasible slot (another
 * technician's, or theirs after the absence) and its customer is told the new time; a visit
 * with no slot left is postponed, its customer told, and its owner escalated to at once.
 */
export function markUnavailable(ctx: DispatchContext, absence: Absence): WorkOrderView[] {
  const technician = technicianById(ctx.fleet, absence.technicianId)
  if (technician === null) throw new TechnicianNotFoundError(absence.technicianId)
  if (absence.end <= absence.start) throw new InvalidBodyError('until', 'must be after from')

  return transact(ctx, (fx) => {
    ctx.absences.add(absence, ctx.clock.now())
    const at = ctx.dataClock.now()
    const touched = ctx.workOrders.openVisits(technician.id)
      .filter((v) => v.start < absence.end && absence.start < v.end)
    const reason = `technician ${technician.id} (${technician.name}) is unavailable from ${iso(absence.start)} to ${iso(absence.end)}: ${absence.reason}`
    fx.log('info', { technicianId: technician.id, visits: touched.length, by: absence.by }, 'technician marked unavailable')

    const moved: WorkOrderView[] = []
    for (const visit of touched) {
      const workOrder = ctx.workOrders.get(visit.workOrderId)
      if (workOrder === undefined || !MOVABLE.has(workOrder.status)) continue
      moved.push(replan(ctx, fx, workOrder, {
        change: {
          by: absence.by, at, action: 'rescheduled', reason, cause: 'unavailable',
          customerReason: 'the technician is no longer available at that time',
        },
        notBefore: at,
        keepVisit: false,
      }))
    }
    return moved
  })
}
