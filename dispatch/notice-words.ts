import type { VisitWindow } from '../core/index.js'
import type { NoticeFacts } from './notice-facts.js'
import { phrasesFor } from './notice-phrases.js'
import type { Language } from './preferences.js'

/** The visit as the reader's own clock shows it, naming the zone so nobody has to guess. */
export function formatVisit(visit: VisitWindow, zone: string, language: Language = 'en'): string {
  const words = phrasesFor(language)
  const day = dayFormat(zone, words.locale)
  const time = timeFormat(zone, words.locale)
  if (day.format(visit.start) !== day.format(visit.end)) {
    const start = formatDateTime(visit.start, zone, language)
    return `${start} ${words.to} ${formatDateTime(visit.end, zone, language)} (${zone})`
  }
  const hours = `${time.format(visit.start)} ${words.to} ${time.format(visit.end)}${words.clockSuffix}`
  return `${day.format(visit.start)}, ${hours} (${zone})`
}

export function formatDateTime(time: number, zone: string, language: Language = 'en'): string {
  const words = phrasesFor(language)
  return `${dayFormat(zone, words.locale).format(time)}, ${timeFormat(zone, words.locale).format(time)}${words.clockSuffix}`
}

/** The outcome of a completed visit, in plain words for the customer, in their language. */
export function outcomeWords(facts: NoticeFacts, watchHours: number): string {
  const words = phrasesFor(facts.language)
  const outcome = facts.outcome
  const who = facts.technician?.name ?? words.technician
  return words.outcome(outcome?.code ?? null, who, outcome?.part ?? null, facts.owner.name, watchHours)
}

/** Upper-cases the first letter: action texts also start sentences and table cells. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

function dayFormat(zone: string, locale: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
}

function timeFormat(zone: string, locale: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
}
