import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, loadConfig, loadFleet, parseFleet, type Fleet } from '../../core/index.js'
import type { WorkOrderView } from '../../dispatch/index.js'
import { runFleetSimulation } from '../../simulator/index.js'
import { createService, type Service } from '../../app/service.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'
import { invitationOf } from '../dispatch/ical.js'
import { startWebhookReceiver, type WebhookReceiver } from '../dispatch/webhook-receiver.js'

const DAY_MS = 86_400_000
const START = Date.parse('2026-03-02T00:00:00Z')
const FAILURE_AT = START + 4.5 * DAY_MS
const WEBHOOK_SECRET = 'whsec-e2e-0123456789abcdef'
const credentials = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>

function fleetWithWebhook(url: string): Fleet {
  const data = structuredClone(loadFleet('fleet/sample.json').data)
  const customer = data.customers.find((c) => c.id === 'acme-water')
  if (customer === undefined) throw new Error('sample fleet lost acme-water')
  customer.webhook = { url, secret: WEBHOOK_SECRET }
  return parseFleet(data)
}

/**
 * The whole chain through the running service, on real components: a degrading pump's
 * telemetry over MQTT, a Signal, a scheduled work order, an email with an invitation and a
 * signed webhook, the technician's work through the HTTP API, and the repair verified by the
 * pump's telemetry afterwards.
 */
describe('whole chain: degradation to telemetry-verified closure', () => {
  let influx: InfluxdHandle
  let smtp: SmtpHandle
  let receiver: WebhookReceiver
  let service: Service
  let fleet: Fleet
  let dataDir: string
  let workOrder: WorkOrderView
  let adminKey: string

  const post = async (action: string, body: object): Promise<WorkOrderView> => {
    const response = await fetch(`${service.httpUrl}/api/work-orders/${workOrder.id}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${adminKey}` },
      body: JSON.stringify(body),
    })
    expect(response.status, await response.clone().text()).toBe(200)
    return await response.json() as WorkOrderView
  }

  beforeAll(async () => {
    influx = await startInfluxd({ database: 'forewarn_chain' })
    smtp = await startSmtpServer()
    receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-chain-'))
    fleet = fleetWithWebhook(receiver.url)
    const config = loadConfig({
      env: {},
      overrides: {
        data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 },
        influx: { url: influx.url, database: influx.database }, smtp: { url: smtp.url },
        // Escalations are driven explicitly below, so the timer cannot race the assertions.
        dispatch: { escalationIntervalMs: 86_400_000 },
      },
    })
    service = createService({ config, fleet, logger: createLogger({ level: 'warn', destination: process.stderr }) })
    await service.start()
    adminKey = service.http.keys.create({ name: 'chain operator', role: 'admin' }).key
    await runFleetSimulation({
      brokerUrl: service.mqttUrl, fleet, credentials, startTime: START, durationMs: 4 * DAY_MS, speed: 0, seed: 11,
      degradations: [{ assetId: 'pump-01', metric: 'vibration_rms', failureAt: FAILURE_AT }], progress: null,
      deviceIds: ['dev-pump-01', 'dev-pump-02'],
    })
    await service.ingest.flush()
    await service.dispatch.drainOutbox()
    const { items } = service.dispatch.listWorkOrders({})
    workOrder = (items[0] ?? expect.fail('no work order opened')) as WorkOrderView
  }, 600_000)

  afterAll(async () => {
    await service?.stop()
    await receiver?.stop()
    await smtp?.stop()
    await influx?.stop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  it('books a visit before the failure and tells the customer by email with an invitation and by webhook', async () => {
    const [mail] = await smtp.waitForMessages(1)
    const [hook] = await receiver.waitFor(1)
    const invitation = await invitationOf(mail?.raw ?? '')

    expect([workOrder.assetId, workOrder.status]).toEqual(['pump-01', 'scheduled'])
    expect(workOrder.visit?.end).toBeLessThan(FAILURE_AT)
    expect(invitation?.events.map((e) => e.start)).toEqual([workOrder.visit?.start])
    expect([hook?.isSignatureValid, hook?.headers['forewarn-event']]).toEqual([true, 'visit.scheduled'])
  })

  it('takes the technician\'s work through the API to a confirmed fault, then verifies it by telemetry', async () => {
    const by = workOrder.technicianId ?? 'tech-mira'
    await post('dispatch', { by })
    await post('start', { by })
    const completed = await post('complete', { by, outcome: 'fault_confirmed', part: 'drive-end bearing 6309' })
    expect(completed.closure).toMatchObject({ state: 'watching' })

    // After the repair the pump reports healthy readings for four more days.
    await runFleetSimulation({
      brokerUrl: service.mqttUrl, fleet, credentials, startTime: service.dispatch.now() + 60_000,
      durationMs: 4 * DAY_MS, speed: 0, seed: 12, progress: null, deviceIds: ['dev-pump-01'],
    })
    await service.ingest.flush()
    service.dispatch.runEscalations()

    const verified = service.dispatch.getWorkOrder(workOrder.id) as WorkOrderView | undefined
    expect(verified?.closure).toMatchObject({ state: 'verified' })
    expect(service.dispatch.listWorkOrders({ assetId: 'pump-01' }).total).toBe(1)
  })
})
