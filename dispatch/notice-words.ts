import type { VisitWindow } from '../core/index.js'
import type { NoticeFacts } from './notice-facts.js'

/** The visit as the reader's own clock shows it, naming the zone so nobody has to guess. */
export function formatVisit(visit: VisitWindow, zone: string): string {
  const day = dayFormat(zone)
  const time = timeFormat(zone)
  if (day.format(visit.start) !== day.format(visit.end)) {
    return `${formatDateTime(visit.start, zone)} to ${formatDateTime(visit.end, zone)} (${zone})`
  }
  const hours = `${time.format(visit.start)} to ${time.format(visit.end)}`
  return `${day.format(visit.start)}, ${hours} (${zone})`
}

export function formatDateTime(time: number, zone: string): string {
  return `${dayFormat(zone).format(time)}, ${timeFormat(zone).format(time)}`
}

/** The opening sentence: only predictions are "early signs"; other findings say what they are. */
export function introFor(intro: NoticeFacts['intro'], equipment: string): string {
  switch (intro) {
    case 'reported_fault': return `${equipment} reported a fault, and we are sending someone to look at it.`
    case 'sensor_fault': return `A sensor on ${equipment} is giving readings it cannot physically measure.`
    case 'connectivity': return `${equipment} has stopped reporting to our monitoring.`
    case 'early_warning': return `Our monitoring found an early sign of trouble on ${equipment}, before it turned into a breakdown.`
  }
}

/** The outcome of a completed visit, in plain words for the customer. */
export function outcomeWords(facts: NoticeFacts, watchHours: number): string {
  const outcome = facts.outcome
  const who = facts.technician?.name ?? 'Our technician'
  if (outcome === null) return 'The work is finished.'
  switch (outcome.code) {
    case 'fault_confirmed': {
      const part = outcome.part === null ? 'the worn part' : outcome.part
      return `${who} confirmed the fault and replaced ${part}. We will watch the readings for the next ${watchHours} hours to make sure the repair holds.`
    }
    case 'no_fault_found':
      return `${who} inspected the equipment and found no fault; it is in working order. We keep monitoring it as usual.`
    case 'could_not_access':
      return `${who} could not get access to the equipment, so nothing was done. Please contact ${facts.owner.name} to arrange access.`
  }
}

/** Upper-cases the first letter: action texts also start sentences and table cells. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

function dayFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
}

function timeFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
}
