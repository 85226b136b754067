import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLogger, loadConfig, loadFleet } from '../../core/index.js'
import { createService, type Service } from '../../app/service.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { AckedPublisher, pointsOf, sampleDevices, storedPoints } from './ingest-publisher.js'

const START = Date.now() - 86_400_000

describe('ingest fault: influxd killed while devices publish at QoS 1 through the service', () => {
  let influxd: InfluxdHandle
  let service: Service
  let dataDir: string

  beforeAll(async () => {
    influxd = await startInfluxd({ database: 'outage' })
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-outage-'))
    const config = loadConfig({
      env: {},
      overrides: {
        data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 },
        influx: { url: influxd.url, database: influxd.database, flushIntervalMs: 100 },
      },
    })
    service = createService({ config, fleet: loadFleet('fleet/sample.json'), logger: createLogger({ level: 'silent' }) })
    await service.start()
  })

  afterAll(async () => {
    await service?.stop()
    await influxd?.stop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  it('stores every acknowledged reading exactly once after influxd comes back', async () => {
    const devices = sampleDevices(loadFleet('fleet/sample.json'))
    const publisher = new AckedPublisher({ url: service.mqttUrl, devices, start: START, window: 8 })
    await publisher.start()

    await vi.waitFor(() => expect(publisher.acknowledged).toBeGreaterThan(600), { timeout: 30_000 })
    await influxd.kill()
    const atKill = publisher.acknowledged
    await vi.waitFor(() => expect(service.ingest.stats().failedWrites).toBeGreaterThan(0), { timeout: 30_000 })
    await vi.waitFor(() => expect(publisher.acknowledged).toBeGreaterThan(atKill + 1_500), { timeout: 30_000 })
    await influxd.restart()
    const atRestart = publisher.acknowledged
    await vi.waitFor(() => expect(publisher.acknowledged).toBeGreaterThan(atRestart + 600), { timeout: 30_000 })
    await publisher.stop()
    await service.ingest.flush()

    const expected = pointsOf(devices, START, (id) => publisher.tallies.get(id)?.acked ?? [])
    const stored = await storedPoints(influxd, expected.keys())
    expect([...publisher.tallies.values()].every((tally) => tally.unacked.size === 0)).toBe(true)
    expect(stored).toEqual(expected)
    expect(service.ingest.stats()).toMatchObject({ pending: 0, deadLettered: 0, spoolBytes: 0 })
  })
})
