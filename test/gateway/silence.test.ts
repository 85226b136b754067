import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic, parseFleet, type Fleet } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startGateway, until, type Harness } from './harness.js'

const START = Date.UTC(2026, 11, 3, 17)
const TOPIC = deviceTopic('dev-pump-1', 'telemetry')
const PUMP = { deviceId: 'dev-pump-1', assetId: 'pump-1', tags: { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' } }
// The timer never fires in these tests; they call checkSilence() after moving the clock.
const MQTT = { silenceMinMs: 1, silenceCheckIntervalMs: 3_600_000 }

describe('gateway silent devices', () => {
  let harness: Harness
  let now = START
  const clock = { now: () => now }

  afterEach(async () => {
    await harness.close()
  })

  /** Five messages 10 s apart: a learnt interval of 10 s. */
  async function publishRhythm(): Promise<MqttClient> {
    const client = await harness.connect('dev-pump-1')
    for (let i = 0; i < 5; i++) {
      now = START + i * 10_000
      await client.publishAsync(TOPIC, '{"flow_rate":120}', { qos: 1 })
    }
    return client
  }

  it('reports a device silent after 3 of its learnt intervals, and resumed on its next telemetry', async () => {
    harness = await startGateway({ clock, mqtt: MQTT })
    const client = await publishRhythm()

    now = START + 40_000 + 30_001
    harness.gateway.checkSilence()
    expect(harness.gateway.stats().silentDevices).toBe(1)
    now += 5_000
    await client.publishAsync(TOPIC, '{"flow_rate":121}', { qos: 1 })

    expect(harness.events.filter((e) => e.kind === 'silent' || e.kind === 'resumed')).toEqual([
      { ...PUMP, kind: 'silent', time: START + 70_001, lastSeenAt: START + 40_000, expectedIntervalMs: 10_000 },
      { ...PUMP, kind: 'resumed', time: START + 75_001, lastSeenAt: START + 40_000, expectedIntervalMs: 10_000 },
    ])
    expect(harness.gateway.stats().silentDevices).toBe(0)
  })

  it('watches a device whose connection died, but not one that disconnected cleanly', async () => {
    harness = await startGateway({ clock, mqtt: MQTT })
    const pump = await publishRhythm()
    const other = await harness.connect('dev-comp-1')
    for (let i = 0; i < 5; i++) await other.publishAsync(deviceTopic('dev-comp-1', 'telemetry'), '{"motor_current":3}', { qos: 1 })

    await other.endAsync()
    pump.stream.destroy()
    await until(() => harness.gateway.stats().connectedDevices === 0)
    now = START + 3_600_000
    harness.gateway.checkSilence()

    expect(harness.events.filter((e) => e.kind === 'silent').map((e) => e.deviceId)).toEqual(['dev-pump-1'])
  })

  it('after a restart, reports a device with an interval in its profile silent when it does not come back', async () => {
    harness = await startGateway({ clock, mqtt: MQTT, fleet: fleetWithPumpInterval(60) })
    const client = await harness.connect('dev-pump-1')
    await client.publishAsync(deviceTopic('dev-pump-1', 'status'), 'online', { qos: 1, retain: true })
    client.stream.destroy()
    await until(() => harness.gateway.stats().connectedDevices === 0)

    await harness.gateway.stop()
    now = START + 1_000
    await harness.gateway.start()
    now = START + 1_000 + 180_001
    harness.gateway.checkSilence()

    const after = harness.events.slice(harness.events.findLastIndex((e) => e.kind === 'offline') + 1)
    expect(after).toEqual([
      { ...PUMP, kind: 'silent', time: START + 181_001, lastSeenAt: START + 1_000, expectedIntervalMs: 60_000 },
    ])
  })
})

/** The test fleet with reportIntervalSeconds set on the pump equipment type. */
function fleetWithPumpInterval(seconds: number): Fleet {
  const data = structuredClone(buildTestFleet().fleet.data)
  const pump = data.equipmentTypes.pump
  if (pump !== undefined) pump.reportIntervalSeconds = seconds
  return parseFleet(data)
}
