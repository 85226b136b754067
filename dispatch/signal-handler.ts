import { randomUUID } from 'node:crypto'
import type {
  Asset, Clock, Config, Customer, EquipmentType, Fleet, Planner, Signal, Site, WorkOrder,
  WorkOrderChange,
} from '../core/index.js'
import type { Db } from './db.js'
import { DispatchStoreError, UnknownAssetError } from './errors.js'
import { renderWorkOrderEmail } from './notice-email.js'
import type { NoticeStore } from './notice-store.js'
import { playbookFor, priorityFor, type Playbook } from './playbooks.js'
import { deadlineFor, planVisit, type Deadline, type PlanResult } from './scheduler.js'
import type { NewWorkOrder, WorkOrderStore } from './work-order-store.js'

const HOUR_MS = 3_600_000
/** History author for decisions dispatch itself takes (as opposed to a detector or a planner). */
const SCHEDULER = 'forewarn-dispatch'

export interface SignalHandlerDeps {
  db: Db
  workOrders: WorkOrderStore
  notices: NoticeStore
  fleet: Fleet
  config: Config
  clock: Clock
}

interface Ignored { kind: 'ignored', reason: 'duplicate' | 'no_action' }
interface Created { kind: 'created', workOrder: WorkOrder, escalation: string | null }
interface Attached {
  kind: 'attached'
  workOrder: WorkOrder
  priorityRaised: boolean
  /** The booked visit now ends after the (advanced) deadline. */
  needsReschedule: boolean
}

/** What one Signal did; the caller logs and counts it after the transaction committed. */
export type SignalOutcome = Ignored | Created | Attached

interface AssetContext {
  asset: Asset
  site: Site
  customer: Customer
  planner: Planner
  equipmentType: EquipmentType
}

interface OpenRequest {
  signal: Signal
  playbook: Playbook
  context: AssetContext
}

interface PlannedOrder extends OpenRequest {
  plan: PlanResult
  deadline: Deadline
}

/**
 * Builds the function that applies one Signal in a single immediate transaction: the work
 * order, the signal link, the history and the outbox row commit together or not at all.
 */
export function createSignalHandler(deps: SignalHandlerDeps): (signal: Signal) => SignalOutcome {
  const apply = (signal: Signal): SignalOutcome => {
    if (deps.workOrders.hasSignal(signal.id)) return { kind: 'ignored', reason: 'duplicate' }
    const playbook = playbookFor(signal.kind)
    if (playbook === null) return { kind: 'ignored', reason: 'no_action' }

    const context = resolveAsset(deps.fleet, signal.assetId)
    const open = deps.workOrders.findOpen(signal.assetId, signal.failureMode)
    return open === undefined
      ? openWorkOrder(deps, { signal, playbook, context })
      : attachSignal(deps, signal, open)
  }
  const transaction = deps.db.transaction(apply)
  return (signal) => transaction.immediate(signal)
}

function resolveAsset(fleet: Fleet, assetId: string): AssetContext {
  const asset = fleet.asset(assetId)
  if (asset === undefined) throw new UnknownAssetError(assetId, 'the fleet has no such asset')
  const site = fleet.site(asset.siteId)
  const customer = site === undefined ? undefined : fleet.customer(site.customerId)
  const planner = fleet.planner(asset.ownerId)
  const equipmentType = fleet.equipmentType(asset.equipmentType)
  if (site === undefined || customer === undefined || planner === undefined
    || equipmentType === undefined) {
    throw new UnknownAssetError(assetId, 'its site, customer, owner or equipment type is unknown')
  }
  return { asset, site, customer, planner, equipmentType }
}

function openWorkOrder(deps: SignalHandlerDeps, request: OpenRequest): SignalOutcome {
  const { signal, playbook } = request
  const deadline = deadlineFor(signal, deps.config.dispatch)
  const plan = planFor(deps, request, deadline)

  const order = newWorkOrder({ ...request, plan, deadline })
  deps.workOrders.insert(order)
  deps.workOrders.addSignal(order.id, signal)
  deps.workOrders.addHistory(order.id, {
    at: signal.detectedAt,
    by: detectorOf(signal),
    action: 'opened',
    reason: `${describeSignal(signal)}; playbook ${playbook.name}`,
  })
  deps.workOrders.addHistory(order.id, planningEntry(signal, plan, deadline))
  enqueueNotice(deps, { ...request, order })

  const workOrder = deps.workOrders.get(order.id)
  if (workOrder === undefined) {
    throw new DispatchStoreError(`work order ${order.id} was not readable inside its own transaction`)
  }
  return { kind: 'created', workOrder, escalation: plan.ok ? null : plan.reason }
}

function planFor(deps: SignalHandlerDeps, request: OpenRequest, deadline: Deadline): PlanResult {
  const { signal, context } = request
  return planVisit({
    technicians: deps.fleet.data.technicians,
    skill: context.equipmentType.skill,
    siteId: context.site.id,
    request: {
      // "Now" is the signal's detectedAt, the data clock: simulators and replays run in their
      // own time, and a visit planned from the wall clock would land in the wrong week.
      notBefore: signal.detectedAt,
      deadline: deadline.at,
      durationMs: deps.config.dispatch.visitDurationHours * HOUR_MS,
    },
    openVisits: (technicianId) => deps.workOrders.openVisits(technicianId),
  })
}

