import { z } from 'zod'
import { zoneOffsetMs, type Customer, type Fleet } from '../../core/index.js'
import type { Dispatch, WorkOrderView } from '../../dispatch/index.js'

/** What the status of a customer's equipment is built from. */
export type StatusSources = Pick<Dispatch, 'listWorkOrders' | 'now'>

const ASSET_STATUS = ['healthy', 'at_risk', 'attention'] as const
const STAGES = ['visit_being_planned', 'visit_booked', 'technician_on_the_way', 'work_in_progress'] as const
type OpenStatus = 'proposed' | 'scheduled' | 'dispatched' | 'in_progress'
/** A work order's status in the customer's words. */
const CASE_STAGE: Readonly<Record<OpenStatus, typeof STAGES[number]>> = {
  proposed: 'visit_being_planned',
  scheduled: 'visit_booked',
  dispatched: 'technician_on_the_way',
  in_progress: 'work_in_progress',
}

const localInstant = z.string().describe('ISO 8601 in the customer\'s time zone, with its offset')

const visitSchema = z.object({
  start: z.number().describe('epoch milliseconds'),
  end: z.number().describe('epoch milliseconds'),
  startLocal: localInstant,
  endLocal: localInstant,
  timeZone: z.string(),
  technician: z.object({ name: z.string() }).nullable(),
})

const caseSchema = z.object({
  workOrderId: z.string(),
  assetId: z.string(),
  assetName: z.string(),
  siteName: z.string(),
  stage: z.enum(STAGES),
  summary: z.string().describe('what was found and what will be done'),
  openedAt: z.number(),
  dueBy: z.number().describe('the work is due by then (epoch milliseconds)'),
  dueByLocal: localInstant,
  attention: z.array(z.enum(['overdue', 'escalated']))
    .describe('why the case needs attention: past its due time, or escalated to someone more senior'),
  owner: z.object({ name: z.string(), email: z.string().nullable() }).describe('the person responsible for the case'),
  nextVisit: visitSchema.nullable(),
})

export const customerStatusSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  timeZone: z.string().describe('the zone of every *Local time: the customer\'s preference'),
  asOf: z.number().describe('epoch milliseconds of the data this status reflects'),
  assets: z.array(z.object({
    id: z.string(),
    name: z.string(),
    siteId: z.string(),
    siteName: z.string(),
    equipment: z.string(),
    status: z.enum(ASSET_STATUS)
      .describe('healthy: no open case; at_risk: an open case; attention: a case overdue or escalated'),
    openCases: z.array(z.string()).describe('work order ids of its open cases'),
  })),
  openCases: z.array(caseSchema),
  nextVisit: visitSchema.extend({ workOrderId: z.string(), assetId: z.string() }).nullable()
    .describe('the earliest booked visit that has not ended yet'),
})
export type CustomerStatus = z.infer<typeof customerStatusSchema>
type Case = z.infer<typeof caseSchema>

const PAGE = 500

/** The customer's equipment and open cases, in plain fields, with times in `timeZone`. */
export function customerStatus(
  fleet: Fleet, sources: StatusSources, customer: Customer, timeZone: string,
): CustomerStatus {
  const now = sources.now()
  const cases = openWorkOrders(sources, customer.id).map((w) => caseOf(fleet, w, now, timeZone))
    .sort((a, b) => a.dueBy - b.dueBy)
  const assets = fleet.data.assets.filter((a) => fleet.site(a.siteId)?.customerId === customer.id).map((asset) => {
    const own = cases.filter((c) => c.assetId === asset.id)
    const status: typeof ASSET_STATUS[number] = own.length === 0
      ? 'healthy'
      : own.some((c) => c.attention.length > 0) ? 'attention' : 'at_risk'
    return {
      id: asset.id,
      name: asset.name,
      siteId: asset.siteId,
      siteName: fleet.site(asset.siteId)?.name ?? asset.siteId,
      equipment: fleet.equipmentType(asset.equipmentType)?.name ?? asset.equipmentType,
      status,
      openCases: own.map((c) => c.workOrderId),
    }
  })
  const upcoming = cases.filter((c) => c.nextVisit !== null && c.nextVisit.end > now)
    .sort((a, b) => (a.nextVisit?.start ?? 0) - (b.nextVisit?.start ?? 0))[0]
  return {
    customerId: customer.id,
    name: customer.name,
    timeZone,
    asOf: now,
    assets,
    openCases: cases,
    nextVisit: upcoming?.nextVisit == null
      ? null
      : { ...upcoming.nextVisit, workOrderId: upcoming.workOrderId, assetId: upcoming.assetId },
  }
}

/** Every open work order of the customer, page by page. */
function openWorkOrders(sources: StatusSources, customerId: string): WorkOrderView[] {
  const all: WorkOrderView[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = sources.listWorkOrders({ customerId, status: 'open', limit: PAGE, offset })
    all.push(...page.items)
    if (page.items.length < PAGE || all.length >= page.total) return all
  }
}

function caseOf(fleet: Fleet, workOrder: WorkOrderView, now: number, zone: string): Case {
  const asset = fleet.asset(workOrder.assetId)
  const owner = fleet.planner(workOrder.ownerId)
  const technician = workOrder.technicianId === null ? undefined : fleet.technician(workOrder.technicianId)
  const attention: Case['attention'] = []
  if (workOrder.dueBy < now) attention.push('overdue')
  if (workOrder.escalationLevel > 0) attention.push('escalated')
  const visit = workOrder.visit
  return {
    workOrderId: workOrder.id,
    assetId: workOrder.assetId,
    assetName: asset?.name ?? workOrder.assetId,
    siteName: fleet.site(workOrder.siteId)?.name ?? workOrder.siteId,
    stage: CASE_STAGE[workOrder.status as OpenStatus],
    summary: workOrder.summary,
    openedAt: workOrder.createdAt,
    dueBy: workOrder.dueBy,
    dueByLocal: localIso(workOrder.dueBy, zone),
    attention,
    owner: { name: owner?.name ?? workOrder.ownerId, email: owner?.email ?? null },
    nextVisit: visit === null
      ? null
      : {
          start: visit.start,
          end: visit.end,
          startLocal: localIso(visit.start, zone),
          endLocal: localIso(visit.end, zone),
          timeZone: zone,
          technician: technician === undefined ? null : { name: technician.name },
        },
  }
}

/** `2026-03-02T08:00:00+01:00`: the wall-clock time in `zone` with the offset in force then. */
export function localIso(epochMs: number, zone: string): string {
  const offset = zoneOffsetMs(epochMs, zone)
  const wall = new Date(epochMs + offset).toISOString().slice(0, 19)
  const minutes = Math.abs(offset) / 60_000
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0')
  const mm = String(minutes % 60).padStart(2, '0')
  return `${wall}${offset < 0 ? '-' : '+'}${hh}:${mm}`
}
