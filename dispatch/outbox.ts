import { randomUUID } from 'node:crypto'
import { isForewarnError, type Clock, type Config, type Fleet, type Logger } from '../core/index.js'
import { NoticeSendError } from './errors.js'
import type { MailSender } from './mail-transport.js'
import type { DispatchMetrics } from './metrics.js'
import { DIGEST_TEMPLATE, renderDigestEmail } from './notice-email.js'
import type { DueNotice, NoticeStore, OutgoingMail } from './notice-store.js'
import type { PreferenceStore } from './preference-store.js'
import { effectivePreferences } from './preferences.js'
import { quietUntil } from './quiet-hours.js'
import type { WebhookSender } from './webhook-transport.js'

const BATCH_SIZE = 100
// Exponential backoff from 5 s, capped at 15 min: a relay that is down for an hour is retried
// four times an hour rather than hammered, and a short blip costs seconds.
const FIRST_RETRY_MS = 5_000
const MAX_RETRY_MS = 15 * 60_000
// After this many failed attempts a person should look; retries go on regardless.
const ALERT_AFTER_ATTEMPTS = 5

export interface OutboxDeps {
  notices: NoticeStore
  preferences: PreferenceStore
  senders: { email: MailSender, webhook: WebhookSender }
  fleet: Fleet
  config: Config
  clock: Clock
  logger: Logger
  metrics: DispatchMetrics
}

/** Delay before the attempt after `attempt` (1-based). */
export function retryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_MS)
}

type Delivery = 'sent' | 'failed' | 'skipped' | 'deferred' | 'digested'

/**
 * Sends every notice due now; each is marked sent only after the transport accepted it. The
 * timer's drains respect the digest hold; explicit drains (`ignoreHold`) send held ones too.
 */
export async function drainOutbox(
  deps: OutboxDeps, options: { ignoreHold: boolean },
): Promise<{ sent: number, failed: number }> {
  let sent = 0
  let failed = 0
  for (;;) {
    const due = deps.notices.due(deps.clock.now(), BATCH_SIZE, options.ignoreHold)
    let progressed = false
    for (const notice of due) {
      const result = await handle(deps, notice)
      if (result === 'sent') sent++
      if (result === 'failed') failed++
      progressed ||= result !== 'skipped'
    }
    if (due.length === 0 || !progressed) return { sent, failed }
  }
}

async function handle(deps: OutboxDeps, notice: DueNotice): Promise<Delivery> {
  if (notice.channel !== 'email' || notice.audience !== 'customer') return deliver(deps, notice)

  const customer = deps.fleet.customer(notice.customerId)
  const now = deps.clock.now()
  // The quiet hours and zone in force now, from the customer's preferences over the fleet file.
  const preferences = customer === undefined
    ? undefined
    : effectivePreferences(customer, deps.preferences.get(customer.id))
  const until = preferences === undefined
    ? null
    : quietUntil(now, preferences.quietHours ?? undefined, preferences.timeZone)
  if (until !== null) {
    // Quiet hours hold customer emails only: webhooks feed machines, staff alerts cannot wait.
    if (!deps.notices.defer(notice, until)) return 'skipped'
    deps.logger.debug({ noticeId: notice.id, customerId: notice.customerId, until }, 'notice held for quiet hours')
    return 'deferred'
  }
  if (notice.template !== DIGEST_TEMPLATE && notice.attempts === 0 && formDigest(deps, notice)) return 'digested'
  return deliver(deps, notice)
}

/**
 * One email instead of many when a customer has pending emails about enough work orders at
 * once: the digest becomes a notice of its own, and its members are marked sent with it.
 */
function formDigest(deps: OutboxDeps, trigger: DueNotice): boolean {
  const candidates = deps.notices.digestCandidates(trigger.customerId)
  const workOrders = new Set(candidates.map((c) => c.workOrderId))
  const customer = deps.fleet.customer(trigger.customerId)
  if (customer === undefined || workOrders.size < deps.config.dispatch.digestThreshold) return false

  const { language } = effectivePreferences(customer, deps.preferences.get(customer.id))
  const rendered = renderDigestEmail(customer, candidates, language)
  const id = `ntc-${randomUUID()}`
  const invitations = candidates.flatMap((c) => c.ics?.method === 'REQUEST' ? [c.ics.content] : [])
  const mail: OutgoingMail = {
    to: customer.email,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    ics: invitations.length === 0 ? null : { method: 'REQUEST', content: mergeCalendars(invitations) },
  }
  const created = deps.notices.createDigest({
    id, customerId: customer.id, workOrderId: trigger.workOrderId, channel: 'email', audience: 'customer',
    template: DIGEST_TEMPLATE, dedupKey: `digest:${customer.id}:${id}`, mail, section: null,
    createdAt: deps.clock.now(), holdUntil: 0,
  }, candidates.map((c) => c.id))
  if (created) {
    deps.logger.info({ noticeId: id, customerId: customer.id, notices: candidates.length }, 'notices merged into digest')
  }
  return created
}

/** One VCALENDAR with every VEVENT of the given single-method calendars. */
function mergeCalendars(calendars: readonly string[]): string {
  const events = calendars.flatMap((text) => text.match(/BEGIN:VEVENT[\s\S]*?END:VEVENT\r?\n/g) ?? [])
  const first = calendars[0] ?? ''
  const head = first.slice(0, first.indexOf('BEGIN:VEVENT'))
  return `${head}${events.join('')}END:VCALENDAR\r\n`
}

async function deliver(deps: OutboxDeps, notice: DueNotice): Promise<Delivery> {
  const attempt = notice.attempts + 1
  // Someone else took this attempt (another drainer on the same database).
  if (!deps.notices.claim(notice, deps.clock.now() + retryDelayMs(attempt))) return 'skipped'
  const { id: noticeId, workOrderId, customerId, channel } = notice
  const ids = { noticeId, workOrderId, customerId, channel }

  let path: string | undefined
  try {
    if (channel === 'webhook') await deps.senders.webhook.send(notice)
    else path = (await deps.senders.email.send(notice.id, notice.mail)).file
  } catch (err: unknown) {
    const error = isForewarnError(err) ? err : new NoticeSendError(notice.id, err)
    deps.notices.recordFailure(notice.id, error.message)
    deps.metrics.noticesFailed.inc({ channel })
    const record = { ...ids, attempt, retryInMs: retryDelayMs(attempt), err: error }
    if (attempt >= ALERT_AFTER_ATTEMPTS) deps.logger.error(record, 'notice delivery failed')
    else deps.logger.warn(record, 'notice delivery failed')
    return 'failed'
  }

  deps.notices.markSent(notice.id, deps.clock.now())
  deps.metrics.noticesSent.inc({ channel })
  deps.logger.info({ ...ids, attempt, path }, 'notice sent')
  return 'sent'
}
