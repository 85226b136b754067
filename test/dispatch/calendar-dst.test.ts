import { dispatchApp } from '../helpers/api-app.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FleetData } from '../../core/index.js'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { HOUR_MS, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'
import { invitationOf, parseCalendar } from './ical.js'

const DAY_MS = 24 * HOUR_MS
const berlinTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

/** Only Mira repairs pumps, so her calendar fills up and visits spill over the weekend. */
function onlyMira(change?: (data: FleetData) => void): (data: FleetData) => void {
  return (data) => {
    data.technicians = data.technicians.filter((t) => t.id !== 'tech-jonas')
    change?.(data)
  }
}

/** Five pump-1 problems found at once, each its own work order and visit. */
function fiveProblems(detectedAt: number) {
  return ['f1', 'f2', 'f3', 'f4', 'f5'].map((failureMode) => makeSignal({
    id: `sig-${failureMode}`, failureMode, detectedAt,
    predictedFailure: { earliest: detectedAt + 10 * DAY_MS, mostLikely: detectedAt + 12 * DAY_MS },
  }))
}

describe('visit windows across daylight-saving changes', () => {
  let tmp: ReturnType<typeof tempDir>
  let smtp: SmtpHandle

  beforeEach(async () => {
    tmp = tempDir()
    smtp = await startSmtpServer()
  })

  afterEach(async () => {
    await smtp.stop()
    tmp.remove()
  })

  const run = async (customizeFleet: (data: FleetData) => void, detectedAt: number) => {
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, clock: manualClock(detectedAt), customizeFleet,
      dispatch: { digestThreshold: 100 },
    })
    await dispatch.start()
    const workOrders = fiveProblems(detectedAt).map((s) => dispatch.handleSignal(s))
    const app = await dispatchApp(dispatch)
    const feed = await app.inject({ method: 'GET', url: '/api/technicians/tech-mira/calendar.ics' })
    await app.close()
    await dispatch.drainOutbox()
    await dispatch.stop()
    return { workOrders, feed }
  }

  it('keeps the technician\'s 08:00 start across Berlin\'s spring-forward, in the feed and in the invitations', async () => {
    // Friday 27 March 2026, 06:00 Berlin (CET); Berlin and London move an hour on Sunday 29 March.
    const { workOrders, feed } = await run(onlyMira(), Date.UTC(2026, 2, 27, 5))

    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8')
    const calendar = parseCalendar(feed.body)
    expect(calendar).toMatchObject({ name: 'Forewarn visits: Mira Tester', timeZone: 'Europe/Berlin', method: null })
    // A calendar property, so before the first component (RFC 5545 §3.4), where strict clients look for it.
    expect(feed.body.indexOf('X-WR-TIMEZONE:Europe/Berlin\r\n')).toBeLessThan(feed.body.indexOf('BEGIN:VEVENT'))
    const starts = calendar.events.map((e) => e.start)
    expect(starts.map((s) => berlinTime.format(s))).toEqual(['Fri 08:00', 'Fri 10:00', 'Fri 12:00', 'Fri 14:00', 'Mon 08:00'])
    expect([starts[0], starts[4]]).toEqual([Date.UTC(2026, 2, 27, 7), Date.UTC(2026, 2, 30, 6)])
    expect(calendar.events.map((e) => e.uid)).toEqual(workOrders.map((w) => `${w?.id}@forewarn`))

    // London changes with Berlin, so the customer reads 07:00 on both days.
    const monday = smtp.messages.find((m) => m.text.includes(`work order ${workOrders[4]?.id}`))
    expect(monday?.text).toContain('Visit: Monday, 30 March 2026, 07:00 to 09:00 (Europe/London)')
    expect(smtp.messages[0]?.text).toContain('Visit: Friday, 27 March 2026, 07:00 to 09:00 (Europe/London)')
    const invitation = await invitationOf(monday?.raw ?? '')
    expect(invitation?.events.map((e) => [e.start, e.end]))
      .toEqual([[Date.UTC(2026, 2, 30, 6), Date.UTC(2026, 2, 30, 8)]])
  })

  it('shows the same UTC visit an hour later on the customer\'s clock after New York\'s spring-forward', async () => {
    const inNewYork = onlyMira((data) => {
      const site = data.sites.find((s) => s.id === 'site-north')
      if (site !== undefined) site.customerId = 'cust-towers'
    })
    // Friday 6 March 2026; New York moves to EDT on Sunday 8 March, Berlin not until 29 March.
    const { workOrders } = await run(inNewYork, Date.UTC(2026, 2, 6, 5))

    const textOf = (i: number) => smtp.messages.find((m) => m.text.includes(`work order ${workOrders[i]?.id}`))?.text
    expect(workOrders.map((w) => w?.visit?.start)).toEqual([7, 9, 11, 13].map((h) => Date.UTC(2026, 2, 6, h))
      .concat(Date.UTC(2026, 2, 9, 7)))
    expect(textOf(0)).toContain('Visit: Friday, 6 March 2026, 02:00 to 04:00 (America/New_York)')
    expect(textOf(4)).toContain('Visit: Monday, 9 March 2026, 03:00 to 05:00 (America/New_York)')
  })

  it('reads a two-hour visit across the change itself as 00:00 to 03:00 on the local clock', async () => {
    const nightShift = onlyMira((data) => {
      const mira = data.technicians.find((t) => t.id === 'tech-mira')
      if (mira !== undefined) mira.workingHours = { start: '00:00', end: '06:00', days: [7] }
      const customer = data.customers.find((c) => c.id === 'cust-water')
      if (customer !== undefined) customer.timeZone = 'Europe/Berlin'
    })
    const { workOrders } = await run(nightShift, Date.UTC(2026, 2, 28, 11))

    expect(workOrders[0]?.visit).toEqual({ start: Date.UTC(2026, 2, 28, 23), end: Date.UTC(2026, 2, 29, 1) })
    expect(smtp.messages[0]?.text).toContain('Visit: Sunday, 29 March 2026, 00:00 to 03:00 (Europe/Berlin)')
  })
})

