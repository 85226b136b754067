import { createHmac } from 'node:crypto'
import type { CustomerEvent, NoticeFacts } from './notice-facts.js'
import { formatVisit, outcomeWords } from './notice-words.js'

/** Event type names receivers branch on; stable, like error codes. */
export const WEBHOOK_EVENTS: Readonly<Record<CustomerEvent, string>> = {
  scheduled: 'visit.scheduled',
  rescheduled: 'visit.rescheduled',
  postponed: 'visit.postponed',
  on_the_way: 'technician.on_the_way',
  completed: 'work_order.completed',
  cancelled: 'work_order.cancelled',
}

/**
 * The JSON body of a webhook notice, fixed when it is enqueued so every retry sends the same
 * bytes. `id` is also the idempotency key. Times are ISO 8601 UTC; `visit.local` is the window
 * as the customer's clock shows it, and it and `outcome.words` are in `language`.
 */
export function webhookBody(facts: NoticeFacts, noticeId: string, createdAtMs: number, watchHours: number): string {
  const zone = facts.customer.timeZone
  const window = (visit: NoticeFacts['visit']) => visit === null
    ? null
    : { start: iso(visit.start), end: iso(visit.end), timeZone: zone, local: formatVisit(visit, zone, facts.language) }
  return JSON.stringify({
    id: noticeId,
    type: WEBHOOK_EVENTS[facts.event],
    createdAt: iso(createdAtMs),
    customerId: facts.customer.id,
    language: facts.language ?? 'en',
    workOrder: { id: facts.workOrderId, dueBy: iso(facts.dueBy), action: facts.action, actionText: facts.actionText },
    equipment: {
      assetId: facts.asset.id,
      name: facts.asset.name,
      siteId: facts.site.id,
      siteName: facts.site.name,
    },
    finding: facts.finding,
    visit: facts.event === 'postponed' || facts.event === 'cancelled' ? null : window(facts.visit),
    previousVisit: window(facts.previousVisit),
    technician: facts.technician === null ? null : { id: facts.technician.id, name: facts.technician.name },
    owner: { id: facts.owner.id, name: facts.owner.name, email: facts.owner.email },
    outcome: facts.outcome === null
      ? null
      : { ...facts.outcome, words: outcomeWords(facts, watchHours) },
    reason: facts.reason,
  })
}

/**
 * The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
 * timestamp is signed with the body so a receiver can refuse replays of old deliveries.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')
  return `t=${timestampSeconds},v1=${digest}`
}

function iso(time: number): string {
  return new Date(time).toISOString()
}
