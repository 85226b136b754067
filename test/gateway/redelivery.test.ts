import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { counterValue, startGateway, type Harness, type HarnessOptions } from './harness.js'
import { publishFrame, RawClient } from './raw-mqtt.js'

const TELEMETRY = deviceTopic('dev-pump-1', 'telemetry')
const EVENTS = deviceTopic('dev-pump-1', 'events')
// No ts: a second handling would stamp a second arrival time and store a second point.
const PAYLOAD = '{"flow_rate":120}'

describe('gateway QoS 1 redeliveries', () => {
  let harness: Harness
  let raw: RawClient

  afterEach(async () => {
    raw.close()
    await harness.close()
  })

  async function start(options: HarnessOptions = {}): Promise<void> {
    harness = await startGateway(options)
    raw = await RawClient.open(harness.gateway.port)
    await raw.connect('dev-pump-1', 'dev-pump-1', harness.credentials['dev-pump-1'] ?? '')
  }

  it('acknowledges a DUP copy of an acknowledged message again without handing it on twice', async () => {
    await start()
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7 }))
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7, dup: true }))

    expect(await raw.waitForPubacks(2)).toEqual([7, 7])
    expect(harness.readings).toHaveLength(1)
    expect(await counterValue(harness.registry, 'forewarn_gateway_redeliveries_skipped_total')).toBe(1)
  })

  it('handles a new message that reuses a packet id, and a DUP with a different payload', async () => {
    await start()
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7 }))
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7 }))
    raw.write(publishFrame({ topic: TELEMETRY, payload: '{"flow_rate":121}', qos: 1, messageId: 7, dup: true }))

    await raw.waitForPubacks(3)
    expect(harness.readings.map((r) => r.value)).toEqual([120, 120, 121])
  })

  it('hands on a DUP copy of a message whose handoff failed, which was never acknowledged', async () => {
    let calls = 0
    await start({
      onReadings: async (readings) => {
        calls++
        if (calls === 1) throw new Error('store unavailable')
        harness.readings.push(...readings)
      },
    })
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7 }))
    await raw.waitClosed()

    raw = await RawClient.open(harness.gateway.port)
    await raw.connect('dev-pump-1', 'dev-pump-1', harness.credentials['dev-pump-1'] ?? '')
    raw.write(publishFrame({ topic: TELEMETRY, payload: PAYLOAD, qos: 1, messageId: 7, dup: true }))

    expect(await raw.waitForPubacks(1)).toEqual([7])
    expect(harness.readings.map((r) => r.value)).toEqual([120])
  })

  it('reports a redelivered device fault once', async () => {
    await start()
    const fault = '{"ts":"2026-12-03T16:00:00Z","code":"E42"}'
    raw.write(publishFrame({ topic: EVENTS, payload: fault, qos: 1, messageId: 3 }))
    raw.write(publishFrame({ topic: EVENTS, payload: fault, qos: 1, messageId: 3, dup: true }))

    await raw.waitForPubacks(2)
    expect(harness.events.filter((e) => e.kind === 'fault').map((e) => e.code)).toEqual(['E42'])
  })
})
