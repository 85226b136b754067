import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { startGateway, type Harness } from './harness.js'

const NOW = 1_700_000_000_000
const TAGS = { siteId: 'site-tower', customerId: 'cust-towers', equipmentType: 'elevator' }
const DEVICE = { deviceId: 'dev-elev-1', assetId: 'elevator-1', tags: TAGS }

describe('gateway device events', () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startGateway({ clock: { now: () => NOW } })
  })

  afterEach(async () => {
    await harness.close()
  })

  it('reports a connection as online and a clean disconnect as offline', async () => {
    const client = await harness.connect('dev-elev-1')
    await client.endAsync()
    await until(() => harness.events.length === 2)

    expect(harness.events).toEqual([
      { ...DEVICE, kind: 'online', time: NOW },
      { ...DEVICE, kind: 'offline', time: NOW },
    ])
  })

  it('reports status messages once per change, from JSON or plain text', async () => {
    const client = await harness.connect('dev-elev-1')
    const topic = deviceTopic('dev-elev-1', 'status')
    await client.publishAsync(topic, 'online', { qos: 1 })
    await client.publishAsync(topic, '{"status":"offline","ts":1699999999000}', { qos: 1 })
    await client.publishAsync(topic, 'offline', { qos: 1 })

    expect(harness.events.map((e) => [e.kind, e.time])).toEqual([['online', NOW], ['offline', 1_699_999_999_000]])
  })

  it('reports an unclean disconnect once, whether the will or the broker says it first', async () => {
    const client = await harness.connect('dev-elev-1', {
      will: { topic: deviceTopic('dev-elev-1', 'status'), payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    client.stream.destroy()
    await until(() => harness.gateway.stats().connectedDevices === 0)

    expect(harness.events.map((e) => e.kind)).toEqual(['online', 'offline'])
  })

  it('turns a device-reported fault into a fault event and dead-letters one without a code', async () => {
    const client = await harness.connect('dev-elev-1')
    const topic = deviceTopic('dev-elev-1', 'events')
    await client.publishAsync(topic, '{"ts":1699999999000,"code":"E42","detail":"door jammed"}', { qos: 1 })
    await client.publishAsync(topic, '{"detail":"no code"}', { qos: 1 })

    expect(harness.events.at(-1)).toEqual({ ...DEVICE, kind: 'fault', time: 1_699_999_999_000, code: 'E42', detail: 'door jammed' })
    expect(harness.gateway.deadLetters().map((d) => [d.topic, d.reason])).toEqual([[topic, 'payload_invalid']])
  })
})

/** Waits for a condition that the broker makes true on its own schedule (a disconnect). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}
