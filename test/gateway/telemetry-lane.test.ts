import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { watchesTelemetry } from '../../gateway/telemetry-lane.js'
import { startGateway, until, type Harness } from './harness.js'

const DEVICE = 'dev-comp-1'
const TELEMETRY = deviceTopic(DEVICE, 'telemetry')

function reading(value: number): string {
  return JSON.stringify({ ts: Date.now(), metrics: { discharge_temp: value } })
}

describe('watchesTelemetry', () => {
  it.each([
    [TELEMETRY, true],
    [`forewarn/v1/devices/${DEVICE}/+`, true],
    [`forewarn/v1/devices/${DEVICE}/#`, true],
    [`${TELEMETRY}/#`, true],
    [`forewarn/v1/devices/${DEVICE}/status`, false],
    [`${TELEMETRY}/+`, false],
    [`forewarn/v1/devices/${DEVICE}`, false],
  ])('%s matches the telemetry topic: %s', (filter, matches) => {
    expect(watchesTelemetry(DEVICE, filter)).toBe(matches)
  })
})

describe('the telemetry lane in the embedded broker', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('keeps a device that sends nothing but telemetry connected past its keepalive', async () => {
    harness = await startGateway()
    // aedes allows 1.5 keepalives (1.5 s) without a packet it handled itself.
    const client = await harness.connect(DEVICE, { keepalive: 1 })
    let closed = false
    client.on('close', () => {
      closed = true
    })

    for (let i = 0; i < 12; i++) {
      await client.publishAsync(TELEMETRY, reading(i), { qos: 1 })
      await new Promise((resolve) => setTimeout(resolve, 250))
    }

    expect(closed).toBe(false)
    expect(harness.readings).toHaveLength(12)
    expect(harness.logs.filter((log) => log.msg === 'device keepalive timed out')).toEqual([])
  })

  it('handles telemetry without aedes, and status through it', async () => {
    harness = await startGateway({ logLevel: 'debug' })
    const client = await harness.connect(DEVICE)

    await client.publishAsync(TELEMETRY, reading(1), { qos: 1 })
    await client.publishAsync(deviceTopic(DEVICE, 'status'), 'online', { qos: 1, retain: true })
    await until(() => harness.logs.some((log) => log.msg === 'device message routed'))

    const routed = harness.logs.filter((log) => log.msg === 'device message routed').map((log) => log.topic)
    expect(routed).toEqual([deviceTopic(DEVICE, 'status')])
    expect(harness.readings.map((r) => r.value)).toEqual([1])
  })

  it('leaves telemetry to aedes once the device subscribed to it, so the subscription receives it', async () => {
    harness = await startGateway()
    const client = await harness.connect(DEVICE)
    await client.publishAsync(TELEMETRY, reading(1), { qos: 1 })

    await client.subscribeAsync(`forewarn/v1/devices/${DEVICE}/+`, { qos: 1 })
    const delivered = nextPayload(client)
    await client.publishAsync(TELEMETRY, reading(2), { qos: 1 })

    expect(JSON.parse(await delivered)).toMatchObject({ metrics: { discharge_temp: 2 } })
    expect(harness.readings.map((r) => r.value)).toEqual([1, 2])
  })

  it('acknowledges a burst of telemetry in order, every reading handed on once', async () => {
    harness = await startGateway()
    const client = await harness.connect(DEVICE)
    const acknowledged: number[] = []

    await Promise.all(Array.from({ length: 200 }, (_, i) =>
      client.publishAsync(TELEMETRY, reading(i), { qos: 1 }).then((packet) => {
        acknowledged.push(packet?.messageId ?? -1)
      })))

    expect(harness.readings.map((r) => r.value)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    // mqtt.js numbers packets from 1 upwards; the PUBACKs come back in the order sent.
    expect(acknowledged).toEqual([...acknowledged].sort((a, b) => a - b))
    expect(new Set(acknowledged).size).toBe(200)
  })
})

function nextPayload(client: MqttClient): Promise<string> {
  return new Promise((resolve) => {
    client.once('message', (_topic: string, payload: Buffer) => resolve(payload.toString()))
  })
}
