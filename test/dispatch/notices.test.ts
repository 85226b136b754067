import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { simpleParser } from 'mailparser'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CRASH_WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))

describe('dispatch notices over SMTP', () => {
  let tmp: ReturnType<typeof tempDir>
  let smtp: SmtpHandle
  let dbFile: string

  beforeEach(async () => {
    tmp = tempDir()
    dbFile = join(tmp.dir, 'dispatch.sqlite')
    smtp = await startSmtpServer()
  })

  afterEach(async () => {
    await smtp.stop()
    tmp.remove()
  })

  it('delivers one email per work order naming equipment, finding, visit in the customer zone and owner', async () => {
    const clock = manualClock()
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url, clock })
    await dispatch.start()
    const bearing = dispatch.handleSignal(makeSignal())
    dispatch.handleSignal(makeSignal({ id: 'sig-2', severity: 'critical' }))
    dispatch.handleSignal(makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }))

    expect(await dispatch.drainOutbox()).toEqual({ sent: 2, failed: 0 })
    clock.advance(24 * HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    await dispatch.stop()

    expect(smtp.messages).toHaveLength(2)
    const mail = smtp.messages.find((m) => m.text.includes(`work order ${bearing?.id}`))
    expect(mail).toMatchObject({
      from: 'forewarn@localhost',
      to: ['ops@water.example'],
      subject: 'Visit scheduled: preventive repair of Raw water pump 1 at North pumping station',
    })
    // 08:00 to 10:00 in Berlin, where the technician works, is 07:00 to 09:00 for the customer in London.
    const lines = [
      'Equipment: Raw water pump 1 at North pumping station',
      `What we found: ${makeSignal().evidence.summary}`,
      'Visit: Monday, 2 March 2026, 07:00 to 09:00 (Europe/London)',
      'Technician: Mira Tester',
      'Your contact for this case: Ana Okafor <ana@service.example>',
    ]
    for (const line of lines) expect(mail?.text).toContain(line)
    expect(mail?.html).toContain('<td>Ana Okafor &lt;ana@service.example&gt;</td>')
  })

  it('sends pending notices from its outbox timer without an explicit drain', async () => {
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url, outboxIntervalMs: 20 })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())

    const [mail] = await smtp.waitForMessages(1)
    expect(mail?.text).toContain(`work order ${workOrder?.id}`)
    await dispatch.stop()
    expect(smtp.messages).toHaveLength(1)
  })

  it('tells the owner at once, with the reason, when no visit fits, and the customer nothing yet', async () => {
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url })
    await dispatch.start()
    const earliest = MONDAY_0600_BERLIN + 13 * HOUR_MS
    const workOrder = dispatch.handleSignal(makeSignal({ predictedFailure: { earliest, mostLikely: earliest } }))
    await dispatch.stop()

    const [mail] = await smtp.waitForMessages(1)
    expect(mail).toMatchObject({
      to: ['ana@service.example'],
      subject: '[Forewarn] Escalation: Raw water pump 1 at North pumping station needs you',
    })
    expect(mail?.text).toContain('Why: no free 2 h slot in the working hours of tech-mira, tech-jonas ending by 2026-03-02T06:00:00.000Z')
    expect(mail?.text).toContain(`Work order: ${workOrder?.id}`)
    expect(smtp.messages).toHaveLength(1)
  })

  it('sends a notice committed by a crashed process exactly once after a restart', async () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', CRASH_WRITER, tmp.dir, dbFile], {
      cwd: REPO_ROOT, encoding: 'utf8',
    })
    expect(child.signal).toBe('SIGKILL')
    const { workOrderId } = JSON.parse(child.stdout) as { workOrderId: string }

    const clock = manualClock(Date.now())
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url, clock })
    await dispatch.start()
    expect(dispatch.getWorkOrder(workOrderId)?.status).toBe('scheduled')
    expect(dispatch.listNotices()).toMatchObject([{ workOrderId, status: 'pending', attempts: 0 }])
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    // Well past any retry delay: only the "sent" mark keeps the notice from going out again.
    clock.advance(24 * HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    expect(dispatch.listNotices()).toMatchObject([{ status: 'sent', attempts: 1, sentAt: clock.now() - 24 * HOUR_MS }])
    await dispatch.stop()

    expect(smtp.messages.map((m) => m.text.includes(workOrderId))).toEqual([true])
  })

  it('sends a notice once when two instances drain the same database at the same time', async () => {
    const first = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url }).dispatch
    const second = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: smtp.url }).dispatch
    await first.start()
    await second.start()
    first.handleSignal(makeSignal())

    const results = await Promise.all([first.drainOutbox(), second.drainOutbox()])
    await Promise.all([first.stop(), second.stop()])

    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(1)
    expect(smtp.messages).toHaveLength(1)
  })

  it('keeps a notice pending while SMTP is down and sends it once SMTP is back', async () => {
    const port = smtp.port
    await smtp.stop()
    const clock = manualClock()
    const { dispatch, logs } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: `smtp://127.0.0.1:${port}`, clock })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())

    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 1 })
    expect(dispatch.listNotices()).toMatchObject([{ status: 'pending', attempts: 1, lastError: /ECONNREFUSED/ }])
    expect(logs.find((l) => l.msg === 'notice delivery failed'))
      .toMatchObject({ level: 40, workOrderId: workOrder?.id, customerId: 'cust-water', attempt: 1 })
    // Backoff: not retried before its next attempt is due.
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })

    smtp = await startSmtpServer({ port })
    clock.advance(60_000)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    expect(dispatch.listNotices()).toMatchObject([{ status: 'sent', attempts: 2, lastError: null, sentAt: clock.now() }])
    await dispatch.stop()
    expect(smtp.messages).toHaveLength(1)
  })

  it('delivers every notice of an outage once after it ends, customer and staff alike', async () => {
    const port = smtp.port
    await smtp.stop()
    const clock = manualClock()
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, smtpUrl: `smtp://127.0.0.1:${port}`, clock })
    await dispatch.start()
    dispatch.handleSignal(makeSignal())
    dispatch.handleSignal(makeSignal({ id: 'sig-elevator', assetId: 'elevator-1', failureMode: 'door_wear' }))
    const tooLate = MONDAY_0600_BERLIN + 13 * HOUR_MS
    dispatch.handleSignal(makeSignal({ id: 'sig-late', assetId: 'pump-2', predictedFailure: { earliest: tooLate, mostLikely: tooLate } }))

    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 3 })
    clock.advance(5_000)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 3 })
    smtp = await startSmtpServer({ port })
    clock.advance(10 * 60_000)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 3, failed: 0 })
    clock.advance(HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    await dispatch.stop()

    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['ana@service.example', 'desk@towers.example', 'ops@water.example'])
  })
})

describe('dispatch notices without SMTP', () => {
  it('writes each email as an .eml file under <data.dir>/mail and logs its path', async () => {
    const tmp = tempDir()
    onTestFinished(() => tmp.remove())
    const { dispatch, logs } = makeDispatch({ dataDir: tmp.dir })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())

    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    const [notice] = dispatch.listNotices({ workOrderId: workOrder?.id })
    const file = join(tmp.dir, 'mail', `${notice?.id}.eml`)
    expect(logs.find((l) => l.msg === 'notice sent')).toMatchObject({ path: file, workOrderId: workOrder?.id })
    const parsed = await simpleParser(readFileSync(file))
    expect(parsed.subject).toBe('Visit scheduled: preventive repair of Raw water pump 1 at North pumping station')
    expect(dispatch.stats()).toMatchObject({ noticesPending: 0, noticesSent: 1 })
    await dispatch.stop()
  })
})
