import { randomUUID } from 'node:crypto'
import type { Planner, VisitWindow } from '../core/index.js'
import type { DispatchContext, Effects } from './context.js'
import { orderContext } from './lookup.js'
import { noticeFacts, type CustomerEvent, type NoticeFacts } from './notice-facts.js'
import { renderCustomerEmail, renderStaffEmail, type RenderedEmail } from './notice-email.js'
import { visitInvitation, type InvitationMethod } from './notice-ical.js'
import { WEBHOOK_EVENTS, webhookBody } from './notice-webhook.js'
import { effectivePreferences } from './preferences.js'
import type { WorkOrderView } from './types.js'

const HOUR_MS = 3_600_000
// Which events carry a calendar invitation, and what it does to the customer's calendar.
const INVITATION: Partial<Record<CustomerEvent, InvitationMethod>> = {
  scheduled: 'REQUEST', rescheduled: 'REQUEST', postponed: 'CANCEL', cancelled: 'CANCEL',
}

/** The latest evidence in plain words: what the customer is told was found. */
export function findingOf(ctx: DispatchContext, workOrder: WorkOrderView): string {
  const summaries = ctx.workOrders.signalsOf(workOrder.id).flatMap((s) => s.evidence?.summary ?? [])
  return summaries.at(-1) ?? workOrder.summary
}

/**
 * Writes the customer's notices for one event of one work order into the outbox (email, and
 * a webhook when the customer has one), inside the caller's transaction, on the channels the
 * customer's preferences leave on. The dedup key names
 * the work order, the event and the visit's sequence: one notice per event, never per reading.
 */
export function notifyCustomer(ctx: DispatchContext, fx: Effects, input: {
  workOrder: WorkOrderView
  event: CustomerEvent
  previousVisit?: VisitWindow | null
  reason?: string | null
}): void {
  const { workOrder, event } = input
  const context = orderContext(ctx, workOrder)
  if (!context.playbook.notice.customer) return
  // The customer's own preferences decide the channels, the language and the zone of the words.
  const preferences = effectivePreferences(context.customer, ctx.preferences.get(context.customer.id))
  const facts = noticeFacts({ ...input, context, preferences, finding: findingOf(ctx, workOrder) })
  const now = ctx.clock.now()
  const watchHours = ctx.config.dispatch.closureWatchHours
  const key = `workorder:${workOrder.id}:${event}:${workOrder.visitSequence}`

  const email = renderCustomerEmail(facts, watchHours)
  if (preferences.channels.email) queueEmail(ctx, fx, { facts, email, key, now })
  const webhook = context.customer.webhook
  if (webhook === undefined || !preferences.channels.webhook) return
  const id = `ntc-${randomUUID()}`
  ctx.notices.enqueue({
    id, customerId: context.customer.id, workOrderId: workOrder.id, channel: 'webhook', audience: 'customer',
    template: email.template, dedupKey: `${key}:webhook`,
    mail: { to: webhook.url, subject: WEBHOOK_EVENTS[event], text: webhookBody(facts, id, now, watchHours), html: '', ics: null },
    section: null, createdAt: now, holdUntil: 0,
  })
}

function queueEmail(ctx: DispatchContext, fx: Effects, input: {
  facts: NoticeFacts
  email: RenderedEmail
  key: string
  now: number
}): void {
  const { facts, email, key, now } = input
  const { workOrderId, event, customer } = facts
  const method = INVITATION[event]
  const invitation = method === undefined ? null : visitInvitation(facts, method, now)
  const queued = ctx.notices.enqueue({
    id: `ntc-${randomUUID()}`, customerId: customer.id, workOrderId, channel: 'email',
    audience: 'customer', template: email.template, dedupKey: `${key}:email`,
    mail: {
      to: customer.email, subject: email.subject, text: email.text, html: email.html,
      ics: method === undefined || invitation === null ? null : { method, content: invitation },
    },
    section: email.section, createdAt: now, holdUntil: now + ctx.config.dispatch.digestWindowMs,
  })
  if (queued) fx.log('debug', { workOrderId, customerId: customer.id, event }, 'notice queued')
}

/** What a planner is told, and the key that keeps it to one alert per occasion. */
export interface StaffAlert {
  planner: Planner
  subject: string
  lines: string[]
  /** Names the occasion (`escalation:visit_missed:<visit start>`), unique per work order. */
  occasion: string
  template: 'owner-escalation' | 'owner-reopened' | 'owner-handover' | 'owner-closure'
}

/** Emails a planner about a work order they own or now own; never held for quiet hours. */
export function alertStaff(ctx: DispatchContext, workOrder: WorkOrderView, alert: StaffAlert): void {
  const rendered = renderStaffEmail({ ...alert, workOrderId: workOrder.id })
  ctx.notices.enqueue({
    id: `ntc-${randomUUID()}`, customerId: workOrder.customerId, workOrderId: workOrder.id, channel: 'email',
    audience: 'staff', template: alert.template, dedupKey: `workorder:${workOrder.id}:staff:${alert.occasion}`,
    mail: { to: alert.planner.email, ...rendered, ics: null },
    section: null, createdAt: ctx.clock.now(), holdUntil: 0,
  })
}

/** Hours, for the words of an alert. */
export function hoursText(ms: number): string {
  return `${Math.round((ms / HOUR_MS) * 10) / 10} h`
}
