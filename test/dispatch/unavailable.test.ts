import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'
import { invitationOf } from './ical.js'

const monday = (hourBerlin: number): number => Date.UTC(2026, 2, 2, hourBerlin - 1)

describe('a technician marked unavailable', () => {
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

  const start = async () => {
    const subject = makeDispatch({ dataDir: tmp.dir, dbFile: join(tmp.dir, 'd.sqlite'), smtpUrl: smtp.url, clock: manualClock() })
    await subject.dispatch.start()
    return subject
  }

  it('has their visits moved to another technician and the customer told the new time with an updated invitation', async () => {
    const { dispatch } = await start()
    const pump1 = dispatch.handleSignal(makeSignal())
    dispatch.handleSignal(makeSignal({ id: 'sig-pump-2', assetId: 'pump-2' }))
    await dispatch.drainOutbox()

    const moved = dispatch.markTechnicianUnavailable({
      technicianId: 'tech-mira', start: monday(0), end: monday(24), by: 'planner-ana', reason: 'sick leave',
    })
    await dispatch.drainOutbox()
    await dispatch.stop()

    // Jonas has pump-2 from 09:00 to 11:00 Berlin, so pump-1 follows at 11:00.
    expect(moved).toMatchObject([{ id: pump1?.id, technicianId: 'tech-jonas', visit: { start: monday(11) }, visitSequence: 2 }])
    expect(moved[0]?.history.at(-1)).toMatchObject({
      by: 'planner-ana', action: 'rescheduled', reason: /^technician tech-mira \(Mira Tester\) is unavailable .*: sick leave; technician tech-jonas/,
    })
    const mail = smtp.messages.find((m) => m.subject.startsWith('Visit moved'))
    expect(mail?.text).toContain('It was planned for Monday, 2 March 2026, 07:00 to 09:00 (Europe/London). Reason: the technician is no longer available at that time.')
    expect(mail?.text).not.toMatch(/sick leave|open visits/)
    expect(mail?.text).toContain('Visit: Monday, 2 March 2026, 10:00 to 12:00 (Europe/London)')
    expect(mail?.text).toContain('Technician: Jonas Tester')
    const invitation = await invitationOf(mail?.raw ?? '')
    expect(invitation).toMatchObject({
      method: 'REQUEST', events: [{ uid: `${pump1?.id}@forewarn`, sequence: 2, start: monday(11), end: monday(13) }],
    })
  })

  it('has a visit with no slot left postponed, the customer told and the owner escalated to at once', async () => {
    const { dispatch } = await start()
    // Failure from Tuesday 10:00 Berlin: visits must end by Monday 22:00, so only Monday's shifts fit.
    const earliest = MONDAY_0600_BERLIN + 28 * HOUR_MS
    const workOrder = dispatch.handleSignal(makeSignal({ predictedFailure: { earliest, mostLikely: earliest } }))
    for (const technicianId of ['tech-jonas', 'tech-mira']) {
      dispatch.markTechnicianUnavailable({ technicianId, start: monday(0), end: monday(24), by: 'planner-ana', reason: 'training' })
    }
    await dispatch.drainOutbox()
    await dispatch.stop()

    const subjects = smtp.messages.map((m) => [m.to[0], m.subject])
    expect(subjects).toEqual([
      ['ops@water.example', 'Visit scheduled: preventive repair of Raw water pump 1 at North pumping station'],
      ['ops@water.example', 'Visit postponed: preventive repair of Raw water pump 1 at North pumping station'],
      ['ana@service.example', '[Forewarn] Escalation: Raw water pump 1 at North pumping station needs you'],
    ])
    const postponed = await invitationOf(smtp.messages[1]?.raw ?? '')
    expect(postponed).toMatchObject({ method: 'CANCEL', events: [{ uid: `${workOrder?.id}@forewarn`, sequence: 2, status: 'CANCELLED' }] })
  })
})
