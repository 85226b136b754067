import { afterEach, describe, expect, it } from 'vitest'
import { hashSecret, parseFleet, type FleetData } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startGateway, type Harness } from './harness.js'

/*
 * The fleet changing under a running gateway (operators' API): silence watching follows it.
 * Every test device reports every 60 s, so each is watched for silence from start-up.
 */

const START = Date.UTC(2026, 11, 3, 17)
// The timer never fires in these tests; they call checkSilence() after moving the clock.
const MQTT = { silenceMinMs: 1, silenceCheckIntervalMs: 3_600_000 }
const SILENT_AFTER_MS = 3 * 60_000 + 1

function fleetData(): FleetData {
  const data = structuredClone(buildTestFleet().fleet.data)
  data.devices = data.devices.map((device) => ({ ...device, reportIntervalSeconds: 60 }))
  return data
}

describe('gateway and a changing fleet', () => {
  let harness: Harness
  let now = START
  const clock = { now: () => now }

  afterEach(async () => {
    await harness.close()
  })

  const silentDevices = () => harness.events.filter((e) => e.kind === 'silent').map((e) => e.deviceId)

  it('stops watching a disabled or removed device, so its silence raises nothing', async () => {
    now = START
    harness = await startGateway({ clock, mqtt: MQTT, fleet: parseFleet(fleetData()) })
    const next = fleetData()
    next.devices = next.devices.filter((d) => d.id !== 'dev-comp-2')
      .map((d) => (d.id === 'dev-pump-1' ? { ...d, disabled: true } : d))
    harness.fleet.replace(next)
    now = START + SILENT_AFTER_MS
    harness.gateway.checkSilence()

    expect(silentDevices().sort()).toEqual(['dev-comp-1', 'dev-elev-1'])
    expect(harness.gateway.stats().silentDevices).toBe(2)
  })

  it('watches a device added at run time from the moment it was added', async () => {
    now = START
    harness = await startGateway({ clock, mqtt: MQTT, fleet: parseFleet(fleetData()) })
    const next = fleetData()
    next.devices.push({ id: 'dev-new', assetId: 'pump-1', secretHash: hashSecret('s'), reportIntervalSeconds: 60 })
    now = START + 120_000
    harness.fleet.replace(next)
    now = START + SILENT_AFTER_MS
    harness.gateway.checkSilence()
    const before = silentDevices()
    now = START + 120_000 + SILENT_AFTER_MS
    harness.gateway.checkSilence()

    expect(before).not.toContain('dev-new')
    expect(silentDevices()).toContain('dev-new')
  })

  it('reports nothing for a device the fleet changes while the gateway is stopped', async () => {
    now = START
    harness = await startGateway({ clock, mqtt: MQTT, fleet: parseFleet(fleetData()) })
    await harness.gateway.stop()
    const next = fleetData()
    next.devices = next.devices.map((d) => ({ ...d, disabled: true }))
    harness.fleet.replace(next)
    await harness.gateway.start()
    now = START + SILENT_AFTER_MS
    harness.gateway.checkSilence()

    expect(silentDevices()).toEqual([])
  })
})
