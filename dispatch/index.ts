/** From Signal to action: playbooks, work orders, technician visits and customer notices, in SQLite. */

/** Creates the dispatch capability; it does no I/O until start(). */
export { createDispatch } from './dispatch.js'
/** The running capability: signals, readings, lifecycle commands, calendars and outbox. */
export type { Dispatch } from './types.js'
/** What createDispatch needs: config, fleet, logger, registry; optional clock, DB file, playbooks. */
export type { DispatchDeps } from './types.js'
/** Counts of open and total work orders, and of pending and sent notices. */
export type { DispatchStats } from './types.js'
/** Filter for listNotices and countNotices: customer, work order, audience; order and paging. */
export type { NoticeFilter } from './types.js'
/** A notice as listNotices returns it: the core record plus audience, subject, queue time, digest. */
export type { NoticeView } from './types.js'
/** A customer's notification preferences in force, and a change to them. */
export type { CustomerPreferences, PreferenceChanges, Language } from './preferences.js'
/** The languages customer notices are written in. */
export { LANGUAGES } from './preferences.js'
/** The canonical IANA name of a time zone, or undefined when the runtime does not know it. */
export { canonicalTimeZone } from './preferences.js'
/** Filter and paging for listWorkOrders. */
export type { WorkOrderFilter } from './types.js'
/** A work order with its lifecycle details (visit sequence, escalation level, completion, closure). */
export type { WorkOrderView } from './types.js'
/** A lifecycle command: schedule, reschedule, assign, dispatch, start, complete, cancel, handover. */
export type { WorkOrderCommand } from './types.js'
/** How a visit ended: fault confirmed, no fault found, could not access. */
export type { Outcome } from './types.js'
/** A period a technician cannot work. */
export type { Absence } from './types.js'
/** What one escalation pass did. */
export type { EscalationReport } from './types.js'
/** The telemetry check of a fault-confirmed repair. */
export type { ClosureView } from './types.js'
/** Every FW_ERR_DSP_* code, for the error catalogue. */
export { DISPATCH_ERROR_CODES, TechnicianNotFoundError, WorkOrderNotFoundError } from './errors.js'
/** Reads and validates a playbook file (zod); throws FW_ERR_DSP_PLAYBOOKS_INVALID. */
export { loadPlaybooks } from './playbook-file.js'
/** Validates playbook data already parsed from JSON. */
export { parsePlaybooks } from './playbook-file.js'
/** Every Signal kind, each of which the playbook file must cover. */
export { SIGNAL_KINDS } from './playbook-file.js'
/** One playbook, and the validated set of them. */
export type { Playbook, PlaybookSet } from './playbook-file.js'
/** The playbook that applies to a Signal on an equipment type (first match in file order). */
export { selectPlaybook } from './playbooks.js'
/** Work-order priority (1 most urgent) for a Signal severity. */
export { priorityFor } from './playbooks.js'
/** The webhook signature header value a receiver recomputes to verify a delivery. */
export { signWebhook } from './notice-webhook.js'
/** The lifecycle: allowed status transitions, and the statuses each action may start from. */
export { TRANSITIONS, ACTIONS } from './lifecycle.js'
