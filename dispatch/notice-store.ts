import type { Notice, NoticeChannel, NoticeStatus } from '../core/index.js'
import type { Db } from './db.js'
import type { NoticeFilter } from './types.js'

/** The rendered message a notice carries, fixed when it is enqueued. */
export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
}

export interface NewNotice {
  id: string
  customerId: string
  workOrderId: string
  channel: NoticeChannel
  template: string
  dedupKey: string
  mail: OutgoingMail
  createdAt: number
}

/** A notice due for delivery, with what to send. */
export interface DueNotice {
  id: string
  customerId: string
  workOrderId: string
  dedupKey: string
  attempts: number
  mail: OutgoingMail
}

interface NoticeRow {
  id: string
  customer_id: string
  work_order_id: string
  channel: NoticeChannel
  template: string
  dedup_key: string
  recipient: string
  subject: string
  text_body: string
  html_body: string
  status: NoticeStatus
  attempts: number
  last_error: string | null
  sent_at: number | null
}

const INSERT_NOTICE = `INSERT INTO notices (id, customer_id, work_order_id, channel, template,
    dedup_key, recipient, subject, text_body, html_body, status, attempts, next_attempt_at,
    created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
  ON CONFLICT (dedup_key) DO NOTHING`
const SELECT_DUE = `SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ?
  ORDER BY next_attempt_at, created_at LIMIT ?`
const CLAIM = `UPDATE notices SET attempts = attempts + 1, next_attempt_at = ?
  WHERE id = ? AND status = 'pending' AND attempts = ?`
const MARK_SENT = `UPDATE notices SET status = 'sent', sent_at = ?, last_error = NULL
  WHERE id = ? AND status = 'pending'`
const SELECT_NOTICES = `SELECT * FROM notices
  WHERE (@customerId IS NULL OR customer_id = @customerId)
    AND (@workOrderId IS NULL OR work_order_id = @workOrderId)
  ORDER BY created_at, rowid`

/** The transactional outbox: rows are written with the work order and sent later. */
export class NoticeStore {
  readonly #db: Db

  constructor(db: Db) {
    this.#db = db
  }

  /** False when a notice with the same dedup key exists already (it is then left as it was). */
  enqueue(notice: NewNotice): boolean {
    const { mail } = notice
    const result = this.#db.prepare(INSERT_NOTICE).run(
      notice.id, notice.customerId, notice.workOrderId, notice.channel, notice.template,
      notice.dedupKey, mail.to, mail.subject, mail.text, mail.html, notice.createdAt, notice.createdAt,
    )
    return result.changes === 1
  }

  due(now: number, limit: number): DueNotice[] {
    return this.#db.prepare<[number, number], NoticeRow>(SELECT_DUE).all(now, limit).map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      workOrderId: row.work_order_id,
      dedupKey: row.dedup_key,
      attempts: row.attempts,
      mail: { to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body },
    }))
  }

  /**
   * Counts an attempt and pushes the next one out before sending, as a compare-and-set on the
   * attempt count: a second drainer (or this one after a crash mid-send) cannot take the same
   * attempt, and an interrupted send is retried only after the backoff.
   */
  claim(notice: DueNotice, nextAttemptAt: number): boolean {
    return this.#db.prepare(CLAIM).run(nextAttemptAt, notice.id, notice.attempts).changes === 1
  }

  /** Its own committed transaction, right after the server accepted the message. */
  markSent(id: string, at: number): void {
    this.#db.transaction(() => this.#db.prepare(MARK_SENT).run(at, id)).immediate()
  }

  /** The notice stays pending; it is tried again once next_attempt_at has passed. */
  recordFailure(id: string, error: string): void {
    this.#db.prepare('UPDATE notices SET last_error = ? WHERE id = ?').run(error, id)
  }

  list(filter: NoticeFilter = {}): Notice[] {
    type Params = { customerId: string | null, workOrderId: string | null }
    return this.#db.prepare<Params, NoticeRow>(SELECT_NOTICES)
      .all({ customerId: filter.customerId ?? null, workOrderId: filter.workOrderId ?? null })
      .map(toNotice)
  }

  counts(): { pending: number, sent: number } {
    const row = this.#db.prepare<[], { pending: number | null, sent: number | null }>(
      `SELECT sum(status = 'pending') AS pending, sum(status = 'sent') AS sent FROM notices`,
    ).get()
    return { pending: row?.pending ?? 0, sent: row?.sent ?? 0 }
  }
}

function toNotice(row: NoticeRow): Notice {
  return {
    id: row.id,
    customerId: row.customer_id,
    workOrderId: row.work_order_id,
    channel: row.channel,
    template: row.template,
    dedupKey: row.dedup_key,
    attempts: row.attempts,
    status: row.status,
    lastError: row.last_error,
    sentAt: row.sent_at,
  }
}
