import type { Evidence, Signal, WorkOrder, WorkOrderChange } from '../core/index.js'
import { OPEN_STATUSES, type Db } from './db.js'
import type { BookedVisit, ClosureView, WorkOrderFilter, WorkOrderView } from './types.js'
import { patchSql, toWorkOrderView, type WorkOrderPatch, type WorkOrderRow } from './work-order-rows.js'

/** A work order as first written; signals and history are added separately. */
export type NewWorkOrder = Omit<WorkOrder, 'signalIds' | 'history'>

/** A signal as stored with the work order it answers. */
export interface StoredSignal {
  signalId: string
  kind: string
  severity: string
  detectedAt: number
  evidence: Pick<Evidence, 'metrics' | 'points' | 'summary'> | null
}

const OPEN = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`
const DEFAULT_PAGE_SIZE = 50

const INSERT_WORK_ORDER = `INSERT INTO work_orders (id, asset_id, customer_id, site_id,
    failure_mode, playbook, priority, due_by, status, owner_id, technician_id, visit_start,
    visit_end, summary, predicted_earliest, predicted_most_likely, created_at, outcome, status_since)
  VALUES (@id, @assetId, @customerId, @siteId, @failureMode, @playbook, @priority, @dueBy,
    @status, @ownerId, @technicianId, @visitStart, @visitEnd, @summary, @predictedEarliest,
    @predictedMostLikely, @createdAt, @outcome, @createdAt)`
const INSERT_SIGNAL = `INSERT INTO work_order_signals
    (signal_id, work_order_id, kind, severity, detected_at, evidence) VALUES (?, ?, ?, ?, ?, ?)`
const INSERT_HISTORY = `INSERT INTO work_order_history (work_order_id, at, by, action, reason)
  VALUES (?, ?, ?, ?, ?)`
const OPEN_VISITS = `SELECT id AS workOrderId, visit_start AS start, visit_end AS end FROM work_orders
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

  findOpen(assetId: string, failureMode: string): WorkOrderView | undefined {
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

  update(id: string, patch: WorkOrderPatch): void {
    const { set, params } = patchSql(patch)
    if (set === '') return
    this.#db.prepare(`UPDATE work_orders SET ${set} WHERE id = @id`).run({ ...params, id })
  }

  addSignal(workOrderId: string, signal: Signal): void {
    const { metrics, points, summary } = signal.evidence
    this.#db.prepare(INSERT_SIGNAL).run(signal.id, workOrderId, signal.kind, signal.severity,
      signal.detectedAt, JSON.stringify({ metrics, points, summary }))
  }

  signalsOf(workOrderId: string): StoredSignal[] {
    type Row = { signal_id: string, kind: string, severity: string, detected_at: number, evidence: string | null }
    return this.#db.prepare<[string], Row>(`SELECT * FROM work_order_signals
      WHERE work_order_id = ? ORDER BY detected_at, rowid`).all(workOrderId).map((row) => ({
      signalId: row.signal_id,
      kind: row.kind,
      severity: row.severity,
      detectedAt: row.detected_at,
      evidence: row.evidence === null ? null : JSON.parse(row.evidence) as StoredSignal['evidence'],
    }))
  }

  addHistory(workOrderId: string, change: WorkOrderChange): void {
    this.#db.prepare(INSERT_HISTORY)
      .run(workOrderId, change.at, change.by, change.action, change.reason)
  }

  get(id: string): WorkOrderView | undefined {
    const row = this.#db.prepare<[string], WorkOrderRow>('SELECT * FROM work_orders WHERE id = ?')
      .get(id)
    return row === undefined ? undefined : this.#hydrate(row)
  }

  /** Newest first (by data-clock creation time, then insertion order). */
  list(filter: WorkOrderFilter = {}): { items: WorkOrderView[], total: number } {
    const { where, params } = whereClause(filter)
    const counted = this.#db.prepare<Record<string, string | number>, { n: number }>(
      `SELECT count(*) AS n FROM work_orders ${where}`,
    ).get(params)
    const rows = this.#db.prepare<Record<string, string | number>, WorkOrderRow>(
      `SELECT * FROM work_orders ${where}
        ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: filter.limit ?? DEFAULT_PAGE_SIZE, offset: filter.offset ?? 0 })
    return { items: rows.map((row) => this.#hydrate(row)), total: counted?.n ?? 0 }
  }

  /** Every open work order, oldest first; the escalation pass walks them. */
  listOpen(): WorkOrderView[] {
    return this.#db.prepare<[], WorkOrderRow>(`SELECT * FROM work_orders WHERE ${OPEN}
      ORDER BY created_at, rowid`).all().map((row) => this.#hydrate(row))
  }

  /** Visits already promised by a technician on work orders that are still open. */
  openVisits(technicianId: string): BookedVisit[] {
    return this.#db.prepare<[string], BookedVisit>(OPEN_VISITS).all(technicianId)
  }

  /** Every work order that ever gave this technician a visit ending after `since`. */
  visitsOf(technicianId: string, since: number): WorkOrderView[] {
    return this.#db.prepare<[string, number], WorkOrderRow>(`SELECT * FROM work_orders
      WHERE technician_id = ? AND visit_end IS NOT NULL AND visit_end >= ?
      ORDER BY visit_start, rowid`).all(technicianId, since).map((row) => this.#hydrate(row))
  }

  counts(): { open: number, total: number } {
    const row = this.#db.prepare<[], { open: number | null, total: number }>(
      `SELECT sum(${OPEN}) AS open, count(*) AS total FROM work_orders`,
    ).get()
    return { open: row?.open ?? 0, total: row?.total ?? 0 }
  }

  #hydrate(row: WorkOrderRow): WorkOrderView {
    const signalIds = this.#db.prepare<[string], { signal_id: string }>(`SELECT signal_id
      FROM work_order_signals WHERE work_order_id = ? ORDER BY detected_at, rowid`)
      .all(row.id)
      .map((r) => r.signal_id)
    const history = this.#db.prepare<[string], WorkOrderChange>(`SELECT at, by, action, reason
      FROM work_order_history WHERE work_order_id = ? ORDER BY seq`)
      .all(row.id)
    return toWorkOrderView(row, { signalIds, history, closure: this.#closure(row.id) })
  }

  #closure(workOrderId: string): ClosureView | null {
    type Row = { state: ClosureView['state'], until: number, limits: string }
    const row = this.#db.prepare<[string], Row>(
      'SELECT state, until, limits FROM closure_watches WHERE work_order_id = ?',
    ).get(workOrderId)
    if (row === undefined) return null
    const limits = JSON.parse(row.limits) as Array<{ metric: string }>
    return { state: row.state, until: row.until, metrics: limits.map((l) => l.metric) }
  }
}

function whereClause(filter: WorkOrderFilter): { where: string, params: Record<string, string | number> } {
  const equal = {
    assetId: 'asset_id', customerId: 'customer_id', siteId: 'site_id', technicianId: 'technician_id', priority: 'priority',
  } as const
  const range = {
    dueAfter: 'due_by >=', dueBefore: 'due_by <', visitFrom: 'visit_end >', visitBefore: 'visit_start <',
  } as const
  const conditions: string[] = []
  const params: Record<string, string | number> = {}
  if (filter.status === 'open') conditions.push(OPEN)
  else if (filter.status !== undefined) {
    conditions.push('status = @status')
    params.status = filter.status
  }
  for (const [key, column] of Object.entries(equal)) {
    const value = filter[key as keyof typeof equal]
    if (value === undefined) continue
    conditions.push(`${column} = @${key}`)
    params[key] = value
  }
  for (const [key, comparison] of Object.entries(range)) {
    const value = filter[key as keyof typeof range]
    if (value === undefined) continue
    conditions.push(`${comparison} @${key}`)
    params[key] = value
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params }
}
