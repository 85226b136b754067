import type { Customer, Planner } from '../core/index.js'
import type { CustomerEvent, NoticeFacts } from './notice-facts.js'
import { phrasesFor } from './notice-phrases.js'
import { capitalize, escapeHtml, formatDateTime, formatVisit, outcomeWords } from './notice-words.js'
import type { Language } from './preferences.js'

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

/** The customer email for one event of one work order, in the customer's language. */
export function renderCustomerEmail(facts: NoticeFacts, watchHours: number): RenderedEmail {
  const words = phrasesFor(facts.language)
  const equipment = words.equipment(facts.asset.name, facts.site.name)
  const subject = words.subject(facts.event, words.action(facts), equipment)
  const intro = introOf(facts, equipment, watchHours)
  const rows = factsOf(facts, equipment)
  const outro = facts.event === 'scheduled' || facts.event === 'rescheduled'
    ? words.outroBooked(facts.owner.name)
    : words.outroOther(facts.owner.name)

  const section = { text: renderTextSection(intro, rows), html: renderHtmlSection(intro, rows) }
  return {
    template: TEMPLATES[facts.event],
    subject,
    ...wrap(words.greeting(facts.customer.name), section, outro),
    section,
  }
}

/** One email that stands for several notices of one customer, each as its own section. */
export function renderDigestEmail(
  customer: Customer,
  members: ReadonlyArray<{ workOrderId: string, subject: string, section: { text: string, html: string } }>,
  language: Language = 'en',
): Omit<RenderedEmail, 'section'> {
  const words = phrasesFor(language)
  const workOrders = new Set(members.map((m) => m.workOrderId)).size
  const subject = words.digestSubject(workOrders, customer.name)
  const intro = words.digestIntro
  const text = members.map((m) => `== ${m.subject} ==\n\n${m.section.text}`).join('\n\n')
  const html = members.map((m) => `<h2>${escapeHtml(m.subject)}</h2>\n${m.section.html}`).join('\n')
  const section = { text: `${intro}\n\n${text}`, html: `<p>${escapeHtml(intro)}</p>\n${html}` }
  return { template: DIGEST_TEMPLATE, subject, ...wrap(words.greeting(customer.name), section, words.digestOutro) }
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
  const words = phrasesFor(facts.language)
  const zone = facts.customer.timeZone
  const was = facts.previousVisit === null ? '' : words.wasPlanned(formatVisit(facts.previousVisit, zone, facts.language))
  const because = facts.reason === null ? '' : words.reason(facts.reason)
  switch (facts.event) {
    case 'scheduled': return words.intro(facts.intro, equipment)
    case 'rescheduled': return `${words.rescheduled(equipment)}${was}${because}`
    case 'postponed': {
      const before = `${formatDateTime(facts.dueBy, zone, facts.language)} (${zone})`
      return `${words.postponed(equipment)}${was}${because} ${words.newTimeBefore(facts.owner.name, before)}`
    }
    case 'on_the_way': return words.onTheWay(facts.technician?.name ?? words.technician, equipment)
    case 'completed': return outcomeWords(facts, watchHours)
    case 'cancelled': return `${words.cancelled(equipment)}${was}${because}`
  }
}

function factsOf(facts: NoticeFacts, equipment: string): Fact[] {
  const { labels } = phrasesFor(facts.language)
  const zone = facts.customer.timeZone
  const done = facts.event === 'completed'
  // A completed visit is told by when it was done, not by the window that was planned.
  const visit: Fact[] = done && facts.outcome !== null
    ? [[labels.completed, formatDateTime(facts.outcome.at, zone, facts.language)]]
    : facts.visit === null || facts.event === 'postponed' || facts.event === 'cancelled'
      ? []
      : [[labels.visit, formatVisit(facts.visit, zone, facts.language)]]
  const technician: Fact[] = facts.technician === null || visit.length === 0
    ? []
    : [[labels.technician, facts.technician.name]]
  const part: Fact[] = facts.outcome?.part === null || facts.outcome?.part === undefined
    ? []
    : [[labels.part, facts.outcome.part]]
  return [
    [labels.equipment, equipment],
    [labels.finding, facts.finding],
    [done ? labels.done : labels.planned, capitalize(phrasesFor(facts.language).action(facts))],
    ...part,
    ...visit,
    ...technician,
    [labels.contact, `${facts.owner.name} <${facts.owner.email}>`],
    [labels.reference, `${labels.workOrder} ${facts.workOrderId}`],
  ]
}

function wrap(
  greeting: string, section: { text: string, html: string }, outro: string,
): { text: string, html: string } {
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
