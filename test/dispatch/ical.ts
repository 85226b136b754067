import ICAL from 'ical.js'
import { simpleParser } from 'mailparser'

/** One VEVENT as an iCalendar parser reads it back. */
export interface ParsedEvent {
  uid: string
  sequence: number
  /** Epoch ms. */
  start: number
  end: number
  summary: string
  status: string | null
}

export interface ParsedCalendar {
  method: string | null
  name: string | null
  timeZone: string | null
  events: ParsedEvent[]
}

/** Parses an iCalendar document with ical.js (an independent implementation of RFC 5545). */
export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text))
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component)
    const status = component.getFirstPropertyValue('status')
    return {
      uid: event.uid,
      sequence: event.sequence,
      start: event.startDate.toJSDate().getTime(),
      end: event.endDate.toJSDate().getTime(),
      summary: event.summary,
      status: typeof status === 'string' ? status : null,
    }
  })
  const property = (name: string): string | null => {
    const value = calendar.getFirstPropertyValue(name)
    return typeof value === 'string' ? value : null
  }
  return { method: property('method'), name: property('x-wr-calname'), timeZone: property('x-wr-timezone'), events }
}

/** The calendar invitation (the text/calendar alternative) of a raw email, parsed. */
export async function invitationOf(raw: string): Promise<ParsedCalendar | null> {
  const parsed = await simpleParser(raw)
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar')
  return part === undefined ? null : parseCalendar(part.content.toString('utf8'))
}
