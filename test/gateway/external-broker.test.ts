import mqtt from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { deviceTopic, type Reading } from '../../core/index.js'
import { counterValue, startGateway, until, type Harness, type HarnessOptions } from './harness.js'
import { startMosquitto, type MosquittoBroker } from './mosquitto-broker.js'

const TS = Date.UTC(2026, 11, 3, 16)

describe('gateway as a client of an external broker (Debian\'s mosquitto)', () => {
  let broker: MosquittoBroker
  const harnesses: Harness[] = []
  const devices: mqtt.MqttClient[] = []

  beforeAll(async () => {
    broker = await startMosquitto()
  })

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.endAsync(true)))
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()))
  })

  afterAll(async () => {
    await broker?.stop()
  })

  /*
   * Sessions are persistent, and the broker keeps queueing a stopped member's share of its
   * group, so each test uses a group of its own.
   */
  async function instance(clientId: string, options: HarnessOptions = {}): Promise<Harness> {
    const mqttSettings = { brokerUrl: broker.url, brokerClientId: clientId, sharedGroup: `g-${clientId}`, ...options.mqtt }
    const harness = await startGateway({ ...options, mqtt: mqttSettings })
    harnesses.push(harness)
    return harness
  }

  async function device(deviceId: string): Promise<mqtt.MqttClient> {
    const client = await mqtt.connectAsync(broker.url, { clientId: deviceId, reconnectPeriod: 0 })
    devices.push(client)
    return client
  }

  it('splits the devices\' messages between two instances in one shared group, each message once', async () => {
    const group = { mqtt: { sharedGroup: 'split' } }
    const [a, b] = [await instance('forewarn-a', group), await instance('forewarn-b', group)]
    const pump = await device('dev-pump-1')
    for (let i = 0; i < 20; i++) {
      await pump.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), `{"ts":${TS + i},"flow_rate":${i}}`, { qos: 1 })
    }
    await until(() => a.readings.length + b.readings.length >= 20)

    const values = (readings: Reading[]): number[] => readings.map((r) => r.value)
    expect([...values(a.readings), ...values(b.readings)].sort((x, y) => x - y)).toEqual([...Array(20).keys()])
    expect([a.readings.length > 0, b.readings.length > 0]).toEqual([true, true])
    expect(a.readings[0]).toMatchObject({ deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'flow_rate' })
  })

  it('ignores a retained status delivered on subscribing, so a dead device does not look alive', async () => {
    const elevator = await device('dev-elev-1')
    await elevator.publishAsync(deviceTopic('dev-elev-1', 'status'), 'online', { qos: 1, retain: true })
    await elevator.publishAsync(deviceTopic('dev-elev-1', 'telemetry'), '{"motor_temp":40}', { qos: 1, retain: true })

    // Without a shared group, the broker sends retained messages to the new subscription.
    const harness = await instance('forewarn-plain', { mqtt: { sharedGroup: '' } })
    await elevator.publishAsync(deviceTopic('dev-elev-1', 'telemetry'), '{"motor_temp":41}', { qos: 1 })
    await until(() => harness.readings.length === 1)

    expect(harness.readings.map((r) => r.value)).toEqual([41])
    expect(harness.events).toEqual([])
    expect(await counterValue(harness.registry, 'forewarn_gateway_retained_ignored_total')).toBe(2)
  })

  it('leaves a message it could not hand on unacknowledged, and handles it when the broker sends it again', async () => {
    let calls = 0
    const harness = await instance('forewarn-retry', {
      onReadings: async (readings) => {
        calls++
        if (calls === 1) throw new Error('store unavailable')
        harness.readings.push(...readings)
      },
    })
    const pump = await device('dev-pump-1')
    await pump.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), `{"ts":${TS},"flow_rate":5}`, { qos: 1 })

    await until(() => harness.readings.length === 1)
    expect([calls, harness.readings.map((r) => r.value)]).toEqual([2, [5]])
  })

  it('dead-letters a message on a topic of a device not in the fleet', async () => {
    const harness = await instance('forewarn-unknown')
    const ghost = await device('dev-ghost')
    await ghost.publishAsync(deviceTopic('dev-ghost', 'telemetry'), '{"a":1}', { qos: 1 })
    await until(() => harness.gateway.deadLetters().length === 1)

    expect(harness.gateway.deadLetters()[0]).toMatchObject({
      deviceId: 'dev-ghost', reason: 'topic_not_allowed', detail: 'no device dev-ghost in the fleet for this topic',
    })
  })

  it('fails to start with FW_ERR_GW_BROKER_UNAVAILABLE when the broker cannot be reached', async () => {
    const start = startGateway({ mqtt: { brokerUrl: 'mqtt://127.0.0.1:1', brokerClientId: 'forewarn-x' } })

    await expect(start).rejects.toMatchObject({ code: 'FW_ERR_GW_BROKER_UNAVAILABLE' })
  })
})
