import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import {
  HOUR_MS, WEBHOOK_SECRET, makeDispatch, makeSignal, manualClock, tempDir, withWebhook,
} from './fixtures.js'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js'

/** Noon in London on a Monday: outside any night-time quiet hours. */
const NOON_LONDON = Date.UTC(2026, 2, 2, 12)
const BY = 'water crm (customer key k1)'

describe('customer preferences in dispatch', () => {
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

  it('queues no email while email is off, still sends the webhook, and emails again once it is back on', async () => {
    const clock = manualClock(NOON_LONDON)
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, clock, customizeFleet: withWebhook('cust-water', receiver.url),
    })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', { channels: { email: false } }, BY)
    const workOrder = dispatch.handleSignal(makeSignal())
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    const queued = dispatch.listNotices({ customerId: 'cust-water', audience: 'customer' }).map((n) => n.channel)

    dispatch.updateCustomerPreferences('cust-water', { channels: { email: true } }, BY)
    dispatch.command(workOrder?.id ?? '', { action: 'dispatch', by: 'planner-ana' })
    expect(await dispatch.drainOutbox()).toEqual({ sent: 2, failed: 0 })
    await dispatch.stop()

    expect(queued).toEqual(['webhook'])
    expect(receiver.received.map((r) => r.headers['forewarn-event'])).toEqual(['visit.scheduled', 'technician.on_the_way'])
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      'Technician on the way: preventive repair of Raw water pump 1 at North pumping station',
    ])
  })

  it('queues no webhook while the webhook is off, and refuses to turn on a webhook the fleet lacks', async () => {
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, clock: manualClock(NOON_LONDON),
      customizeFleet: withWebhook('cust-water', receiver.url),
    })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', { channels: { webhook: false } }, BY)
    dispatch.handleSignal(makeSignal())
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    const refusal = (() => {
      try {
        return dispatch.updateCustomerPreferences('cust-towers', { channels: { webhook: true } }, BY)
      } catch (err: unknown) {
        return err
      }
    })()
    await dispatch.stop()

    expect(receiver.received).toEqual([])
    expect(smtp.messages).toHaveLength(1)
    expect(refusal).toMatchObject({
      code: 'FW_ERR_DSP_PREFERENCES_INVALID', statusCode: 422, details: { field: 'channels.webhook' },
    })
  })

  it('holds an email in quiet hours set as a preference, read on the preferred clock', async () => {
    // 23:30 in London; the fleet file gives the customer no quiet hours at all.
    const clock = manualClock(Date.UTC(2026, 2, 1, 23, 30))
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, smtpUrl: smtp.url, clock })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', { quietHours: { start: '22:00', end: '07:00' } }, BY)
    dispatch.handleSignal(makeSignal())

    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    clock.advance(7 * HOUR_MS + 30 * 60_000)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    await dispatch.stop()
    expect(smtp.messages).toHaveLength(1)
  })

  it('reads the quiet hours in the preferred time zone, not the fleet file\'s', async () => {
    // 23:30 in London is 08:30 the next morning in Tokyo: past the end of 22:00 to 07:00 there.
    const clock = manualClock(Date.UTC(2026, 2, 1, 23, 30))
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, smtpUrl: smtp.url, clock })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', {
      quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Asia/Tokyo',
    }, BY)
    dispatch.handleSignal(makeSignal())

    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    await dispatch.stop()
  })

  it('tells the visit window in the preferred time zone', async () => {
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, smtpUrl: smtp.url, clock: manualClock(NOON_LONDON) })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', { timeZone: 'america/new_york' }, BY)
    dispatch.handleSignal(makeSignal())
    await dispatch.drainOutbox()
    await dispatch.stop()

    // 08:00 to 10:00 in Berlin, where the technician works, is 02:00 to 04:00 in New York.
    expect(smtp.messages[0]?.text).toContain('Visit: Monday, 2 March 2026, 02:00 to 04:00 (America/New_York)')
  })

  it('writes the email in the preferred language, with dates on the customer\'s clock', async () => {
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, smtpUrl: smtp.url, clock: manualClock(NOON_LONDON) })
    await dispatch.start()
    dispatch.updateCustomerPreferences('cust-water', { language: 'de' }, BY)
    dispatch.handleSignal(makeSignal())
    await dispatch.drainOutbox()
    await dispatch.stop()

    const [mail] = smtp.messages
    expect(mail?.subject).toBe('Besuch geplant: Reparatur – Raw water pump 1 (North pumping station)')
    for (const line of [
      'Guten Tag Acme Water,',
      'Besuch: Montag, 2. März 2026, 07:00 bis 09:00 Uhr (Europe/London)',
      'Ihr Ansprechpartner für diesen Fall: Ana Okafor <ana@service.example>',
      'Sie müssen nichts tun. Um den Termin zu verschieben, wenden Sie sich an Ana Okafor.',
    ]) expect(mail?.text).toContain(line)
  })

  it('keeps preferences across a restart, with who changed them and when, merging each change', async () => {
    const dbFile = join(tmp.dir, 'dispatch.sqlite')
    const clock = manualClock(NOON_LONDON)
    const first = makeDispatch({ dataDir: tmp.dir, dbFile, clock }).dispatch
    await first.start()
    first.updateCustomerPreferences('cust-water', { channels: { email: false }, quietHours: null }, 'first key')
    clock.advance(HOUR_MS)
    first.updateCustomerPreferences('cust-water', { language: 'de' }, BY)
    await first.stop()

    const second = makeDispatch({ dataDir: tmp.dir, dbFile, clock }).dispatch
    await second.start()
    const preferences = second.customerPreferences('cust-water')
    const untouched = second.customerPreferences('cust-towers')
    await second.stop()

    expect(preferences).toEqual({
      customerId: 'cust-water', channels: { email: false, webhook: false }, webhookAvailable: false,
      quietHours: null, language: 'de', timeZone: 'Europe/London',
      overridden: ['email', 'language', 'quietHours'], updatedAt: NOON_LONDON + HOUR_MS, updatedBy: BY,
    })
    expect(untouched).toMatchObject({ channels: { email: true }, overridden: [], updatedAt: null, updatedBy: null })
  })

  it('names the field of an impossible change and changes nothing', async () => {
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, clock: manualClock(NOON_LONDON) })
    await dispatch.start()
    const attempt = (changes: Parameters<typeof dispatch.updateCustomerPreferences>[1]): unknown => {
      try {
        return dispatch.updateCustomerPreferences('cust-water', changes, BY)
      } catch (err: unknown) {
        return err
      }
    }
    const fields = [
      attempt({ timeZone: 'Mars/Olympus' }),
      attempt({ quietHours: { start: '22:00', end: '22:00' } }),
      attempt({ quietHours: { start: '25:00', end: '07:00' } }),
    ].map((err) => (err as { details?: { field?: string } }).details?.field)
    const after = dispatch.customerPreferences('cust-water')
    await dispatch.stop()

    expect(fields).toEqual(['timeZone', 'quietHours.end', 'quietHours.start'])
    expect(after.overridden).toEqual([])
  })
})
