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
  /** Why this technician and slot, in words for the work order's history. */
  why: string
}

export type PlanResult = { ok: true, assignment: Assignment } | { ok: false, reason: string }

/** The visit deadline: earliest predicted failure minus the safety margin, else a default. */
export function deadlineFor(
  signal: Pick<Signal, 'detectedAt' | 'predictedFailure'>,
  settings: Pick<Config['dispatch'], 'safetyMarginHours' | 'defaultDeadlineHours'>,
): Deadline {
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

export interface PlanInput {
  technicians: readonly Technician[]
  skill: string
  siteId: string
  /** False for remote work: site coverage does not matter, only skill and hours. */
  onSite?: boolean
  request: VisitRequest
  /** Busy windows of a technician: open visits (load) and absences (not load). */
  openVisits: (technicianId: string) => VisitWindow[]
  absences?: (technicianId: string) => VisitWindow[]
  /**
   * Technicians whose earliest slot starts at most this much after the overall earliest one
   * compete on load (fewest open visits wins), so the first free calendar does not take every
   * job. 0 keeps the strict earliest-slot rule.
   */
  balanceWindowMs?: number
}

/**
 * Picks the earliest feasible visit among technicians with the skill who cover the site,
 * balancing load within the balance window; ties go to the smaller id so the choice is
 * reproducible. The reason names the alternatives that lost.
 */
export function planVisit(input: PlanInput): PlanResult {
  const { skill, siteId, request } = input
  const onSite = input.onSite ?? true
  const qualified = input.technicians
    .filter((t) => t.skills.includes(skill) && (!onSite || t.siteIds.includes(siteId)))
  if (qualified.length === 0) {
    const where = onSite ? ` covers site ${siteId}` : ''
    return { ok: false, reason: `no technician with skill ${skill}${where}` }
  }

  const options: Array<Omit<Assignment, 'why'>> = []
  for (const technician of qualified) {
    const visits = input.openVisits(technician.id)
    const busy = [...visits, ...(input.absences?.(technician.id) ?? [])]
    const visit = earliestSlot(technician, request, busy)
    if (visit !== null) options.push({ technician, visit, load: visits.length })
  }
  const best = choose(options, input.balanceWindowMs ?? 0)
  if (best !== null) return { ok: true, assignment: best }

  const hours = request.durationMs / HOUR_MS
  const names = qualified.map((t) => t.id).join(', ')
  const reason = `no free ${hours} h slot in the working hours of ${names} ending by ${iso(request.deadline)}`
  return { ok: false, reason }
}

function choose(options: Array<Omit<Assignment, 'why'>>, balanceWindowMs: number): Assignment | null {
  const byStart = [...options].sort((a, b) => a.visit.start - b.visit.start || a.load - b.load
    || a.technician.id.localeCompare(b.technician.id))
  const earliest = byStart[0]
  if (earliest === undefined) return null
  const contenders = byStart.filter((o) => o.visit.start <= earliest.visit.start + balanceWindowMs)
  contenders.sort((a, b) => a.load - b.load || a.visit.start - b.visit.start
    || a.technician.id.localeCompare(b.technician.id))
  const best = contenders[0] ?? earliest

  const describe = (o: Omit<Assignment, 'why'>): string =>
    `${o.technician.id} (${o.technician.name}, ${o.load} open visits)`
  const slot = `${iso(best.visit.start)} to ${iso(best.visit.end)}`
  const others = byStart.filter((o) => o !== best)
    .map((o) => `${o.technician.id} from ${iso(o.visit.start)} with ${o.load} open visits`)
  const tail = others.length === 0 ? '' : `; also possible: ${others.join(', ')}`
  const why = best === earliest
    ? `technician ${describe(best)} has the earliest free slot ${slot}${tail}`
    : `technician ${describe(best)} takes the slot ${slot}, within ${balanceWindowMs / HOUR_MS} h of the earliest, to balance load${tail}`
  return { ...best, why }
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

/** Whether the visit lies entirely inside one of the technician's shifts (their own zone). */
export function withinWorkingHours(technician: Technician, visit: VisitWindow): boolean {
  const day = toLocal(visit.start, technician.timeZone)
  // The shift of the day before may be a night shift still running at the visit's start.
  for (const offset of [-1, 0]) {
    const shift = shiftOn(technician, addDays(day, offset))
    if (shift !== null && shift.start <= visit.start && visit.end <= shift.end) return true
  }
  return false
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
