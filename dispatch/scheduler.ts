import type { Config, Signal, Technician, VisitWindow } from '../core/index.js'
import { addDays, fromLocal, toLocal } from '../core/index.js'

const HOUR_MS = 3_600_000
// Visits start on the quarter hour after the shift start: planners and customers read
// "09:15", never "09:13:27". Every real zone offset is a multiple of 15 minutes.
const SLOT_STEP_MS = 15 * 60_000
// Bounds the search when no deadline stops it earlier; a year of calendar days is plenty.
const MAX_SEARCH_DAYS = 366

/** The latest a visit may end, and the business rule that set it (recorded in history). */
export interface Deadline {
  at: number
  basis: string
}

/** A visit to place in someone's calendar. */
export interface VisitRequest {
  /** The signal's detectedAt: scheduling runs in the data clock, not the wall clock. */
  notBefore: number
  deadline: number
  durationMs: number
}

export interface Assignment {
  technician: Technician
  visit: VisitWindow
  /** Open visits the technician already had. */
  load: number
}

export type PlanResult = { ok: true, assignment: Assignment } | { ok: false, reason: string }

/** The visit deadline: earliest predicted failure minus the safety margin, else a default. */
export function deadlineFor(signal: Signal, settings: Config['dispatch']): Deadline {
  const { defaultDeadlineHours: fallback, safetyMarginHours: margin } = settings
  if (signal.predictedFailure === null) {
    return {
      at: signal.detectedAt + fallback * HOUR_MS,
      basis: `no failure prediction; default deadline of ${fallback} h after detection`,
    }
  }
  const { earliest } = signal.predictedFailure
  return {
    at: earliest - margin * HOUR_MS,
    basis: `predicted failure no earlier than ${iso(earliest)} minus ${margin} h safety margin`,
  }
}

/**
 * Picks the technician who can come first among those with the skill who cover the site;
 * ties go to the least loaded, then to the smaller id so the choice is reproducible.
 */
export function planVisit(input: {
  technicians: readonly Technician[]
  skill: string
  siteId: string
  request: VisitRequest
  openVisits: (technicianId: string) => VisitWindow[]
}): PlanResult {
  const { skill, siteId, request } = input
  const qualified = input.technicians
    .filter((t) => t.skills.includes(skill) && t.siteIds.includes(siteId))
  if (qualified.length === 0) {
    return { ok: false, reason: `no technician with skill ${skill} covers site ${siteId}` }
  }

  const options: Assignment[] = []
  for (const technician of qualified) {
    const busy = input.openVisits(technician.id)
    const visit = earliestSlot(technician, request, busy)
    if (visit !== null) options.push({ technician, visit, load: busy.length })
  }
  options.sort((a, b) => a.visit.start - b.visit.start || a.load - b.load
    || a.technician.id.localeCompare(b.technician.id))

  const best = options[0]
  if (best !== undefined) return { ok: true, assignment: best }
  const hours = request.durationMs / HOUR_MS
  const names = qualified.map((t) => t.id).join(', ')
  const reason = `no free ${hours} h slot in the working hours of ${names} ending by ${iso(request.deadline)}`
  return { ok: false, reason }
}

/**
 * The earliest visit inside the technician's working hours (in their own zone) that starts
 * no earlier than `notBefore`, overlaps none of `busy` and ends by the deadline.
 */
export function earliestSlot(
  technician: Technician, request: VisitRequest, busy: readonly VisitWindow[],
): VisitWindow | null {
  if (request.notBefore + request.durationMs > request.deadline) return null
  const sorted = [...busy].sort((a, b) => a.start - b.start)
  const today = toLocal(request.notBefore, technician.timeZone)

  // Day -1 covers a night shift that began the evening before and is still running.
  for (let offset = -1; offset <= MAX_SEARCH_DAYS; offset++) {
    const shift = shiftOn(technician, addDays(today, offset))
    if (shift === null || shift.end <= request.notBefore) continue
    if (shift.start + request.durationMs > request.deadline) return null

    const visit = firstFreeSlot(shift, sorted, request)
    if (visit !== null) return visit
  }
  return null
}

function firstFreeSlot(
  shift: VisitWindow, busy: readonly VisitWindow[], request: VisitRequest,
): VisitWindow | null {
  let start = alignToStep(Math.max(shift.start, request.notBefore), shift.start)
  for (const taken of busy) {
    if (taken.end <= start) continue
    if (taken.start >= start + request.durationMs) break
    start = alignToStep(taken.end, shift.start)
  }

  const end = start + request.durationMs
  return end <= Math.min(shift.end, request.deadline) ? { start, end } : null
}

function alignToStep(time: number, origin: number): number {
  return origin + Math.ceil((time - origin) / SLOT_STEP_MS) * SLOT_STEP_MS
}

/** The technician's shift on a local calendar day, or null on a day off. */
function shiftOn(
  technician: Technician, date: { year: number, month: number, day: number, isoWeekday: number },
): VisitWindow | null {
  const hours = technician.workingHours
  if (!hours.days.includes(date.isoWeekday)) return null

  const [startHour, startMinute] = parseTimeOfDay(hours.start)
  const [endHour, endMinute] = parseTimeOfDay(hours.end)
  // An end at or before the start is a night shift that finishes the next calendar day.
  const endsNextDay = endHour * 60 + endMinute <= startHour * 60 + startMinute
  const endDate = endsNextDay ? addDays(date, 1) : date
  return {
    start: fromLocal({ ...date, hour: startHour, minute: startMinute }, technician.timeZone),
    end: fromLocal({ ...endDate, hour: endHour, minute: endMinute }, technician.timeZone),
  }
}

function iso(time: number): string {
  return new Date(time).toISOString()
}

function parseTimeOfDay(text: string): [number, number] {
  const [hour = '0', minute = '0'] = text.split(':')
  return [Number(hour), Number(minute)]
}
