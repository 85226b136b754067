import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { HOUR_MS, WEBHOOK_SECRET, makeDispatch, makeSignal, manualClock, tempDir, withWebhook } from './fixtures.js'
import { invitationOf } from './ical.js'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js'

/** Three problems of one customer found at the same moment. */
const BURST = [
  makeSignal(),
  makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }),
  makeSignal({ id: 'sig-pump-2', assetId: 'pump-2' }),
]

describe('customer notices without storms', () => {
  let tmp: ReturnType<typeof tempDir>
  let smtp: SmtpHandle
  let receiver: WebhookReceiver

  beforeEach(async () => {
    tmp = tempDir()
    smtp = await startSmtpServer()
    receiver = await startWebhookReceiver(WEBHOOK_SECRET)
  })

  afterEach(async () => {
    await receiver.stop()
    await smtp.stop()
    tmp.remove()
  })

  it('sends one digest email when many assets of one customer are affected at once, and a webhook each', async () => {
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, customizeFleet: withWebhook('cust-water', receiver.url),
    })
    await dispatch.start()
    const workOrders = BURST.map((signal) => dispatch.handleSignal(signal))
    BURST.forEach((signal, i) => dispatch.handleSignal({ ...signal, id: `${signal.id}-again-${i}` }))
    expect(await dispatch.drainOutbox()).toEqual({ sent: 4, failed: 0 })
    const notices = dispatch.listNotices()
    await dispatch.stop()

    expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([
      [['ops@water.example'], 'Maintenance update: 3 work orders for Acme Water'],
    ])
    for (const workOrder of workOrders) expect(smtp.messages[0]?.text).toContain(`work order ${workOrder?.id}`)
    const invitation = await invitationOf(smtp.messages[0]?.raw ?? '')
    expect(invitation?.events.map((e) => e.uid)).toEqual(workOrders.map((w) => `${w?.id}@forewarn`))
    expect(receiver.received.map((r) => r.headers['forewarn-event'])).toEqual(['visit.scheduled', 'visit.scheduled', 'visit.scheduled'])
    expect(notices.filter((n) => n.template === 'visit-scheduled').map((n) => n.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'sent'])
  })

  it('holds customer emails in quiet hours, sends webhooks and staff alerts at once, and the pile as a digest after', async () => {
    // 23:30 in London, inside the customer's quiet hours from 22:00 to 07:00.
    const clock = manualClock(Date.UTC(2026, 2, 1, 23, 30))
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, clock,
      customizeFleet: withWebhook('cust-water', receiver.url, { start: '22:00', end: '07:00' }),
    })
    await dispatch.start()
    BURST.forEach((signal) => dispatch.handleSignal(signal))
    const soon = BURST[0]?.detectedAt ?? 0
    dispatch.handleSignal(makeSignal({ id: 'sig-urgent', failureMode: 'cavitation', predictedFailure: { earliest: soon, mostLikely: soon } }))

    expect(await dispatch.drainOutbox()).toEqual({ sent: 4, failed: 0 })
    expect(smtp.messages.map((m) => m.to[0])).toEqual(['ana@service.example'])
    clock.advance(7 * HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    clock.advance(HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    await dispatch.stop()

    expect(smtp.messages.map((m) => m.subject)).toEqual([
      '[Forewarn] Escalation: Raw water pump 1 at North pumping station needs you',
      'Maintenance update: 3 work orders for Acme Water',
    ])
  })
})
