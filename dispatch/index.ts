/** From Signal to action: work orders, technician visits and customer notices, kept in SQLite. */

/** Creates the dispatch capability; it does no I/O until start(). */
export { createDispatch } from './dispatch.js'
/** The running capability: signal handling, queries, the outbox and the HTTP routes. */
export type { Dispatch } from './types.js'
/** What createDispatch needs: config, fleet, logger, registry, optional clock and DB file. */
export type { DispatchDeps } from './types.js'
/** Counts of open and total work orders, and of pending and sent notices. */
export type { DispatchStats } from './types.js'
/** Filter for listNotices: by customer and/or work order. */
export type { NoticeFilter } from './types.js'
/** Filter and paging for listWorkOrders. */
export type { WorkOrderFilter } from './types.js'
/** Every FW_ERR_DSP_* code, for the error catalogue. */
export { DISPATCH_ERROR_CODES } from './errors.js'
/** The playbook (name and action) a Signal kind triggers, or null when it needs no action. */
export { playbookFor } from './playbooks.js'
/** Work-order priority (1 most urgent) for a Signal severity. */
export { priorityFor } from './playbooks.js'
/** A playbook: its name and the action it obliges. */
export type { Playbook } from './playbooks.js'