describe('technician calendar feed', () => {
  it('lists visits with their sequence, marks cancelled ones and shows absences; 404 for an unknown technician', async () => {
    const tmp = tempDir()
    const monday = Date.UTC(2026, 2, 2, 5)
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, clock: manualClock(monday) })
    await dispatch.start()
    const kept = dispatch.handleSignal(makeSignal())
    const cancelled = dispatch.handleSignal(makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }))
    dispatch.command(cancelled?.id ?? '', { action: 'assign', by: 'planner-ana', technicianId: 'tech-mira' })
    dispatch.command(cancelled?.id ?? '', { action: 'cancel', by: 'planner-ana', reason: 'duplicate' })
    dispatch.markTechnicianUnavailable({
      technicianId: 'tech-mira', start: monday + 3 * DAY_MS, end: monday + 4 * DAY_MS, by: 'planner-ana', reason: 'training',
    })
    const app = await dispatchApp(dispatch)
    const feed = await app.inject({ method: 'GET', url: '/api/technicians/tech-mira/calendar.ics' })
    const missing = await app.inject({ method: 'GET', url: '/api/technicians/tech-nobody/calendar.ics' })
    await app.close()
    await dispatch.stop()
    tmp.remove()

    expect(parseCalendar(feed.body).events.map((e) => [e.uid, e.sequence, e.status, e.summary])).toEqual([
      [`${kept?.id}@forewarn`, 1, 'CONFIRMED', 'Preventive repair: Raw water pump 1'],
      [`${cancelled?.id}@forewarn`, 2, 'CANCELLED', 'Preventive repair: Raw water pump 1'],
      ['absence-1@forewarn', 0, null, 'Unavailable: training'],
    ])
    expect([missing.statusCode, missing.json()]).toMatchObject([404, { code: 'FW_ERR_DSP_TECHNICIAN_NOT_FOUND' }])
  })
})
