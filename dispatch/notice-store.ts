import type { NoticeChannel, NoticeStatus } from '../core/index.js'
import type { Db } from './db.js'
import type { InvitationMethod } from './notice-ical.js'
import type { NoticeFilter, NoticeView } from './types.js'

/** Who a notice is for: the equipment's owner (customer) or the service company's staff. */
export type Audience = 'customer' | 'staff'

/** The rendered message a notice carries, fixed when it is enqueued. */
export interface OutgoingMail {
  /** An email address, or the URL a webhook is POSTed to. */
  to: string
  /** Email subject, or the webhook event type. */
  subject: string
  /** Plain-text email body, or the webhook's JSON body. */
  text: string
  html: string
  ics: { method: InvitationMethod, content: string } | null
}

export interface NewNotice {
  id: string
  customerId: string
  workOrderId: string
  channel: NoticeChannel
  audience: Audience
  template: string
  dedupKey: string
  mail: OutgoingMail
  /** The email's middle part, for digests; null for anything that never joins one. */
  section: { text: string, html: string } | null
  createdAt: number
  /** The outbox timer leaves the notice alone until then (digest window). */
  holdUntil: number
}

/** A notice due for delivery, with what to send. */
export interface DueNotice {
  id: string
  customerId: string
  workOrderId: string
  channel: NoticeChannel
  audience: Audience
  template: string
  dedupKey: string
  attempts: number
  mail: OutgoingMail
}

/** A pending email that may join a digest. */
export interface DigestCandidate {
  id: string
  workOrderId: string
  subject: string
  section: { text: string, html: string }
  ics: OutgoingMail['ics']
}

interface NoticeRow {
  id: string
  customer_id: string
  work_order_id: string
  channel: NoticeChannel
  audience: Audience
  template: string
  dedup_key: string
  recipient: string
  subject: string
  text_body: string
  html_body: string
  ics: string | null
  ics_method: InvitationMethod | null
  section_text: string | null
  section_html: string | null
  status: NoticeStatus
  attempts: number
  last_error: string | null
  sent_at: number | null
  created_at: number
  digest_id: string | null
}

const INSERT_NOTICE = `INSERT INTO notices (id, customer_id, work_order_id, channel, audience, template,
    dedup_key, recipient, subject, text_body, html_body, ics, ics_method, section_text, section_html,
    status, attempts, next_attempt_at, hold_until, created_at)
  VALUES (@id, @customerId, @workOrderId, @channel, @audience, @template, @dedupKey, @to, @subject,
    @text, @html, @ics, @icsMethod, @sectionText, @sectionHtml, 'pending', 0, @createdAt, @holdUntil,
    @createdAt)
  ON CONFLICT (dedup_key) DO NOTHING`
const SELECT_DUE = `SELECT * FROM notices WHERE status = 'pending' AND digest_id IS NULL
    AND next_attempt_at <= @now AND hold_until <= @holdNow
  ORDER BY next_attempt_at, created_at, rowid LIMIT @limit`
const CLAIM = `UPDATE notices SET attempts = attempts + 1, next_attempt_at = ?
  WHERE id = ? AND status = 'pending' AND attempts = ? AND digest_id IS NULL`
const MARK_SENT = `UPDATE notices SET status = 'sent', sent_at = @at, last_error = NULL
  WHERE (id = @id OR digest_id = @id) AND status = 'pending'`
const SELECT_CANDIDATES = `SELECT * FROM notices WHERE customer_id = ? AND status = 'pending'
    AND channel = 'email' AND audience = 'customer' AND digest_id IS NULL AND attempts = 0
    AND section_text IS NOT NULL
  ORDER BY created_at, rowid`
const JOIN_DIGEST = `UPDATE notices SET digest_id = ? WHERE id = ? AND status = 'pending'
  AND digest_id IS NULL AND attempts = 0`
const NOTICE_WHERE = `WHERE (@customerId IS NULL OR customer_id = @customerId)
    AND (@workOrderId IS NULL OR work_order_id = @workOrderId)
    AND (@audience IS NULL OR audience = @audience)`
const ORDER: Readonly<Record<NonNullable<NoticeFilter['order']>, string>> = {
  oldest: 'ORDER BY created_at, rowid',
  newest: 'ORDER BY created_at DESC, rowid DESC',
}

/** The transactional outbox: rows are written with the work order and sent later. */
export class NoticeStore {
  readonly #db: Db

  constructor(db: Db) {
    this.#db = db
  }