function newWorkOrder(planned: PlannedOrder): NewWorkOrder {
  const { signal, playbook, context, plan } = planned
  return {
    id: `wo-${randomUUID()}`,
    assetId: context.asset.id,
    customerId: context.customer.id,
    siteId: context.site.id,
    failureMode: signal.failureMode,
    playbook: playbook.name,
    priority: priorityFor(signal.severity),
    dueBy: planned.deadline.at,
    status: plan.ok ? 'scheduled' : 'proposed',
    // Every open issue has a named owner: the planner responsible for the asset.
    ownerId: context.asset.ownerId,
    technicianId: plan.ok ? plan.assignment.technician.id : null,
    visit: plan.ok ? plan.assignment.visit : null,
    summary: `${playbook.action} of ${context.asset.name}: ${signal.evidence.summary}`,
    predictedFailure: signal.predictedFailure,
    createdAt: signal.detectedAt,
    outcome: null,
  }
}

/** Why the visit is when it is (or why there is none), with the deadline rule behind it. */
function planningEntry(signal: Signal, plan: PlanResult, deadline: Deadline): WorkOrderChange {
  const at = signal.detectedAt
  const due = `deadline ${iso(deadline.at)} (${deadline.basis})`
  if (!plan.ok) return { at, by: SCHEDULER, action: 'escalated', reason: `${plan.reason}; ${due}` }

  const { technician, visit, load } = plan.assignment
  const who = `technician ${technician.id} (${technician.name}, ${load} open visits)`
  const slot = `${iso(visit.start)} to ${iso(visit.end)}`
  const reason = `${who} has the earliest free slot ${slot}; ${due}`
  return { at, by: SCHEDULER, action: 'scheduled', reason }
}

function enqueueNotice(
  deps: SignalHandlerDeps, input: OpenRequest & { order: NewWorkOrder },
): void {
  const { order, context } = input
  const technician = deps.fleet.data.technicians.find((t) => t.id === order.technicianId) ?? null
  const rendered = renderWorkOrderEmail({
    ...context,
    workOrderId: order.id,
    technician,
    visit: order.visit,
    dueBy: order.dueBy,
    action: input.playbook.action,
    finding: input.signal.evidence.summary,
    kind: input.signal.kind,
  })
  // One notice per event and customer: the key names the work order and the event, never a reading.
  const event = order.status === 'scheduled' ? 'scheduled' : 'proposed'
  deps.notices.enqueue({
    id: `ntc-${randomUUID()}`,
    customerId: order.customerId,
    workOrderId: order.id,
    channel: 'email',
    template: rendered.template,
    dedupKey: `workorder:${order.id}:${event}`,
    mail: rendered.mail,
    createdAt: deps.clock.now(),
  })
}

/**
 * A later Signal for the same asset and failure mode joins the open work order: it may raise
 * the priority and bring the deadline forward, but never opens a second work order.
 */
function attachSignal(deps: SignalHandlerDeps, signal: Signal, open: WorkOrder): SignalOutcome {
  const priority = Math.min(open.priority, priorityFor(signal.severity))
  const deadline = deadlineFor(signal, deps.config.dispatch)
  const dueBy = Math.min(open.dueBy, deadline.at)
  const needsReschedule = open.visit !== null && open.visit.end > dueBy
  const entry = (by: string, action: string, reason: string): void =>
    deps.workOrders.addHistory(open.id, { at: signal.detectedAt, by, action, reason })

  deps.workOrders.addSignal(open.id, signal)
  entry(detectorOf(signal), 'signal_attached', describeSignal(signal))
  if (priority < open.priority) {
    const reason = `priority ${open.priority} to ${priority}: ${signal.severity} signal ${signal.id}`
    entry(SCHEDULER, 'priority_raised', reason)
  }
  if (dueBy < open.dueBy) {
    entry(SCHEDULER, 'due_by_advanced', dueByReason(open, deadline, needsReschedule))
  }
  deps.workOrders.updatePlanning(open.id, { priority, dueBy })

  const workOrder = deps.workOrders.get(open.id) ?? open
  return { kind: 'attached', workOrder, priorityRaised: priority < open.priority, needsReschedule }
}

function dueByReason(open: WorkOrder, deadline: Deadline, needsReschedule: boolean): string {
  const base = `due by ${iso(open.dueBy)} to ${iso(deadline.at)} (${deadline.basis})`
  // The customer was told the visit time, so moving it is the owner's call: flagged, not moved.
  return needsReschedule
    ? `${base}; the booked visit ends after it and needs rescheduling by ${open.ownerId}`
    : base
}

function describeSignal(signal: Signal): string {
  const grade = `${signal.severity}, confidence ${signal.confidence.toFixed(2)}`
  return `${signal.kind} signal ${signal.id} (${grade}): ${signal.evidence.summary}`
}

function detectorOf(signal: Signal): string {
  return `${signal.detector.name}@${signal.detector.version}`
}

function iso(time: number): string {
  return new Date(time).toISOString()
}
