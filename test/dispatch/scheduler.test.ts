import { describe, expect, it } from 'vitest'
import { loadConfig, type Technician } from '../../core/index.js'
import { deadlineFor, earliestSlot, planVisit } from '../../dispatch/scheduler.js'
import { HOUR_MS, makeSignal } from './fixtures.js'

const TWO_HOURS = 2 * HOUR_MS

function technician(overrides: Partial<Technician> = {}): Technician {
  return {
    id: 'tech-a',
    name: 'A',
    skills: ['pump-mechanic'],
    siteIds: ['site-1'],
    timeZone: 'Europe/Berlin',
    workingHours: { start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5] },
    ...overrides,
  }
}

function request(notBefore: number, deadline = notBefore + 30 * 24 * HOUR_MS) {
  return { notBefore, deadline, durationMs: TWO_HOURS }
}

describe('earliestSlot', () => {
  it('follows the spring-forward change: Monday 08:00 in Berlin is 06:00 UTC after it', () => {
    // Saturday 28 March 2026; Berlin moves to CEST (UTC+2) early on Sunday 29 March.
    const slot = earliestSlot(technician(), request(Date.UTC(2026, 2, 28, 12)), [])

    expect(slot).toEqual({ start: Date.UTC(2026, 2, 30, 6), end: Date.UTC(2026, 2, 30, 8) })
  })

  it('follows the fall-back change in New York on the day it happens', () => {
    const tech = technician({ timeZone: 'America/New_York', workingHours: { start: '07:00', end: '19:00', days: [7] } })
    // Sunday 1 November 2026, 00:00 EDT; at 02:00 clocks go back to EST (UTC-5).
    const slot = earliestSlot(tech, request(Date.UTC(2026, 10, 1, 4)), [])

    expect(slot).toEqual({ start: Date.UTC(2026, 10, 1, 12), end: Date.UTC(2026, 10, 1, 14) })
  })

  it('starts no earlier than the detection time, on the next quarter hour of the shift', () => {
    const slot = earliestSlot(technician(), request(Date.UTC(2026, 2, 2, 9, 7)), [])

    expect(slot?.start).toBe(Date.UTC(2026, 2, 2, 9, 15))
  })

  it('moves past existing visits and onto the next working day when the shift is full', () => {
    const monday = (hour: number): number => Date.UTC(2026, 2, 2, hour - 1)
    const busy = [
      { start: monday(10), end: monday(15) },
      { start: monday(8), end: monday(10) },
    ]

    expect(earliestSlot(technician(), request(monday(8)), busy)?.start).toBe(monday(15))
    busy.push({ start: monday(15), end: monday(16) })
    expect(earliestSlot(technician(), request(monday(8)), busy)?.start).toBe(Date.UTC(2026, 2, 3, 7))
  })

  it('uses a night shift that began the evening before', () => {
    const tech = technician({ workingHours: { start: '22:00', end: '06:00', days: [1] } })
    // Tuesday 3 March 2026, 02:00 in Berlin, inside Monday's night shift.
    const slot = earliestSlot(tech, request(Date.UTC(2026, 2, 3, 1)), [])

    expect(slot).toEqual({ start: Date.UTC(2026, 2, 3, 1), end: Date.UTC(2026, 2, 3, 3) })
  })

  it('returns null when no visit in working hours can end by the deadline', () => {
    const friday1700 = Date.UTC(2026, 2, 6, 16)

    expect(earliestSlot(technician(), request(friday1700, friday1700 + 60 * HOUR_MS), [])).toBeNull()
    expect(earliestSlot(technician(), request(friday1700, friday1700 + 66 * HOUR_MS), [])).toEqual({
      start: Date.UTC(2026, 2, 9, 7), end: Date.UTC(2026, 2, 9, 9),
    })
  })
})

