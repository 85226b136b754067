import type { Asset, Customer, Planner, SignalKind, Site, Technician, VisitWindow } from '../core/index.js'
import type { OutgoingMail } from './notice-store.js'

/** Everything the customer email talks about, already looked up in the fleet. */
export interface EmailContext {
  workOrderId: string
  customer: Customer
  site: Site
  asset: Asset
  planner: Planner
  technician: Technician | null
  visit: VisitWindow | null
  dueBy: number
  action: string
  /** The signal's evidence summary: what was found, in plain words. */
  finding: string
  /** What kind of finding opened the case; it decides how the email introduces it. */
  kind: SignalKind
}

export const SCHEDULED_TEMPLATE = 'work-order-scheduled'
export const PROPOSED_TEMPLATE = 'work-order-proposed'

type Fact = [label: string, value: string]

/** The customer email for a new work order: scheduled with a visit, or proposed without one yet. */
export function renderWorkOrderEmail(context: EmailContext): { template: string, mail: OutgoingMail } {
  const { asset, site, customer, planner } = context
  const isScheduled = context.visit !== null && context.technician !== null
  const equipment = `${asset.name} at ${site.name}`
  const subject = isScheduled
    ? `Visit scheduled: ${context.action} of ${equipment}`
    : `Maintenance needed: ${context.action} of ${equipment}`

  const facts: Fact[] = [
    ['Equipment', equipment],
    ['What we found', context.finding],
    ['What we will do', capitalize(context.action)],
    ...visitFacts(context),
    ['Your contact for this case', `${planner.name} <${planner.email}>`],
    ['Reference', `work order ${context.workOrderId}`],
  ]
  const intro = introFor(context.kind, equipment)
  const outro = isScheduled
    ? `Nothing is needed from you. To move the visit, contact ${planner.name}.`
    : `${planner.name} will confirm the visit time with you shortly.`

  const greeting = `Hello ${customer.name},`
  return {
    template: isScheduled ? SCHEDULED_TEMPLATE : PROPOSED_TEMPLATE,
    mail: {
      to: customer.email,
      subject,
      text: renderText(greeting, intro, facts, outro),
      html: renderHtml(greeting, intro, facts, outro),
    },
  }
}

/** The opening sentence: only predictions are "early signs"; other findings say what they are. */
function introFor(kind: SignalKind, equipment: string): string {
  switch (kind) {
    case 'device_fault': return `${equipment} reported a fault, and we are sending someone to look at it.`
    case 'sensor_fault': return `A sensor on ${equipment} is giving readings it cannot physically measure.`
    case 'silent_device': return `${equipment} has stopped reporting to our monitoring.`
    default: return `Our monitoring found an early sign of trouble on ${equipment}, before it turned into a breakdown.`
  }
}

function visitFacts(context: EmailContext): Fact[] {
  const zone = context.customer.timeZone
  if (context.visit === null || context.technician === null) {
    return [['Visit', `to be arranged before ${formatDateTime(context.dueBy, zone)} (${zone})`]]
  }
  return [
    ['Visit', formatVisit(context.visit, zone)],
    ['Technician', context.technician.name],
  ]
}

function renderText(greeting: string, intro: string, facts: Fact[], outro: string): string {
  const lines = facts.map(([label, value]) => `${label}: ${value}`)
  return [greeting, '', intro, '', ...lines, '', outro, ''].join('\n')
}

function renderHtml(greeting: string, intro: string, facts: Fact[], outro: string): string {
  const rows = facts.map(([label, value]) =>
    `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
  return [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table>', ...rows, '</table>',
    `<p>${escapeHtml(outro)}</p>`,
  ].join('\n')
}

/** The visit as the customer's own clock shows it, naming the zone so nobody has to guess. */
export function formatVisit(visit: VisitWindow, zone: string): string {
  const day = dayFormat(zone)
  const time = timeFormat(zone)
  if (day.format(visit.start) !== day.format(visit.end)) {
    return `${formatDateTime(visit.start, zone)} to ${formatDateTime(visit.end, zone)} (${zone})`
  }
  const hours = `${time.format(visit.start)} to ${time.format(visit.end)}`
  return `${day.format(visit.start)}, ${hours} (${zone})`
}

function formatDateTime(time: number, zone: string): string {
  return `${dayFormat(zone).format(time)}, ${timeFormat(zone).format(time)}`
}

function dayFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
  })
}

function timeFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}
