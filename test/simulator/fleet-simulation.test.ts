import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runFleetSimulation, type FleetSimulationOptions } from '../../simulator/index.js'
import { startTestBroker, telemetryOf, type TestBroker } from './aedes-broker.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, START, sampleFleet } from './fixtures.js'

const { fleet, credentials } = sampleFleet()
const DEVICE_IDS = fleet.data.devices.map((device) => device.id)
let broker: TestBroker

beforeAll(async () => {
  broker = await startTestBroker(credentials)
})
afterAll(async () => {
  await broker.close()
})
beforeEach(() => {
  broker.messages.length = 0
})

function options(overrides: Partial<FleetSimulationOptions>): FleetSimulationOptions {
  return {
    brokerUrl: broker.url, fleet, credentials, startTime: START, durationMs: DAY_MS,
    intervalMs: 15 * MINUTE_MS, speed: 0, seed: 42, progress: null, ...overrides,
  }
}

function payloadsByDevice(): Record<string, string[]> {
  const byDevice: Record<string, string[]> = {}
  for (const message of broker.messages) {
    if (!message.topic.endsWith('/telemetry')) continue
    const deviceId = message.topic.split('/')[3] ?? ''
    byDevice[deviceId] = [...(byDevice[deviceId] ?? []), message.payload]
  }
  return byDevice
}

function localHour(time: number, timeZone: string): number {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(time)
  return Number(text)
}

describe('runFleetSimulation output', () => {
  it('publishes identical payloads for the same seed and different ones for another seed', async () => {
    await runFleetSimulation(options({ seed: 42 }))
    const first = payloadsByDevice()
    broker.messages.length = 0
    await runFleetSimulation(options({ seed: 42 }))
    const second = payloadsByDevice()
    broker.messages.length = 0
    await runFleetSimulation(options({ seed: 43 }))
    const other = payloadsByDevice()

    expect(Object.keys(first).sort()).toEqual([...DEVICE_IDS].sort())
    expect(second).toEqual(first)
    expect(other['dev-pump-01']).not.toEqual(first['dev-pump-01'])
  })

  it('publishes one QoS 1 message per device and round, carrying every metric of its equipment type', async () => {
    await runFleetSimulation(options({ durationMs: HOUR_MS }))

    const telemetry = broker.messages.filter((message) => message.topic.endsWith('/telemetry'))
    const pump = telemetryOf(broker, 'dev-pump-01')
    expect(telemetry.map((message) => message.qos)).toEqual(Array(4 * DEVICE_IDS.length).fill(1))
    expect(pump.map((message) => message.ts)).toEqual([0, 1, 2, 3].map((k) => START + k * 15 * MINUTE_MS))
    expect(Object.keys(pump[0]?.metrics ?? {})).toEqual(['vibration_rms', 'bearing_temp', 'flow_rate'])
  })

  it('announces the device online (retained) at the first reading and offline at the last', async () => {
    await runFleetSimulation(options({ durationMs: HOUR_MS, deviceIds: ['dev-elev-01'] }))

    const status = broker.messages.filter((message) => message.topic.endsWith('/status'))
    expect(status).toEqual([
      { topic: 'forewarn/v1/devices/dev-elev-01/status', payload: `{"status":"online","ts":${START}}`, qos: 1, retain: true },
      {
        topic: 'forewarn/v1/devices/dev-elev-01/status',
        payload: `{"status":"offline","ts":${START + 45 * MINUTE_MS}}`,
        qos: 1,
        retain: true,
      },
    ])
  })

  it('keeps healthy metrics within physical limits with an afternoon peak in the site time zone', async () => {
    await runFleetSimulation(options({ durationMs: 3 * DAY_MS, intervalMs: 10 * MINUTE_MS }))

    for (const device of fleet.data.devices) {
      const tags = fleet.assetTags(device.assetId)
      const timeZone = fleet.site(tags.siteId)?.timeZone ?? 'UTC'
      const profiles = fleet.equipmentType(tags.equipmentType)?.metrics ?? {}
      for (const [metric, profile] of Object.entries(profiles)) {
        const points = telemetryOf(broker, device.id)
          .map((m) => ({ hour: localHour(m.ts, timeZone), value: m.metrics[metric] ?? NaN }))
        const values = points.map((point) => point.value)
        const mean = (from: number, to: number): number => {
          const inRange = points.filter((point) => point.hour >= from && point.hour < to)
          return inRange.reduce((sum, point) => sum + point.value, 0) / inRange.length
        }

        expect(Math.min(...values), `${device.id} ${metric}`).toBeGreaterThanOrEqual(profile.physicalMin ?? -Infinity)
        expect(Math.max(...values), `${device.id} ${metric}`).toBeLessThanOrEqual(profile.physicalMax ?? Infinity)
        expect(mean(12, 18), `${device.id} ${metric}`).toBeGreaterThan(mean(0, 6))
      }
    }
  })
})

describe('runFleetSimulation degradation', () => {
  const failureAt = START + DAY_MS + 7 * MINUTE_MS

  it('reaches exactly the failure limit at failureAt, then the device is silent', async () => {
    await runFleetSimulation(options({
      durationMs: 2 * DAY_MS,
      deviceIds: ['dev-pump-01', 'dev-pump-02'],
      degradations: [{ assetId: 'pump-01', metric: 'vibration_rms', failureAt, onsetMs: 12 * HOUR_MS }],
    }))

    const failing = telemetryOf(broker, 'dev-pump-01')
    const before = failing.slice(0, -1)
    expect(failing.at(-1)).toMatchObject({ ts: failureAt, metrics: { vibration_rms: 11.2 } })
    expect(failing).toHaveLength(Math.ceil((DAY_MS + 7 * MINUTE_MS) / (15 * MINUTE_MS)) + 1)
    expect(Math.max(...before.map((m) => m.ts))).toBeLessThan(failureAt)
    expect(Math.max(...before.map((m) => m.metrics.vibration_rms ?? Infinity))).toBeLessThan(11.2)
    expect(telemetryOf(broker, 'dev-pump-02')).toHaveLength(2 * 96)
  })

  it('grows slowly after onset and fast near the failure', async () => {
    await runFleetSimulation(options({
      durationMs: 2 * DAY_MS,
      deviceIds: ['dev-pump-01'],
      degradations: [{ assetId: 'pump-01', metric: 'vibration_rms', failureAt, onsetMs: 12 * HOUR_MS }],
    }))

    const vibration = (from: number, to: number): number[] => telemetryOf(broker, 'dev-pump-01')
      .filter((m) => m.ts >= failureAt - from && m.ts < failureAt - to)
      .map((m) => m.metrics.vibration_rms ?? NaN)
    const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length
    const healthy = mean(vibration(24 * HOUR_MS, 12 * HOUR_MS))
    const firstHalf = mean(vibration(12 * HOUR_MS, 6 * HOUR_MS))
    const lastHour = mean(vibration(HOUR_MS, 0))

    expect(firstHalf - healthy).toBeLessThan(1.5)
    expect(lastHour).toBeGreaterThan(9.5)
  })
})