describe('planVisit', () => {
  const monday0800 = Date.UTC(2026, 2, 2, 7)
  const base = { skill: 'pump-mechanic', siteId: 'site-1', request: request(monday0800) }

  it('prefers the technician with the earliest slot over an idler one', () => {
    const early = technician({ id: 'tech-b' })
    const late = technician({ id: 'tech-a', workingHours: { start: '10:00', end: '17:00', days: [1] } })
    const visits: Record<string, Array<{ start: number, end: number }>> = {
      'tech-b': [{ start: monday0800 + 50 * HOUR_MS, end: monday0800 + 52 * HOUR_MS }],
    }
    const result = planVisit({ ...base, technicians: [late, early], openVisits: (id) => visits[id] ?? [] })

    expect(result).toMatchObject({ ok: true, assignment: { technician: { id: 'tech-b' }, load: 1 } })
  })

  it('breaks a tie on the slot by choosing the least loaded technician', () => {
    const visits: Record<string, Array<{ start: number, end: number }>> = {
      'tech-a': [{ start: monday0800 + 50 * HOUR_MS, end: monday0800 + 52 * HOUR_MS }],
    }
    const technicians = [technician({ id: 'tech-a' }), technician({ id: 'tech-b' })]
    const result = planVisit({ ...base, technicians, openVisits: (id) => visits[id] ?? [] })

    expect(result).toMatchObject({ ok: true, assignment: { technician: { id: 'tech-b' }, load: 0 } })
  })

  it('gives the job to a less loaded technician whose slot is within the balance window, and says why', () => {
    const busy = technician({ id: 'tech-a' })
    const idle = technician({ id: 'tech-b', workingHours: { start: '09:30', end: '17:00', days: [1] } })
    const visits: Record<string, Array<{ start: number, end: number }>> = {
      'tech-a': [{ start: monday0800 + 50 * HOUR_MS, end: monday0800 + 52 * HOUR_MS }],
    }
    const input = { ...base, technicians: [busy, idle], openVisits: (id: string) => visits[id] ?? [] }

    expect(planVisit({ ...input, balanceWindowMs: 2 * HOUR_MS })).toMatchObject({
      ok: true,
      assignment: {
        technician: { id: 'tech-b' },
        why: 'technician tech-b (A, 0 open visits) takes the slot 2026-03-02T08:30:00.000Z to 2026-03-02T10:30:00.000Z, within 2 h of the earliest, to balance load; also possible: tech-a from 2026-03-02T07:00:00.000Z with 1 open visits',
      },
    })
    expect(planVisit({ ...input, balanceWindowMs: HOUR_MS })).toMatchObject({ ok: true, assignment: { technician: { id: 'tech-a' } } })
  })

  it('keeps a technician\'s absences free without counting them as load', () => {
    const absent = [{ start: monday0800 - HOUR_MS, end: monday0800 + 24 * HOUR_MS }]
    const result = planVisit({ ...base, technicians: [technician()], openVisits: () => [], absences: () => absent })

    expect(result).toMatchObject({ ok: true, assignment: { load: 0, visit: { start: Date.UTC(2026, 2, 3, 7) } } })
  })

  it('only considers technicians with the skill who cover the site', () => {
    const technicians = [technician({ siteIds: ['site-2'] }), technician({ id: 'tech-b', skills: ['electrician'] })]

    expect(planVisit({ ...base, technicians, openVisits: () => [] }))
      .toEqual({ ok: false, reason: 'no technician with skill pump-mechanic covers site site-1' })
  })
})

describe('deadlineFor', () => {
  const settings = loadConfig({ env: {} }).dispatch

  it('is the earliest predicted failure minus the safety margin', () => {
    const signal = makeSignal()

    expect(deadlineFor(signal, settings).at).toBe((signal.predictedFailure?.earliest ?? 0) - 12 * HOUR_MS)
  })

  it('is the detection time plus the default horizon without a prediction', () => {
    const signal = makeSignal({ predictedFailure: null })

    expect(deadlineFor(signal, settings)).toEqual({
      at: signal.detectedAt + 72 * HOUR_MS,
      basis: 'no failure prediction; default deadline of 72 h after detection',
    })
  })
})
