import type { FastifyPluginAsync } from 'fastify'
import type {
  Clock, Config, Fleet, Logger, Notice, Registry, Signal, WorkOrder, WorkOrderStatus,
} from '../core/index.js'

export interface DispatchDeps {
  config: Config
  fleet: Fleet
  logger: Logger
  metrics: Registry
  /** Wall clock for the outbox (attempts, backoff, sentAt); scheduling uses the data clock. */
  clock?: Clock
  /** Default `<config.data.dir>/forewarn.sqlite`; ':memory:' is allowed. */
  dbFile?: string
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus
  assetId?: string
  customerId?: string
  limit?: number
  offset?: number
}

export interface NoticeFilter {
  customerId?: string
  workOrderId?: string
}

export interface DispatchStats {
  workOrdersOpen: number
  workOrdersTotal: number
  noticesPending: number
  noticesSent: number
}

export interface Dispatch {
  /** Opens SQLite (WAL), migrates, starts the outbox timer (config.dispatch.outboxIntervalMs). */
  start(): Promise<void>
  /** Stops the timer, drains the outbox once more, closes the mail transport and the DB. */
  stop(): Promise<void>
  /**
   * Synchronous and transactional. Returns the work order the signal opened or attached to,
   * or null when ignored (duplicate signal id, or a signal kind that needs no action).
   */
  handleSignal(signal: Signal): WorkOrder | null
  listWorkOrders(filter?: WorkOrderFilter): { items: WorkOrder[], total: number }
  getWorkOrder(id: string): WorkOrder | undefined
  listNotices(filter?: NoticeFilter): Notice[]
  /** Sends every pending notice; returns counts. Also called by the timer. */
  drainOutbox(): Promise<{ sent: number, failed: number }>
  isReady(): boolean
  stats(): DispatchStats
  /**
   * Fastify plugin contributing GET /api/work-orders (query: status, assetId, customerId,
   * limit<=200, offset) and GET /api/work-orders/:id.
   */
  readonly routes: FastifyPluginAsync
}
