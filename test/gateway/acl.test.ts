import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { counterValue, startGateway, type Harness } from './harness.js'

const PAYLOAD = JSON.stringify({ ts: 1_700_000_000_000, metrics: { discharge_temp: 80 } })
const SUBACK_FAILURE = 128

describe('gateway topic ACL', () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startGateway()
  })

  afterEach(async () => {
    await harness.close()
  })

  function rejected(reason: string): Promise<number> {
    return counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason })
  }

  it('refuses a publish to another device\'s topic, counts it and hands nothing on', async () => {
    const client = await harness.connect('dev-comp-1')
    await client.publishAsync(deviceTopic('dev-comp-2', 'telemetry'), PAYLOAD, { qos: 1 })

    expect(harness.readings).toEqual([])
    expect(await rejected('topic_not_allowed')).toBe(1)
    expect(harness.gateway.deadLetters()[0]).toMatchObject({
      deviceId: 'dev-comp-1', topic: deviceTopic('dev-comp-2', 'telemetry'), reason: 'topic_not_allowed',
    })
  })

  it('neither retains nor delivers the refused message to the topic\'s owner', async () => {
    const owner = await harness.connect('dev-comp-2')
    const intruder = await harness.connect('dev-comp-1')
    await owner.publishAsync(deviceTopic('dev-comp-2', 'status'), 'online', { qos: 1, retain: true })
    await intruder.publishAsync(deviceTopic('dev-comp-2', 'status'), 'offline', { qos: 1, retain: true })

    const retained = nextMessage(owner)
    await owner.subscribeAsync(deviceTopic('dev-comp-2', 'status'), { qos: 1 })
    expect(await retained).toEqual([deviceTopic('dev-comp-2', 'status'), 'online'])

    await owner.subscribeAsync(deviceTopic('dev-comp-2', 'telemetry'), { qos: 1 })
    const delivered = nextMessage(owner)
    await intruder.publishAsync(deviceTopic('dev-comp-2', 'telemetry'), PAYLOAD, { qos: 1 })
    await owner.publishAsync(deviceTopic('dev-comp-2', 'telemetry'), '{"motor_current":1}', { qos: 1 })
    expect(await delivered).toEqual([deviceTopic('dev-comp-2', 'telemetry'), '{"motor_current":1}'])
    expect(harness.events.filter((e) => e.deviceId === 'dev-comp-2').map((e) => e.kind)).toEqual(['online'])
  })

  it('refuses publishing outside the device topics, including $SYS', async () => {
    const client = await harness.connect('dev-comp-1')
    await client.publishAsync('forewarn/v1/devices/dev-comp-1/config', PAYLOAD, { qos: 1 })
    await client.publishAsync('$SYS/broker/new/clients', 'dev-comp-2', { qos: 1 })

    expect(await rejected('topic_not_allowed')).toBe(2)
    expect(client.connected).toBe(true)
  })

  it('refuses a subscription to another device\'s topic with SUBACK 0x80 and counts it', async () => {
    const client = await harness.connect('dev-comp-1')
    const topics = [deviceTopic('dev-comp-2', 'telemetry'), 'forewarn/v1/devices/+/status', deviceTopic('dev-comp-1', 'status')]
    // mqtt.js rejects when any return code is a failure; the SUBACK rides on the error.
    const error = await client.subscribeAsync(topics, { qos: 1 }).then(() => null, (err: unknown) => err)

    expect(error).toMatchObject({ packet: { cmd: 'suback', granted: [SUBACK_FAILURE, SUBACK_FAILURE, 1] } })
    expect(await rejected('subscription_not_allowed')).toBe(2)
    expect(client.connected).toBe(true)
  })

  it('grants subscriptions under the device\'s own id', async () => {
    const client = await harness.connect('dev-comp-1')
    const granted = await client.subscribeAsync(['forewarn/v1/devices/dev-comp-1/#'], { qos: 1 })

    expect(granted.map((g) => g.qos)).toEqual([1])
  })
})

/** The next message the client receives, as [topic, payload text]. */
function nextMessage(client: MqttClient): Promise<[string, string]> {
  return new Promise((resolve) => {
    client.once('message', (topic, payload) => resolve([topic, payload.toString('utf8')]))
  })
}
