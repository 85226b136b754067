import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, loadConfig, loadFleet, type WorkOrder } from '../../core/index.js'
import { runFleetSimulation, type SimulationSummary } from '../../simulator/index.js'
import { createService, type Service } from '../../app/service.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { startSmtpServer, type SmtpHandle } from '../helpers/smtp.js'

const DAY_MS = 86_400_000
// A Monday, so technicians' working weeks matter; the data clock is independent of the wall clock.
const START = Date.parse('2026-03-02T00:00:00Z')
const FAILURE_AT = START + 4.5 * DAY_MS

describe('walking skeleton: device reading to work order and customer email, on real components', () => {
  let influx: InfluxdHandle
  let smtp: SmtpHandle
  let service: Service
  let summary: SimulationSummary
  let dataDir: string

  beforeAll(async () => {
    influx = await startInfluxd({ database: 'forewarn_e2e' })
    smtp = await startSmtpServer()
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-e2e-'))
    const config = loadConfig({
      env: {},
      overrides: {
        data: { dir: dataDir },
        mqtt: { port: 0 },
        http: { port: 0 },
        influx: { url: influx.url, database: influx.database },
        smtp: { url: smtp.url },
        // Nobody works the visits in this run: keep escalation (missed visits) out of the email count.
        dispatch: { escalationIntervalMs: 86_400_000 },
      },
    })
    const fleet = loadFleet('fleet/sample.json')
    service = createService({ config, fleet, logger: createLogger({ level: 'warn', destination: process.stderr }) })
    await service.start()

    const credentials = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>
    summary = await runFleetSimulation({
      brokerUrl: service.mqttUrl, fleet, credentials, startTime: START, durationMs: 6 * DAY_MS, speed: 0, seed: 11,
      degradations: [{ assetId: 'pump-01', metric: 'vibration_rms', failureAt: FAILURE_AT }],
      groundTruthFile: join(dataDir, 'ground-truth.json'), progress: null,
    })
    await service.ingest.flush()
    await service.dispatch.drainOutbox()
  }, 600_000)

  afterAll(async () => {
    await service?.stop()
    await smtp?.stop()
    await influx?.stop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens exactly one work order, for the degrading asset, with a visit before the failure', async () => {
    // The first start wrote an admin key for the operator; a planner key is what a planner gets.
    const admin = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim()
    const planner = await fetch(`${service.httpUrl}/api/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${admin}` },
      body: JSON.stringify({ name: 'planner', role: 'planner' }),
    })
    const { key } = await planner.json() as { key: string }
    const response = await fetch(`${service.httpUrl}/api/work-orders`, { headers: { authorization: `Bearer ${key}` } })
    const body = await response.json() as { items: WorkOrder[], total: number }

    expect(response.status).toBe(200)
    expect(body.items.map((wo) => [wo.assetId, wo.failureMode, wo.status])).toEqual([
      ['pump-01', 'bearing_wear', 'scheduled'],
    ])
    const [workOrder] = body.items as [WorkOrder]
    expect(workOrder.createdAt).toBeLessThan(FAILURE_AT)
    expect(workOrder.visit?.end).toBeLessThan(FAILURE_AT)
    expect(workOrder.ownerId).toBe('planner-dana')
  })

  it('sends exactly one email, to that asset\'s customer, naming equipment, visit and owner', async () => {
    const mails = await smtp.waitForMessages(1)

    expect(mails.map((m) => m.to)).toEqual([['operations@acme-water.example']])
    expect(mails[0]?.text).toMatch(/Raw water pump 1/)
    expect(mails[0]?.text).toMatch(/Dana Okafor/)
  })

  it('stores every published reading in InfluxDB', async () => {
    const query = encodeURIComponent('SELECT COUNT("value") FROM "telemetry"')
    const response = await fetch(`${influx.url}/query?db=${influx.database}&q=${query}`)
    const body = await response.json() as { results: Array<{ series?: Array<{ values: unknown[][] }> }> }
    const count = body.results[0]?.series?.[0]?.values[0]?.[1]

    expect(summary.readingsPublished).toBeGreaterThan(10_000)
    expect(count).toBe(summary.readingsPublished)
  })
})
