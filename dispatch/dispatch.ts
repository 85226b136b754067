import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import {
  systemClock, type Clock, type Notice, type Signal, type WorkOrder,
} from '../core/index.js'
import { openDatabase, type Db } from './db.js'
import { DispatchNotStartedError } from './errors.js'
import { createMailSender, type MailSender } from './mail-transport.js'
import { createDispatchMetrics, type DispatchMetrics } from './metrics.js'
import { NoticeStore } from './notice-store.js'
import { drainOutbox } from './outbox.js'
import { workOrderRoutes } from './routes.js'
import { createSignalHandler, type SignalOutcome } from './signal-handler.js'
import type {
  Dispatch, DispatchDeps, DispatchStats, NoticeFilter, WorkOrderFilter,
} from './types.js'
import { WorkOrderStore } from './work-order-store.js'

interface Running {
  db: Db
  workOrders: WorkOrderStore
  notices: NoticeStore
  sender: MailSender
  handle: (signal: Signal) => SignalOutcome
}

/** Wires dispatch; no I/O happens until start(). */
export function createDispatch(deps: DispatchDeps): Dispatch {
  return new DispatchService(deps)
}

class DispatchService implements Dispatch {
  readonly routes: FastifyPluginAsync
  readonly #deps: DispatchDeps
  readonly #clock: Clock
  readonly #metrics: DispatchMetrics
  #state: Running | null = null
  #timer: NodeJS.Timeout | undefined
  // Drains run one after another, so the timer and an explicit call never race for a notice.
  #drainChain: Promise<unknown> = Promise.resolve()

  constructor(deps: DispatchDeps) {
    this.#deps = deps
    this.#clock = deps.clock ?? systemClock
    this.#metrics = createDispatchMetrics(deps.metrics, () => {
      if (this.#state === null) return null
      const { workOrders, notices } = this.#state
      return { workOrdersOpen: workOrders.counts().open, noticesPending: notices.counts().pending }
    })
    this.routes = workOrderRoutes({
      list: (filter) => this.listWorkOrders(filter),
      get: (id) => this.getWorkOrder(id),
    })
  }

  async start(): Promise<void> {
    if (this.#state !== null) return
    this.#state = open(this.#deps, this.#clock)
    this.#scheduleDrain()
    const smtp = this.#deps.config.smtp.url !== ''
    this.#deps.logger.info({ dbFile: dbFileOf(this.#deps), smtp }, 'dispatch started')
  }

  async stop(): Promise<void> {
    const state = this.#state
    if (state === null) return
    clearTimeout(this.#timer)
    this.#timer = undefined
    try {
      await this.drainOutbox()
    } finally {
      this.#state = null
      state.sender.close()
      state.db.close()
      this.#deps.logger.info({}, 'dispatch stopped')
    }
  }

  handleSignal(signal: Signal): WorkOrder | null {
    const outcome = this.#running('handleSignal').handle(signal)
    report(this.#deps, this.#metrics, signal, outcome)
    return outcome.kind === 'ignored' ? null : outcome.workOrder
  }

  listWorkOrders(filter?: WorkOrderFilter): { items: WorkOrder[], total: number } {
    return this.#running('listWorkOrders').workOrders.list(filter)
  }

  getWorkOrder(id: string): WorkOrder | undefined {
    return this.#running('getWorkOrder').workOrders.get(id)
  }

  listNotices(filter?: NoticeFilter): Notice[] {
    return this.#running('listNotices').notices.list(filter)
  }

  drainOutbox(): Promise<{ sent: number, failed: number }> {
    const run = this.#drainChain.then(() => {
      const { notices, sender } = this.#running('drainOutbox')
      const { logger } = this.#deps
      return drainOutbox({ notices, sender, clock: this.#clock, logger, metrics: this.#metrics })
    })
    this.#drainChain = run.then(() => undefined, () => {
      // The caller of this drain receives its failure; the chain itself only has to go on.
      return undefined
    })
    return run
  }

  isReady(): boolean {
    return this.#state !== null
  }

  stats(): DispatchStats {
    const { workOrders, notices } = this.#running('stats')
    const orders = workOrders.counts()
    const outbox = notices.counts()
    return {
      workOrdersOpen: orders.open,
      workOrdersTotal: orders.total,
      noticesPending: outbox.pending,
      noticesSent: outbox.sent,
    }
  }

  #running(operation: string): Running {
    if (this.#state === null) throw new DispatchNotStartedError(operation)
    return this.#state
  }

  #scheduleDrain(): void {
    const { logger, config } = this.#deps
    this.#timer = setTimeout(() => {
      void this.drainOutbox()
        .catch((err: unknown) => logger.error({ err }, 'outbox drain failed'))
        .finally(() => {
          // stop() clears #timer first; only a still-running service plans the next drain.
          if (this.#state !== null && this.#timer !== undefined) this.#scheduleDrain()
        })
    }, config.dispatch.outboxIntervalMs)
    // The outbox must not keep a CLI process alive; stop() drains it explicitly.
    this.#timer.unref()
  }
}

function dbFileOf(deps: DispatchDeps): string {
  return deps.dbFile ?? join(deps.config.data.dir, 'forewarn.sqlite')
}

function open(deps: DispatchDeps, clock: Clock): Running {
  if (deps.dbFile === undefined) mkdirSync(deps.config.data.dir, { recursive: true })
  const db = openDatabase(dbFileOf(deps))
  const workOrders = new WorkOrderStore(db)
  const notices = new NoticeStore(db)
  const { fleet, config } = deps
  const handle = createSignalHandler({ db, workOrders, notices, fleet, config, clock })
  return { db, workOrders, notices, sender: createMailSender(config), handle }
}

/** Logs and counts what a signal did, once its transaction has committed. */
function report(
  deps: DispatchDeps, metrics: DispatchMetrics, signal: Signal, outcome: SignalOutcome,
): void {
  const { logger } = deps
  if (outcome.kind === 'ignored') {
    metrics.signalsIgnored.inc({ reason: outcome.reason })
    const { assetId, id: signalId } = signal
    logger.debug({ assetId, signalId, reason: outcome.reason }, 'signal ignored')
    return
  }

  const { workOrder } = outcome
  const ids = { ...idsOf(workOrder), signalId: signal.id }
  if (outcome.kind === 'attached') {
    metrics.signalsAttached.inc()
    logger.info({ ...ids, priority: workOrder.priority }, 'signal attached to work order')
    if (outcome.needsReschedule) {
      logger.warn({ ...ids, dueBy: workOrder.dueBy }, 'booked visit ends after the new deadline')
    }
    return
  }

  metrics.workOrdersCreated.inc({ playbook: workOrder.playbook, status: workOrder.status })
  logger.info({ ...ids, status: workOrder.status }, 'work order created')
  if (outcome.escalation !== null) {
    logger.warn({ ...ids, reason: outcome.escalation, dueBy: workOrder.dueBy }, 'work order escalated')
  }
}

function idsOf(workOrder: WorkOrder): Record<string, string | null> {
  const { id: workOrderId, assetId, customerId, technicianId } = workOrder
  return { workOrderId, assetId, customerId, technicianId }
}
