import ical, {
  ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus, type ICalCalendar,
} from 'ical-generator'
import type { Site, Technician, VisitWindow } from '../core/index.js'
import type { NoticeFacts } from './notice-facts.js'
import { phrasesFor } from './notice-phrases.js'
import { capitalize } from './notice-words.js'
import type { WorkOrderView } from './types.js'

/** How an invitation changes the recipient's calendar (RFC 5546). */
export type InvitationMethod = 'REQUEST' | 'CANCEL'

const PRODUCT = { company: 'Forewarn', product: 'dispatch', language: 'EN' }

/**
 * The iCalendar invitation for a customer notice. The UID is the work order's, and SEQUENCE
 * goes up with every change of the visit, so calendars update one entry instead of adding
 * another. Times are UTC (`...Z`): unambiguous across DST changes without shipping VTIMEZONE
 * definitions; calendar apps show them in the reader's own zone.
 */
export function visitInvitation(facts: NoticeFacts, method: InvitationMethod, stampMs: number): string | null {
  const visit = method === 'REQUEST' ? facts.visit : facts.previousVisit ?? facts.visit
  if (visit === null) return null
  const words = phrasesFor(facts.language)
  const { labels } = words
  const calendar = ical({ prodId: PRODUCT, method: ICalCalendarMethod[method] })
  calendar.createEvent({
    id: uidOf(facts.workOrderId),
    sequence: facts.sequence,
    stamp: new Date(stampMs),
    start: new Date(visit.start),
    end: new Date(visit.end),
    summary: `${capitalize(words.action(facts))}: ${facts.asset.name}`,
    location: facts.site.name,
    description: [
      `${labels.finding}: ${facts.finding}`,
      facts.technician === null ? null : `${labels.technician}: ${facts.technician.name}`,
      `${labels.invitationContact}: ${facts.owner.name} <${facts.owner.email}>`,
      `${labels.reference}: ${labels.workOrder} ${facts.workOrderId}`,
    ].filter((line) => line !== null).join('\n'),
    organizer: { name: facts.owner.name, email: facts.owner.email },
    attendees: [{ name: facts.customer.name, email: facts.customer.email }],
    status: method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
  })
  return calendar.toString()
}

/** One row of a technician's calendar feed. */
export interface FeedVisit {
  workOrder: WorkOrderView
  site: Site | undefined
  assetName: string
  actionText: string
}

/**
 * A technician's calendar feed: every visit on work orders assigned to them (cancelled ones
 * stay as CANCELLED so subscribed calendars drop them) and their recorded absences.
 */
export function technicianFeed(input: {
  technician: Technician
  visits: readonly FeedVisit[]
  absences: ReadonlyArray<VisitWindow & { id: number, reason: string }>
  stampMs: number
}): string {
  const { technician } = input
  const calendar = ical({ prodId: PRODUCT, name: `Forewarn visits: ${technician.name}` })
  for (const visit of input.visits) addVisit(calendar, visit, input.stampMs)
  for (const absence of input.absences) {
    calendar.createEvent({
      id: `absence-${absence.id}@forewarn`,
      stamp: new Date(input.stampMs),
      start: new Date(absence.start),
      end: new Date(absence.end),
      summary: `Unavailable: ${absence.reason}`,
      busystatus: ICalEventBusyStatus.OOF,
    })
  }
  return withCalendarTimeZone(calendar.toString(), technician.timeZone)
}

function addVisit(calendar: ICalCalendar, row: FeedVisit, stampMs: number): void {
  const { workOrder } = row
  if (workOrder.visit === null) return
  calendar.createEvent({
    id: uidOf(workOrder.id),
    sequence: workOrder.visitSequence,
    stamp: new Date(stampMs),
    start: new Date(workOrder.visit.start),
    end: new Date(workOrder.visit.end),
    summary: `${capitalize(row.actionText)}: ${row.assetName}`,
    location: row.site?.name ?? workOrder.siteId,
    description: [
      workOrder.summary,
      `Priority ${workOrder.priority}, due by ${new Date(workOrder.dueBy).toISOString()}`,
      `Status: ${workOrder.status}; owner ${workOrder.ownerId}`,
      `Reference: work order ${workOrder.id}`,
    ].join('\n'),
    status: workOrder.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  })
}

function uidOf(workOrderId: string): string {
  return `${workOrderId}@forewarn`
}

/**
 * Clients that honour X-WR-TIMEZONE show the feed in the technician's own zone. RFC 5545 puts
 * calendar properties before the first component, but ical-generator writes x-properties after
 * the events, where strict parsers ignore them; so it goes in before the first component here
 * (a line boundary, never inside a folded property).
 */
function withCalendarTimeZone(text: string, timeZone: string): string {
  const line = `X-WR-TIMEZONE:${timeZone}\r\n`
  const body = text.indexOf('\r\n') + 2
  const firstComponent = text.indexOf('\r\nBEGIN:', body)
  const at = firstComponent === -1 ? text.lastIndexOf('END:VCALENDAR') : firstComponent + 2
  return text.slice(0, at) + line + text.slice(at)
}
