import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createService, type Service } from '../../app/service.js'
import { createLogger, loadConfig, loadFleet, type Config, type Fleet, type Signal } from '../../core/index.js'
import { runFleetSimulation } from '../../simulator/index.js'

const DAY_MS = 86_400_000
const START = Date.parse('2026-03-02T00:00:00Z')
const FAILURE_AT = START + 4.5 * DAY_MS

/**
 * A restart neither forgets nor alarms: the second service rebuilds its models from the
 * telemetry store (warm start) and from dispatch's record of what visits found (outcome
 * replay) before its broker opens, and raises no Signal while doing so.
 */
describe('models across a restart', () => {
  let dataDir: string
  let config: Config
  let fleet: Fleet
  let first: Service
  let second: Service | undefined
  const signalsDuringRestart: Signal[] = []

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-restart-'))
    config = loadConfig({
      env: {},
      overrides: {
        data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 }, dispatch: { escalationIntervalMs: 86_400_000 },
      },
    })
    fleet = loadFleet('fleet/sample.json')
    const credentials = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>
    first = createService({ config, fleet, logger: createLogger({ level: 'silent' }) })
    await first.start()
    await runFleetSimulation({
      brokerUrl: first.mqttUrl, fleet, credentials, startTime: START, durationMs: 4 * DAY_MS, speed: 0, seed: 11,
      degradations: [{ assetId: 'pump-01', metric: 'vibration_rms', failureAt: FAILURE_AT }], progress: null,
      deviceIds: ['dev-pump-01', 'dev-pump-02'],
    })
    await first.ingest.flush()
  }, 300_000)

  afterAll(async () => {
    await second?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('tells the models what a visit found, and tells them again after a restart', async () => {
    const [workOrder] = first.dispatch.listWorkOrders({ status: 'open' }).items
    expect(workOrder?.assetId).toBe('pump-01')
    first.dispatch.command(workOrder?.id ?? '', { action: 'start', by: 'tech' })
    first.dispatch.command(workOrder?.id ?? '', { action: 'complete', by: 'tech', outcome: 'no_fault_found' })
    const before = first.models.detectorOutcomes().reduce((n, d) => n + d.noFaultFound, 0)
    await first.stop()

    second = createService({
      config, fleet: loadFleet('fleet/sample.json'), logger: createLogger({ level: 'silent' }),
      onSignal: (signal) => signalsDuringRestart.push(signal),
    })
    await second.start()
    const after = second.models.detectorOutcomes().reduce((n, d) => n + d.noFaultFound, 0)

    expect(before).toBeGreaterThan(0)
    expect(after).toBe(before)
  })

  it('shows planners how each detector fared, over the API', async () => {
    const key = second?.http.keys.create({ name: 'planner', role: 'planner' }).key ?? ''
    const headers = { authorization: `Bearer ${key}` }
    const response = await second?.http.app.inject({ url: '/api/models/detectors', headers })
    type Detector = { detector: string, noFaultFound: number, precision: number | null }
    const body = response?.json() as { detectors: Detector[] }

    expect(response?.statusCode).toBe(200)
    expect(body.detectors.filter((d) => d.noFaultFound > 0)).not.toEqual([])
    expect(body.detectors.filter((d) => d.noFaultFound > 0).every((d) => d.precision === 0)).toBe(true)
  })

  it('rebuilds the baselines from the stored history, without raising a Signal', async () => {
    const stored = await second?.ingest.count({ assetId: 'pump-01' }) ?? 0

    expect(stored).toBeGreaterThan(1000)
    expect(second?.models.stats().warmStartReadings).toBeGreaterThan(stored)
    expect(signalsDuringRestart).toEqual([])
  })
})
