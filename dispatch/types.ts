import type {
  Clock, Config, Fleet, Logger, Notice, Reading, Registry, Signal, VisitWindow, WorkOrder, WorkOrderStatus,
} from '../core/index.js'
import type { PlaybookSet } from './playbook-file.js'
import type { CustomerPreferences, PreferenceChanges } from './preferences.js'

export interface DispatchDeps {
  config: Config
  fleet: Fleet
  logger: Logger
  metrics: Registry
  /** Wall clock for the outbox (attempts, backoff, quiet hours); work orders use the data clock. */
  clock?: Clock
  /** Default `<config.data.dir>/forewarn.sqlite`; ':memory:' is allowed. */
  dbFile?: string
  /** Already validated playbooks; default: config.dispatch.playbooksFile, read by start(). */
  playbooks?: PlaybookSet
  /** Told of every completion once it is committed (the models learn from outcomes). */
  onWorkOrderCompleted?: (workOrder: WorkOrderView) => void
}

/** How a visit ended, as the technician reports it. */
export type Outcome = 'fault_confirmed' | 'no_fault_found' | 'could_not_access'

/** Whether telemetry confirmed a "fault confirmed" repair. */
export interface ClosureView {
  state: 'watching' | 'verified' | 'reopened' | 'unverified'
  /** Data-clock end of the watch. */
  until: number
  metrics: string[]
}

/** A work order as dispatch returns it: the core record plus lifecycle details. */
export interface WorkOrderView extends WorkOrder {
  /** Data-clock time the current status began. */
  statusSince: number
  /** Bumped whenever the visit moves or changes technician; the iCalendar SEQUENCE. */
  visitSequence: number
  /** How many steps down its playbook's escalation chain the work order has gone. */
  escalationLevel: number
  completion: { outcome: Outcome, part: string | null, note: string | null, at: number } | null
  closure: ClosureView | null
}

/** Who asks for a change, and why; `by` is a planner, technician or system name. */
export interface Actor {
  by: string
  reason?: string
}

/** A lifecycle command, as the HTTP routes accept it. */
export type WorkOrderCommand
  = | Actor & { action: 'schedule' }
    | Actor & { action: 'reschedule', start: number, technicianId?: string }
    | Actor & { action: 'assign', technicianId: string, start?: number }
    | Actor & { action: 'dispatch' }
    | Actor & { action: 'start' }
    | Actor & { action: 'complete', outcome: Outcome, part?: string, note?: string }
    | Actor & { action: 'cancel', reason: string }
    | Actor & { action: 'handover', to: string, reason: string }

/** A period in which a technician cannot take visits. */
export interface Absence {
  technicianId: string
  start: number
  end: number
  by: string
  reason: string
}

export interface WorkOrderFilter {
  /** One status, or 'open' for every status that still needs someone. */
  status?: WorkOrderStatus | 'open'
  assetId?: string
  customerId?: string
  siteId?: string
  technicianId?: string
  priority?: number
  /** Data-clock epoch ms: due at or after / strictly before. */
  dueAfter?: number
  dueBefore?: number
  /** Data-clock epoch ms: the visit ends after / starts before (a visit overlapping the range). */
  visitFrom?: number
  visitBefore?: number
  limit?: number
  offset?: number
}

export interface NoticeFilter {
  customerId?: string
  workOrderId?: string
  /** Only customer notices, or only staff alerts (both are kept under the work order's customer). */
  audience?: 'customer' | 'staff'
  /** By wall-clock creation time; default 'oldest' first. */
  order?: 'oldest' | 'newest'
  /** Default: every match. */
  limit?: number
  offset?: number
}

/** A notice as dispatch lists it: the core record plus when it was queued and what it said. */
export interface NoticeView extends Notice {
  audience: 'customer' | 'staff'
  /** Email subject, or the webhook's event type. */
  subject: string
  /** Wall-clock epoch ms at which it was queued. */
  createdAt: number
  /** The digest email that carried it, when it went out inside one. */
  digestId: string | null
}

export interface DispatchStats {
  workOrdersOpen: number
  workOrdersTotal: number
  noticesPending: number
  noticesSent: number
}

/** What one escalation pass did. */
export interface EscalationReport {
  /** Deadlines that fired, as `<workOrderId>:<deadline>`. */
  fired: string[]
  /** Closure watches that ended: verified or unverified. */
  closuresDecided: string[]
}

export interface Dispatch {
  /** Reads playbooks, opens SQLite (WAL), migrates, starts the outbox and escalation timers. */
  start(): Promise<void>
  /** Stops the timers, drains the outbox once more, closes the transports and the DB. */
  stop(): Promise<void>
  /**
   * Synchronous and transactional. Returns the work order the signal opened, attached to or
   * reopened, or null when ignored (the same signal id again).
   */
  handleSignal(signal: Signal): WorkOrderView | null
  /** Feeds a reading: advances the data clock and watches repaired assets. Cheap when idle. */
  observeReading(reading: Reading): void
  /** Applies a lifecycle command in one transaction; throws coded errors for refusals. */
  command(workOrderId: string, command: WorkOrderCommand): WorkOrderView
  /** Records an absence and re-plans every visit of the technician it touches. */
  markTechnicianUnavailable(absence: Absence): WorkOrderView[]
  /** The technician's visits as an iCalendar (RFC 5545) document. */
  technicianCalendar(technicianId: string): string
  /** Checks every escalation deadline and closure watch against the data clock now. */
  runEscalations(): EscalationReport
  /** Dispatch's data-clock "now" (see docs/dispatch.md, "Two clocks"). */
  now(): number
  listWorkOrders(filter?: WorkOrderFilter): { items: WorkOrderView[], total: number }
  getWorkOrder(id: string): WorkOrderView | undefined
  listNotices(filter?: NoticeFilter): NoticeView[]
  /** How many notices match the filter, regardless of its limit and offset. */
  countNotices(filter?: NoticeFilter): number
  /** The customer's notification preferences in force (fleet file under their own changes). */
  customerPreferences(customerId: string): CustomerPreferences
  /**
   * Changes the fields named, records who and when, and returns the preferences now in force;
   * throws FW_ERR_DSP_PREFERENCES_INVALID (field named) or FW_ERR_DSP_CUSTOMER_NOT_FOUND.
   */
  updateCustomerPreferences(customerId: string, changes: PreferenceChanges, by: string): CustomerPreferences
  /** Sends every pending notice that is due, ignoring the digest hold; returns counts. */
  drainOutbox(): Promise<{ sent: number, failed: number }>
  isReady(): boolean
  stats(): DispatchStats
}

/** A visit a technician has promised, with the work order it belongs to. */
export interface BookedVisit extends VisitWindow {
  workOrderId: string
}
