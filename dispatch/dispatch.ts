import {
  systemClock, type Clock, type Reading, type Signal,
} from '../core/index.js'
import { markUnavailable } from './availability.js'
import { technicianCalendar } from './calendar.js'
import { ClosureWatcher } from './closure-watcher.js'
import { applyCommand } from './commands.js'
import { ids } from './context.js'
import { DataClock } from './data-clock.js'
import { DispatchNotStartedError } from './errors.js'
import { checkDeadlines } from './escalation.js'
import { createDispatchMetrics, type DispatchMetrics } from './metrics.js'
import { drainOutbox } from './outbox.js'
import { updatePreferences } from './preference-change.js'
import { preferencesOf, type CustomerPreferences, type PreferenceChanges } from './preferences.js'
import { closeRunning, dbFileOf, openRunning, type Running } from './running.js'
import { handleSignal, type SignalOutcome } from './signal-handler.js'
import type {
  Absence, Dispatch, DispatchDeps, DispatchStats, EscalationReport, NoticeFilter, NoticeView, WorkOrderCommand,
  WorkOrderFilter, WorkOrderView,
} from './types.js'

/** Wires dispatch; no I/O happens until start(). */
export function createDispatch(deps: DispatchDeps): Dispatch {
  return new DispatchService(deps)
}

class DispatchService implements Dispatch {
  readonly #deps: DispatchDeps
  readonly #clock: Clock
  readonly #dataClock: DataClock
  readonly #metrics: DispatchMetrics
  readonly #watcher = new ClosureWatcher()
  #state: Running | null = null
  #outboxTimer: NodeJS.Timeout | undefined
  #escalationTimer: NodeJS.Timeout | undefined
  // Drains run one after another, so the timer and an explicit call never race for a notice.
  #drainChain: Promise<unknown> = Promise.resolve()

