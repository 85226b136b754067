import type { Counter } from 'prom-client'
import type { Clock, Config, Fleet, Logger } from '../core/index.js'
import type { AbsenceStore } from './absence-store.js'
import type { DataClock } from './data-clock.js'
import type { Db } from './db.js'
import type { DispatchMetrics } from './metrics.js'
import type { NoticeStore } from './notice-store.js'
import type { PlaybookSet } from './playbook-file.js'
import type { PreferenceStore } from './preference-store.js'
import { DispatchStoreError } from './errors.js'
import type { WorkOrderView } from './types.js'
import type { WorkOrderStore } from './work-order-store.js'

/** Everything a dispatch operation needs while dispatch runs. */
export interface DispatchContext {
  db: Db
  workOrders: WorkOrderStore
  notices: NoticeStore
  absences: AbsenceStore
  /** Customers' own notification preferences over the fleet file's. */
  preferences: PreferenceStore
  fleet: Fleet
  config: Config
  playbooks: PlaybookSet
  /** Wall clock: notice attempts, backoff, quiet hours. */
  clock: Clock
  /** Data clock: work orders, visits, deadlines. */
  dataClock: DataClock
  logger: Logger
  metrics: DispatchMetrics
  /** The in-memory cache of running closure watches, refreshed after commits that change them. */
  closures: { refresh(assetId: string): void }
}

type Level = 'info' | 'warn' | 'error' | 'debug'
type CounterName = 'escalations' | 'transitions' | 'closures' | 'reschedules'

/**
 * Log lines and metric increments an operation wants, held until its transaction commits: a
 * rolled-back change must not be logged as if it happened.
 */
export class Effects {
  readonly #ctx: DispatchContext
  readonly #pending: Array<() => void> = []

  constructor(ctx: DispatchContext) {
    this.#ctx = ctx
  }

  log(level: Level, fields: Record<string, unknown>, message: string): void {
    this.#pending.push(() => this.#ctx.logger[level](fields, message))
  }

  count(counter: CounterName, labels: Record<string, string>): void {
    // Each counter declares its own label names; the union of their types is too narrow to call.
    const metric = this.#ctx.metrics[counter] as Counter<string>
    this.#pending.push(() => metric.inc(labels))
  }

  /** Runs once the transaction committed (cache refreshes). */
  after(apply: () => void): void {
    this.#pending.push(apply)
  }

  flush(): void {
    for (const apply of this.#pending.splice(0)) apply()
  }
}

/** Runs `work` in one immediate SQLite transaction, then logs and counts what it did. */
export function transact<T>(ctx: DispatchContext, work: (effects: Effects) => T): T {
  const effects = new Effects(ctx)
  const result = ctx.db.transaction(() => work(effects)).immediate()
  effects.flush()
  return result
}

/** History author for decisions dispatch itself takes (as opposed to a detector or a person). */
export const SCHEDULER = 'forewarn-dispatch'
/** History author for decisions taken on telemetry after a repair. */
export const TELEMETRY = 'forewarn-telemetry'

export const HOUR_MS = 3_600_000

export function iso(time: number): string {
  return new Date(time).toISOString()
}

/** A work order re-read inside the transaction that just changed it. */
export function reload(ctx: DispatchContext, workOrderId: string): WorkOrderView {
  const workOrder = ctx.workOrders.get(workOrderId)
  if (workOrder === undefined) {
    throw new DispatchStoreError(`work order ${workOrderId} was not readable inside its own transaction`)
  }
  return workOrder
}

/** The ids a dispatch log line carries. */
export function ids(workOrder: WorkOrderView): Record<string, string | null> {
  const { id: workOrderId, assetId, customerId, technicianId, ownerId } = workOrder
  return { workOrderId, assetId, customerId, technicianId, ownerId }
}
