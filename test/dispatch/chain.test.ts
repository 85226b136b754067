import type { ApiServer } from '../../api/server.js'
import { workOrderRoutes } from '../../api/routes/work-orders.js'
import { apiServerWith } from '../helpers/api-app.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Reading } from '../../core/index.js'
import type { Dispatch, WorkOrderView } from '../../dispatch/index.js'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { HOUR_MS, MONDAY_0600_BERLIN, WEBHOOK_SECRET, makeDispatch, makeSignal, manualClock, tempDir, withWebhook } from './fixtures.js'
import { invitationOf } from './ical.js'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js'

/**
 * Dispatch's whole chain on real components: a Signal becomes a scheduled visit, the customer
 * gets an email with an invitation and a signed webhook, the technician works it through the
 * HTTP API to a confirmed fault, and the asset's readings verify the repair.
 */
describe('dispatch chain: signal to verified closure', () => {
  const tmp = tempDir()
  const clock = manualClock(Date.UTC(2026, 2, 2, 9))
  let smtp: SmtpHandle
  let receiver: WebhookReceiver
  let dispatch: Dispatch
  let server: ApiServer
  let baseUrl: string
  let workOrder: WorkOrderView

  const post = async (action: string, body: object): Promise<WorkOrderView> => {
    const response = await fetch(`${baseUrl}/api/work-orders/${workOrder.id}/${action}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
    expect(response.status).toBe(200)
    return await response.json() as WorkOrderView
  }

  beforeAll(async () => {
    smtp = await startSmtpServer()
    receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    dispatch = makeDispatch({
      dataDir: tmp.dir, smtpUrl: smtp.url, clock, customizeFleet: withWebhook('cust-water', receiver.url),
    }).dispatch
    await dispatch.start()
    server = apiServerWith([(app) => workOrderRoutes(app, dispatch)])
    await server.start()
    baseUrl = server.url
    workOrder = dispatch.handleSignal(makeSignal()) ?? expect.fail('no work order')
    await dispatch.drainOutbox()
  })

  afterAll(async () => {
    await server.stop()
    await dispatch.stop()
    await receiver.stop()
    await smtp.stop()
    tmp.remove()
  })

  it('books a visit and tells the customer by email with an invitation, and by signed webhook', async () => {
    const [mail] = await smtp.waitForMessages(1)
    const [hook] = await receiver.waitFor(1)

    expect(workOrder).toMatchObject({ status: 'scheduled', technicianId: 'tech-mira', ownerId: 'planner-ana' })
    expect(mail?.subject).toBe('Visit scheduled: preventive repair of Raw water pump 1 at North pumping station')
    expect((await invitationOf(mail?.raw ?? ''))?.events).toMatchObject([{ uid: `${workOrder.id}@forewarn`, start: workOrder.visit?.start }])
    expect([hook?.isSignatureValid, hook?.headers['forewarn-event']]).toEqual([true, 'visit.scheduled'])
  })

  it('tells the customer the technician is on the way and, on completion, the outcome in plain words', async () => {
    await post('dispatch', { by: 'tech-mira' })
    await post('start', { by: 'tech-mira' })
    const completed = await post('complete', { by: 'tech-mira', outcome: 'fault_confirmed', part: 'drive-end bearing 6309' })
    await dispatch.drainOutbox()

    expect(completed).toMatchObject({ status: 'completed', closure: { state: 'watching' } })
    expect(smtp.messages.map((m) => m.subject.split(':')[0])).toEqual(['Visit scheduled', 'Technician on the way', 'Work completed'])
    expect(smtp.messages[2]?.text).toContain('Mira Tester confirmed the fault and replaced drive-end bearing 6309.')
    expect(receiver.received.map((r) => r.headers['forewarn-event']))
      .toEqual(['visit.scheduled', 'technician.on_the_way', 'work_order.completed'])
  })

  it('verifies the closure once the readings stay normal for the watch period', async () => {
    const reading = (hours: number): Reading => ({
      deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'vibration_rms', time: MONDAY_0600_BERLIN + hours * HOUR_MS,
      value: 2.2, tags: { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' },
    })
    for (const hours of [6, 24, 48, 73]) dispatch.observeReading(reading(hours))
    dispatch.runEscalations()

    const response = await fetch(`${baseUrl}/api/work-orders/${workOrder.id}`)
    const verified = await response.json() as WorkOrderView
    expect(verified.closure).toMatchObject({ state: 'verified' })
    expect(verified.history.map((h) => h.action)).toEqual([
      'opened', 'scheduled', 'dispatched', 'started', 'completed', 'closure_watch_started', 'closure_verified',
    ])
  })
})