  constructor(deps: DispatchDeps) {
    this.#deps = deps
    this.#clock = deps.clock ?? systemClock
    this.#dataClock = new DataClock(this.#clock)
    this.#metrics = createDispatchMetrics(deps.metrics, () => {
      if (this.#state === null) return null
      const { workOrders, notices } = this.#state.ctx
      return { workOrdersOpen: workOrders.counts().open, noticesPending: notices.counts().pending }
    })
  }

  async start(): Promise<void> {
    if (this.#state !== null) return
    const state = openRunning({
      deps: this.#deps, clock: this.#clock, dataClock: this.#dataClock, metrics: this.#metrics, watcher: this.#watcher,
    })
    this.#state = state
    this.#watcher.open(state.ctx)
    this.#scheduleDrain()
    this.#scheduleEscalations()
    const smtp = this.#deps.config.smtp.url !== ''
    const playbooks = state.ctx.playbooks.playbooks.length
    this.#deps.logger.info({ dbFile: dbFileOf(this.#deps), smtp, playbooks }, 'dispatch started')
  }

  async stop(): Promise<void> {
    const state = this.#state
    if (state === null) return
    clearTimeout(this.#outboxTimer)
    clearTimeout(this.#escalationTimer)
    this.#outboxTimer = undefined
    this.#escalationTimer = undefined
    try {
      await this.drainOutbox()
    } finally {
      this.#state = null
      this.#watcher.close()
      closeRunning(state)
      this.#deps.logger.info({}, 'dispatch stopped')
    }
  }

  handleSignal(signal: Signal): WorkOrderView | null {
    const outcome = handleSignal(this.#running('handleSignal').ctx, signal)
    this.#report(signal, outcome)
    return outcome.kind === 'ignored' ? null : outcome.workOrder
  }

  observeReading(reading: Reading): void {
    // The reading path must never fail because dispatch is stopping: nothing to watch then.
    if (this.#state === null) return
    this.#dataClock.observe(reading.time)
    this.#watcher.observe(reading)
  }

  command(workOrderId: string, command: WorkOrderCommand): WorkOrderView {
    const workOrder = applyCommand(this.#running('command').ctx, workOrderId, command)
    if (command.action === 'complete') this.#tellCompleted(workOrder)
    return workOrder
  }

  /** A listener's failure must not undo or fail a committed completion; it is logged instead. */
  #tellCompleted(workOrder: WorkOrderView): void {
    try {
      this.#deps.onWorkOrderCompleted?.(workOrder)
    } catch (err: unknown) {
      this.#deps.logger.error({ err, workOrderId: workOrder.id }, 'completion listener failed')
    }
  }

  markTechnicianUnavailable(absence: Absence): WorkOrderView[] {
    return markUnavailable(this.#running('markTechnicianUnavailable').ctx, absence)
  }

  technicianCalendar(technicianId: string): string {
    return technicianCalendar(this.#running('technicianCalendar').ctx, technicianId)
  }

  runEscalations(): EscalationReport {
    const { ctx } = this.#running('runEscalations')
    const now = this.#dataClock.now()
    const fired = checkDeadlines(ctx, now)
    const closuresDecided = this.#watcher.decideExpired(now)
    this.#dataClock.persist(ctx.db)
    return { fired, closuresDecided }
  }

  now(): number {
    return this.#dataClock.now()
  }

  listWorkOrders(filter?: WorkOrderFilter): { items: WorkOrderView[], total: number } {
    return this.#running('listWorkOrders').ctx.workOrders.list(filter)
  }

  getWorkOrder(id: string): WorkOrderView | undefined {
    return this.#running('getWorkOrder').ctx.workOrders.get(id)
  }

  listNotices(filter?: NoticeFilter): NoticeView[] {
    return this.#running('listNotices').ctx.notices.list(filter)
  }

  countNotices(filter?: NoticeFilter): number {
    return this.#running('countNotices').ctx.notices.count(filter)
  }

  customerPreferences(customerId: string): CustomerPreferences {
    return preferencesOf(this.#running('customerPreferences').ctx, customerId)
  }

  updateCustomerPreferences(customerId: string, changes: PreferenceChanges, by: string): CustomerPreferences {
    return updatePreferences(this.#running('updateCustomerPreferences').ctx, customerId, changes, by)
  }

  drainOutbox(): Promise<{ sent: number, failed: number }> {
    return this.#drain(true)
  }

  isReady(): boolean {
    return this.#state !== null
  }

  stats(): DispatchStats {
    const { workOrders, notices } = this.#running('stats').ctx
    const orders = workOrders.counts()
    const outbox = notices.counts()
    return {
      workOrdersOpen: orders.open,
      workOrdersTotal: orders.total,
      noticesPending: outbox.pending,
      noticesSent: outbox.sent,
    }
  }

  #drain(ignoreHold: boolean): Promise<{ sent: number, failed: number }> {
    const run = this.#drainChain.then(() => {
      const { ctx, senders } = this.#running('drainOutbox')
      return drainOutbox({ ...ctx, senders }, { ignoreHold })
    })
    this.#drainChain = run.then(() => undefined, () => {
      // The caller of this drain receives its failure; the chain itself only has to go on.
      return undefined
    })
    return run
  }

  #running(operation: string): Running {
    if (this.#state === null) throw new DispatchNotStartedError(operation)
    return this.#state
  }

  #scheduleDrain(): void {
    const { logger, config } = this.#deps
    this.#outboxTimer = setTimeout(() => {
      void this.#drain(false)
        .catch((err: unknown) => logger.error({ err }, 'outbox drain failed'))
        .finally(() => {
          // stop() clears the timer first; only a still-running service plans the next drain.
          if (this.#state !== null && this.#outboxTimer !== undefined) this.#scheduleDrain()
        })
    }, config.dispatch.outboxIntervalMs)
    // The outbox must not keep a CLI process alive; stop() drains it explicitly.
    this.#outboxTimer.unref()
  }

  #scheduleEscalations(): void {
    const { logger, config } = this.#deps
    this.#escalationTimer = setTimeout(() => {
      try {
        if (this.#state !== null) this.runEscalations()
      } catch (err: unknown) {
        logger.error({ err }, 'escalation pass failed')
      }
      if (this.#state !== null && this.#escalationTimer !== undefined) this.#scheduleEscalations()
    }, config.dispatch.escalationIntervalMs)
    this.#escalationTimer.unref()
  }

  /** Logs and counts what a signal did, once its transaction has committed. */
  #report(signal: Signal, outcome: SignalOutcome): void {
    const { logger } = this.#deps
    if (outcome.kind === 'ignored') {
      this.#metrics.signalsIgnored.inc({ reason: outcome.reason })
      logger.debug({ assetId: signal.assetId, signalId: signal.id, reason: outcome.reason }, 'signal ignored')
      return
    }
    const { workOrder } = outcome
    const fields = { ...ids(workOrder), signalId: signal.id }
    if (outcome.kind === 'created') {
      this.#metrics.workOrdersCreated.inc({ playbook: workOrder.playbook, status: workOrder.status })
      logger.info({ ...fields, status: workOrder.status }, 'work order created')
      return
    }
    this.#metrics.signalsAttached.inc()
    logger.info({ ...fields, priority: workOrder.priority, reopened: outcome.kind === 'reopened' },
      'signal attached to work order')
  }
}
