import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { counterValue, startGateway, type Harness } from './harness.js'

const NOW = 1_700_000_000_000
const TS = 1_699_999_990_000
const PUMP_TAGS = { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' }
const TOPIC = deviceTopic('dev-pump-1', 'telemetry')

describe('gateway telemetry', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  async function publish(payload: string, options: { maxMessageBytes?: number } = {}): Promise<void> {
    harness = await startGateway({ ...options, clock: { now: () => NOW } })
    const client = await harness.connect('dev-pump-1')
    await client.publishAsync(TOPIC, payload, { qos: 1 })
  }

  it('turns accepted metrics into Readings with the asset tags and the device time', async () => {
    await publish(JSON.stringify({ ts: TS, metrics: { vibration_rms: 3.5, bearing_temp: 61 } }))

    expect(harness.readings).toEqual([
      { deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'vibration_rms', time: TS, value: 3.5, tags: PUMP_TAGS },
      { deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'bearing_temp', time: TS, value: 61, tags: PUMP_TAGS },
    ])
    const stats = { connectedDevices: 1, messagesAccepted: 1, readingsAccepted: 2, rejected: 0, silentDevices: 0 }
    expect(harness.gateway.stats()).toEqual(stats)
    expect(await counterValue(harness.registry, 'forewarn_gateway_readings_accepted_total')).toBe(2)
  })

  it('accepts the flat form, stamped with the arrival time when ts is missing', async () => {
    await publish(JSON.stringify({ flow_rate: 120 }))

    expect(harness.readings.map((r) => [r.metric, r.time, r.value])).toEqual([['flow_rate', NOW, 120]])
  })

  it('accepts a batch mixing both forms in one message', async () => {
    const batch = [{ ts: TS, metrics: { flow_rate: 118 } }, { ts: '2023-11-14T22:13:20Z', flow_rate: 119 }]
    await publish(JSON.stringify(batch))

    expect(harness.readings.map((r) => [r.metric, r.time, r.value])).toEqual([
      ['flow_rate', TS, 118], ['flow_rate', Date.UTC(2023, 10, 14, 22, 13, 20), 119],
    ])
  })

  it('dead-letters malformed JSON with its reason, payload and a warn line, and hands nothing on', async () => {
    await publish('{"ts": 1, "flow_rate": ')

    expect(harness.readings).toEqual([])
    expect(harness.gateway.deadLetters()).toEqual([{
      at: NOW, deviceId: 'dev-pump-1', topic: TOPIC, reason: 'payload_malformed', code: 'FW_ERR_GW_PAYLOAD_MALFORMED',
      detail: expect.any(String) as string, payload: '{"ts": 1, "flow_rate": ',
    }])
    const warn = harness.logs.find((line) => line.msg === 'device message refused')
    expect(warn).toMatchObject({ level: 40, module: 'gateway', deviceId: 'dev-pump-1', topic: TOPIC, reason: 'payload_malformed' })
  })

  it('refuses a non-finite value and keeps the other metrics of the message', async () => {
    await publish(`{"ts":${TS},"metrics":{"vibration_rms":1e999,"bearing_temp":"hot","flow_rate":120}}`)

    expect(harness.readings.map((r) => r.metric)).toEqual(['flow_rate'])
    expect(harness.gateway.deadLetters().map((d) => d.reason)).toEqual(['value_not_number', 'value_not_finite'])
    expect(await counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason: 'value_not_finite' })).toBe(1)
  })

  it('refuses an oversized message before parsing and keeps a truncated payload', async () => {
    const payload = JSON.stringify({ ts: TS, metrics: { flow_rate: 120 }, pad: 'x'.repeat(2000) })
    await publish(payload, { maxMessageBytes: 1024 })

    const [letter] = harness.gateway.deadLetters()
    expect(letter?.reason).toBe('message_too_large')
    expect(letter?.payload).toBe(payload.slice(0, 512))
    expect(await counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason: 'message_too_large' })).toBe(1)
    expect(harness.readings).toEqual([])
  })

  it('refuses an invalid metric name with its reason and counts it', async () => {
    await publish(JSON.stringify({ 'ts': TS, 'bad\nname': 1, 'flow rate': 2 }))

    expect(harness.readings.map((r) => r.metric)).toEqual(['flow rate'])
    expect(await counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason: 'metric_name_invalid' })).toBe(1)
  })
})
