import type { Customer, Planner } from '../core/index.js'
import type { CustomerEvent, NoticeFacts } from './notice-facts.js'
import {
  capitalize, escapeHtml, formatDateTime, formatVisit, introFor, outcomeWords,
} from './notice-words.js'

/** A rendered email: the whole message, and its middle part on its own for digests. */
export interface RenderedEmail {
  template: string
  subject: string
  text: string
  html: string
  /** The part between greeting and sign-off, which a digest strings together. */
  section: { text: string, html: string }
}

type Fact = [label: string, value: string]

export const TEMPLATES: Readonly<Record<CustomerEvent, string>> = {
  scheduled: 'visit-scheduled',
  rescheduled: 'visit-rescheduled',
  postponed: 'visit-postponed',
  on_the_way: 'technician-on-the-way',
  completed: 'work-order-completed',
  cancelled: 'work-order-cancelled',
}
export const DIGEST_TEMPLATE = 'customer-digest'

const SUBJECT_PREFIX: Readonly<Record<CustomerEvent, string>> = {
  scheduled: 'Visit scheduled',
  rescheduled: 'Visit moved',
  postponed: 'Visit postponed',
  on_the_way: 'Technician on the way',
  completed: 'Work completed',
  cancelled: 'Visit cancelled',
}

/** The customer email for one event of one work order. */
export function renderCustomerEmail(facts: NoticeFacts, watchHours: number): RenderedEmail {
  const equipment = `${facts.asset.name} at ${facts.site.name}`
  const subject = `${SUBJECT_PREFIX[facts.event]}: ${facts.actionText} of ${equipment}`
  const intro = introOf(facts, equipment, watchHours)
  const rows = factsOf(facts, equipment)
  const outro = facts.event === 'scheduled' || facts.event === 'rescheduled'
    ? `Nothing is needed from you. To move the visit, contact ${facts.owner.name}.`
    : `Questions about this case? Contact ${facts.owner.name}.`

  const section = { text: renderTextSection(intro, rows), html: renderHtmlSection(intro, rows) }
  return {
    template: TEMPLATES[facts.event],
    subject,
    ...wrap(facts.customer, section, outro),
    section,
  }
}

/** One email that stands for several notices of one customer, each as its own section. */
export function renderDigestEmail(
  customer: Customer,
  members: ReadonlyArray<{ workOrderId: string, subject: string, section: { text: string, html: string } }>,
): Omit<RenderedEmail, 'section'> {
  const workOrders = new Set(members.map((m) => m.workOrderId)).size
  const subject = `Maintenance update: ${workOrders} work orders for ${customer.name}`
  const intro = `Several pieces of your equipment need attention at once, so here is everything in one message.`
  const text = members.map((m) => `== ${m.subject} ==\n\n${m.section.text}`).join('\n\n')
  const html = members.map((m) => `<h2>${escapeHtml(m.subject)}</h2>\n${m.section.html}`).join('\n')
  const section = { text: `${intro}\n\n${text}`, html: `<p>${escapeHtml(intro)}</p>\n${html}` }
  const outro = 'Each section names the person to contact about it.'
  return { template: DIGEST_TEMPLATE, subject, ...wrap(customer, section, outro) }
}

/** An alert to a planner who owns (or now owns) a work order that needs them. */
export function renderStaffEmail(input: {
  planner: Planner
  subject: string
  lines: readonly string[]
  workOrderId: string
}): { subject: string, text: string, html: string } {
  const body = [...input.lines, `Work order: ${input.workOrderId} (GET /api/work-orders/${input.workOrderId})`]
  return {
    subject: `[Forewarn] ${input.subject}`,
    text: [`Hello ${input.planner.name},`, '', ...body, ''].join('\n'),
    html: [`<p>Hello ${escapeHtml(input.planner.name)},</p>`, ...body.map((l) => `<p>${escapeHtml(l)}</p>`)]
      .join('\n'),
  }
}

function introOf(facts: NoticeFacts, equipment: string, watchHours: number): string {
  const zone = facts.customer.timeZone
  const was = facts.previousVisit === null ? '' : ` It was planned for ${formatVisit(facts.previousVisit, zone)}.`
  const because = facts.reason === null ? '' : ` Reason: ${facts.reason}.`
  switch (facts.event) {
    case 'scheduled': return introFor(facts.intro, equipment)
    case 'rescheduled': return `The visit for ${equipment} has moved to a new time.${was}${because}`
    case 'postponed':
      return `The visit for ${equipment} cannot take place as planned.${was}${because} ${facts.owner.name} will arrange a new time before ${formatDateTime(facts.dueBy, zone)} (${zone}).`
    case 'on_the_way': return `${facts.technician?.name ?? 'Our technician'} is on the way to ${equipment}.`
    case 'completed': return outcomeWords(facts, watchHours)
    case 'cancelled': return `The work on ${equipment} has been cancelled.${was}${because}`
  }
}

function factsOf(facts: NoticeFacts, equipment: string): Fact[] {
  const zone = facts.customer.timeZone
  const done = facts.event === 'completed'
  const visit: Fact[] = facts.visit === null || facts.event === 'postponed' || facts.event === 'cancelled'
    ? []
    : [['Visit', formatVisit(facts.visit, zone)]]
  const technician: Fact[] = facts.technician === null || visit.length === 0
    ? []
    : [['Technician', facts.technician.name]]
  const part: Fact[] = facts.outcome?.part === null || facts.outcome?.part === undefined
    ? []
    : [['Part replaced', facts.outcome.part]]
  return [
    ['Equipment', equipment],
    ['What we found', facts.finding],
    [done ? 'What was done' : 'What we will do', capitalize(facts.actionText)],
    ...part,
    ...visit,
    ...technician,
    ['Your contact for this case', `${facts.owner.name} <${facts.owner.email}>`],
    ['Reference', `work order ${facts.workOrderId}`],
  ]
}

function wrap(
  customer: Customer, section: { text: string, html: string }, outro: string,
): { text: string, html: string } {
  const greeting = `Hello ${customer.name},`
  return {
    text: [greeting, '', section.text, '', outro, ''].join('\n'),
    html: [`<p>${escapeHtml(greeting)}</p>`, section.html, `<p>${escapeHtml(outro)}</p>`].join('\n'),
  }
}

function renderTextSection(intro: string, facts: Fact[]): string {
  return [intro, '', ...facts.map(([label, value]) => `${label}: ${value}`)].join('\n')
}

function renderHtmlSection(intro: string, facts: Fact[]): string {
  const rows = facts.map(([label, value]) =>
    `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
  return [`<p>${escapeHtml(intro)}</p>`, '<table>', ...rows, '</table>'].join('\n')
}