  /** False when a notice with the same dedup key exists already (it is then left as it was). */
  enqueue(notice: NewNotice): boolean {
    const { mail, section } = notice
    const result = this.#db.prepare(INSERT_NOTICE).run({
      id: notice.id, customerId: notice.customerId, workOrderId: notice.workOrderId,
      channel: notice.channel, audience: notice.audience, template: notice.template,
      dedupKey: notice.dedupKey, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html,
      ics: mail.ics?.content ?? null, icsMethod: mail.ics?.method ?? null,
      sectionText: section?.text ?? null, sectionHtml: section?.html ?? null,
      createdAt: notice.createdAt, holdUntil: notice.holdUntil,
    })
    return result.changes === 1
  }

  /** Notices due now; `ignoreHold` also takes those waiting out the digest window. */
  due(now: number, limit: number, ignoreHold: boolean): DueNotice[] {
    const params = { now, holdNow: ignoreHold ? Number.MAX_SAFE_INTEGER : now, limit }
    return this.#db.prepare<typeof params, NoticeRow>(SELECT_DUE).all(params).map(toDue)
  }

  /**
   * Counts an attempt and pushes the next one out before sending, as a compare-and-set on the
   * attempt count: a second drainer (or this one after a crash mid-send) cannot take the same
   * attempt, and an interrupted send is retried only after the backoff.
   */
  claim(notice: DueNotice, nextAttemptAt: number): boolean {
    return this.#db.prepare(CLAIM).run(nextAttemptAt, notice.id, notice.attempts).changes === 1
  }

  /** Its own committed transaction, right after delivery; a digest marks its members too. */
  markSent(id: string, at: number): void {
    this.#db.transaction(() => this.#db.prepare(MARK_SENT).run({ at, id })).immediate()
  }

  /** The notice stays pending; it is tried again once next_attempt_at has passed. */
  recordFailure(id: string, error: string): void {
    this.#db.prepare('UPDATE notices SET last_error = ? WHERE id = ?').run(error, id)
  }

  /** Moves a notice's next attempt (quiet hours) without counting an attempt. */
  defer(notice: DueNotice, until: number): boolean {
    return this.#db.prepare(`UPDATE notices SET next_attempt_at = ?
      WHERE id = ? AND status = 'pending' AND attempts = ? AND digest_id IS NULL`)
      .run(until, notice.id, notice.attempts).changes === 1
  }

  digestCandidates(customerId: string): DigestCandidate[] {
    return this.#db.prepare<[string], NoticeRow>(SELECT_CANDIDATES).all(customerId).map((row) => ({
      id: row.id,
      workOrderId: row.work_order_id,
      subject: row.subject,
      section: { text: row.section_text ?? '', html: row.section_html ?? '' },
      ics: icsOf(row),
    }))
  }

  /**
   * Writes the digest and ties its members to it in one immediate transaction; false (and
   * nothing written) when another drainer took any member first. The write lock is held from
   * the check to the update, so no other process can take a member in between.
   */
  createDigest(digest: NewNotice, memberIds: readonly string[]): boolean {
    const eligible = this.#db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM notices
      WHERE id = ? AND status = 'pending' AND digest_id IS NULL AND attempts = 0`)
    return this.#db.transaction(() => {
      const available = memberIds.reduce((n, id) => n + (eligible.get(id)?.n ?? 0), 0)
      if (available !== memberIds.length || !this.enqueue(digest)) return false
      const join = this.#db.prepare(JOIN_DIGEST)
      for (const id of memberIds) join.run(digest.id, id)
      return true
    }).immediate()
  }

  /** Oldest first unless `order` says otherwise; every match unless `limit` is given. */
  list(filter: NoticeFilter = {}): NoticeView[] {
    const sql = `SELECT * FROM notices ${NOTICE_WHERE} ${ORDER[filter.order ?? 'oldest']} LIMIT @limit OFFSET @offset`
    // SQLite reads a negative LIMIT as "no limit".
    const params = { ...filterParams(filter), limit: filter.limit ?? -1, offset: filter.offset ?? 0 }
    return this.#db.prepare<typeof params, NoticeRow>(sql).all(params).map(toNotice)
  }

  /** How many notices match, regardless of limit and offset. */
  count(filter: NoticeFilter = {}): number {
    const params = filterParams(filter)
    return this.#db.prepare<typeof params, { n: number }>(`SELECT count(*) AS n FROM notices ${NOTICE_WHERE}`)
      .get(params)?.n ?? 0
  }

  counts(): { pending: number, sent: number } {
    const row = this.#db.prepare<[], { pending: number | null, sent: number | null }>(
      `SELECT sum(status = 'pending') AS pending, sum(status = 'sent') AS sent FROM notices`,
    ).get()
    return { pending: row?.pending ?? 0, sent: row?.sent ?? 0 }
  }
}

function icsOf(row: NoticeRow): OutgoingMail['ics'] {
  return row.ics === null || row.ics_method === null ? null : { method: row.ics_method, content: row.ics }
}

function toDue(row: NoticeRow): DueNotice {
  return {
    id: row.id,
    customerId: row.customer_id,
    workOrderId: row.work_order_id,
    channel: row.channel,
    audience: row.audience,
    template: row.template,
    dedupKey: row.dedup_key,
    attempts: row.attempts,
    mail: { to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body, ics: icsOf(row) },
  }
}

function filterParams(filter: NoticeFilter): Record<'customerId' | 'workOrderId' | 'audience', string | null> {
  return {
    customerId: filter.customerId ?? null,
    workOrderId: filter.workOrderId ?? null,
    audience: filter.audience ?? null,
  }
}

function toNotice(row: NoticeRow): NoticeView {
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
    audience: row.audience,
    subject: row.subject,
    createdAt: row.created_at,
    digestId: row.digest_id,
  }
}
