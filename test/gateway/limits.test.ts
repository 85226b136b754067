import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { counterValue, startGateway, type Harness } from './harness.js'
import { RawClient } from './raw-mqtt.js'

const NOW = Date.UTC(2026, 11, 3, 17)
const TOPIC = deviceTopic('dev-pump-1', 'telemetry')

describe('gateway limits', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('acknowledges and refuses a 5 MB message at a 1 KiB limit, and the device\'s next message flows', async () => {
    harness = await startGateway({ maxMessageBytes: 1024, clock: { now: () => NOW } })
    const client = await harness.connect('dev-pump-1')
    const huge = `{"flow_rate":1,"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`

    await client.publishAsync(TOPIC, huge, { qos: 1 })
    await client.publishAsync(TOPIC, '{"flow_rate":2}', { qos: 1 })

    expect(harness.readings.map((r) => r.value)).toEqual([2])
    expect(harness.gateway.deadLetters()).toEqual([{
      at: NOW, deviceId: 'dev-pump-1', topic: TOPIC, reason: 'message_too_large', code: 'FW_ERR_GW_MESSAGE_TOO_LARGE',
      detail: `${huge.length} bytes exceed the limit of 1024 (mqtt.maxMessageBytes)`, payload: huge.slice(0, 512),
    }])
    expect(await counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason: 'message_too_large' })).toBe(1)
    expect(client.connected).toBe(true)
  })

  it('closes a connection that announces an oversized control packet, and only that one', async () => {
    harness = await startGateway()
    const other = await harness.connect('dev-comp-1')
    const raw = await RawClient.open(harness.gateway.port)
    expect(await raw.connect('dev-pump-1', 'dev-pump-1', harness.credentials['dev-pump-1'] ?? '')).toBe(0)

    // SUBSCRIBE announcing 2 MB.
    raw.write(Buffer.from([0x82, 0x81, 0x80, 0x80, 0x01]))
    await raw.waitClosed()

    await other.publishAsync(deviceTopic('dev-comp-1', 'telemetry'), '{"motor_current":3}', { qos: 1 })
    expect(harness.readings.map((r) => [r.deviceId, r.value])).toEqual([['dev-comp-1', 3]])
  })

  it('refuses a batch over mqtt.maxEntriesPerBatch and a reading set over mqtt.maxMetricsPerEntry', async () => {
    harness = await startGateway({ mqtt: { maxEntriesPerBatch: 2, maxMetricsPerEntry: 2 } })
    const client = await harness.connect('dev-pump-1')

    await client.publishAsync(TOPIC, '[{"a":1},{"a":2},{"a":3}]', { qos: 1 })
    await client.publishAsync(TOPIC, '{"a":1,"b":2,"c":3}', { qos: 1 })
    await client.publishAsync(TOPIC, '[{"a":1,"b":2},{"a":3}]', { qos: 1 })

    expect(harness.readings.map((r) => r.value)).toEqual([1, 2, 3])
    expect(harness.gateway.deadLetters().map((d) => d.reason)).toEqual(['too_many_metrics', 'batch_too_large'])
  })
})
