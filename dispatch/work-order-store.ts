import type {
  FailureWindow, Signal, VisitWindow, WorkOrder, WorkOrderChange, WorkOrderStatus,
} from '../core/index.js'
import { OPEN_STATUSES, type Db } from './db.js'
import type { WorkOrderFilter } from './types.js'

interface WorkOrderRow {
  id: string
  asset_id: string
  customer_id: string
  site_id: string
  failure_mode: string
  playbook: string
  priority: number
  due_by: number
  status: WorkOrderStatus
  owner_id: string
  technician_id: string | null
  visit_start: number | null
  visit_end: number | null
  summary: string
  predicted_earliest: number | null
  predicted_most_likely: number | null
  created_at: number
  outcome: string | null
}

/** A work order as first written; signals and history are added separately. */
export type NewWorkOrder = Omit<WorkOrder, 'signalIds' | 'history'>

const OPEN = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`
const DEFAULT_PAGE_SIZE = 50

const INSERT_WORK_ORDER = `INSERT INTO work_orders (id, asset_id, customer_id, site_id,
    failure_mode, playbook, priority, due_by, status, owner_id, technician_id, visit_start,
    visit_end, summary, predicted_earliest, predicted_most_likely, created_at, outcome)
  VALUES (@id, @assetId, @customerId, @siteId, @failureMode, @playbook, @priority, @dueBy,
    @status, @ownerId, @technicianId, @visitStart, @visitEnd, @summary, @predictedEarliest,
    @predictedMostLikely, @createdAt, @outcome)`
const INSERT_SIGNAL = `INSERT INTO work_order_signals
    (signal_id, work_order_id, kind, severity, detected_at) VALUES (?, ?, ?, ?, ?)`
const INSERT_HISTORY = `INSERT INTO work_order_history (work_order_id, at, by, action, reason)
  VALUES (?, ?, ?, ?, ?)`
const OPEN_VISITS = `SELECT visit_start AS start, visit_end AS end FROM work_orders
  WHERE technician_id = ? AND ${OPEN} AND visit_start IS NOT NULL AND visit_end IS NOT NULL`

/** SQL for work orders, the signals they answer and their history. Callers own the transactions. */
export class WorkOrderStore {
  readonly #db: Db

  constructor(db: Db) {
    this.#db = db
  }

  hasSignal(signalId: string): boolean {
    const row = this.#db.prepare('SELECT 1 FROM work_order_signals WHERE signal_id = ?').get(signalId)
    return row !== undefined
  }

  findOpen(assetId: string, failureMode: string): WorkOrder | undefined {
    const row = this.#db.prepare<[string, string], WorkOrderRow>(
      `SELECT * FROM work_orders WHERE asset_id = ? AND failure_mode = ? AND ${OPEN}`,
    ).get(assetId, failureMode)
    return row === undefined ? undefined : this.#hydrate(row)
  }

  insert(order: NewWorkOrder): void {
    const { visit, predictedFailure, ...fields } = order
    this.#db.prepare(INSERT_WORK_ORDER).run({
      ...fields,
      visitStart: visit?.start ?? null,
      visitEnd: visit?.end ?? null,
      predictedEarliest: predictedFailure?.earliest ?? null,
      predictedMostLikely: predictedFailure?.mostLikely ?? null,
    })
  }

  updatePlanning(id: string, change: { priority: number, dueBy: number }): void {
    this.#db.prepare('UPDATE work_orders SET priority = ?, due_by = ? WHERE id = ?')
      .run(change.priority, change.dueBy, id)
  }

  addSignal(workOrderId: string, signal: Signal): void {
    this.#db.prepare(INSERT_SIGNAL)
      .run(signal.id, workOrderId, signal.kind, signal.severity, signal.detectedAt)
  }

  addHistory(workOrderId: string, change: WorkOrderChange): void {
    this.#db.prepare(INSERT_HISTORY)
      .run(workOrderId, change.at, change.by, change.action, change.reason)
  }

  get(id: string): WorkOrder | undefined {
    const row = this.#db.prepare<[string], WorkOrderRow>('SELECT * FROM work_orders WHERE id = ?')
      .get(id)
    return row === undefined ? undefined : this.#hydrate(row)
  }

  /** Newest first (by data-clock creation time, then insertion order). */
  list(filter: WorkOrderFilter = {}): { items: WorkOrder[], total: number } {
    const { where, params } = whereClause(filter)
    const counted = this.#db.prepare<Record<string, string>, { n: number }>(
      `SELECT count(*) AS n FROM work_orders ${where}`,
    ).get(params)
    const rows = this.#db.prepare<Record<string, string | number>, WorkOrderRow>(
      `SELECT * FROM work_orders ${where}
        ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: filter.limit ?? DEFAULT_PAGE_SIZE, offset: filter.offset ?? 0 })
    return { items: rows.map((row) => this.#hydrate(row)), total: counted?.n ?? 0 }
  }

  /** Visits already promised by a technician on work orders that are still open. */
  openVisits(technicianId: string): VisitWindow[] {
    return this.#db.prepare<[string], VisitWindow>(OPEN_VISITS).all(technicianId)
  }

  counts(): { open: number, total: number } {
    const row = this.#db.prepare<[], { open: number | null, total: number }>(
      `SELECT sum(${OPEN}) AS open, count(*) AS total FROM work_orders`,
    ).get()
    return { open: row?.open ?? 0, total: row?.total ?? 0 }
  }

  #hydrate(row: WorkOrderRow): WorkOrder {
    const signalIds = this.#db.prepare<[string], { signal_id: string }>(`SELECT signal_id
      FROM work_order_signals WHERE work_order_id = ? ORDER BY detected_at, rowid`)
      .all(row.id)
      .map((r) => r.signal_id)
    const history = this.#db.prepare<[string], WorkOrderChange>(`SELECT at, by, action, reason
      FROM work_order_history WHERE work_order_id = ? ORDER BY seq`)
      .all(row.id)
    return toWorkOrder(row, signalIds, history)
  }
}

function toWorkOrder(row: WorkOrderRow, signalIds: string[], history: WorkOrderChange[]): WorkOrder {
  const visit = row.visit_start !== null && row.visit_end !== null
    ? { start: row.visit_start, end: row.visit_end }
    : null
  const { predicted_earliest: earliest, predicted_most_likely: mostLikely } = row
  const predictedFailure: FailureWindow | null = earliest !== null && mostLikely !== null
    ? { earliest, mostLikely }
    : null
  return {
    id: row.id,
    assetId: row.asset_id,
    customerId: row.customer_id,
    siteId: row.site_id,
    failureMode: row.failure_mode,
    signalIds,
    playbook: row.playbook,
    priority: row.priority,
    dueBy: row.due_by,
    status: row.status,
    ownerId: row.owner_id,
    technicianId: row.technician_id,
    visit,
    summary: row.summary,
    predictedFailure,
    createdAt: row.created_at,
    history,
    outcome: row.outcome,
  }
}

function whereClause(filter: WorkOrderFilter): { where: string, params: Record<string, string> } {
  const columns = { status: 'status', assetId: 'asset_id', customerId: 'customer_id' } as const
  const conditions: string[] = []
  const params: Record<string, string> = {}
  for (const [key, column] of Object.entries(columns)) {
    const value = filter[key as keyof typeof columns]
    if (value === undefined) continue
    conditions.push(`${column} = @${key}`)
    params[key] = value
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params }
}
