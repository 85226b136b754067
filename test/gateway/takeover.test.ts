import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { refusedConnect, startGateway, until, type Harness } from './harness.js'

const BAD_USERNAME_OR_PASSWORD = 4

describe('gateway session takeover', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('keeps a connected device connected when a client presents its id with a wrong secret', async () => {
    harness = await startGateway()
    const device = await harness.connect('dev-elev-1')

    const code = await refusedConnect(harness.gateway.url, { clientId: 'dev-elev-1', username: 'dev-elev-1', password: 'guess' })
    await device.publishAsync(deviceTopic('dev-elev-1', 'telemetry'), '{"motor_temp":40}', { qos: 1 })

    expect(code).toBe(BAD_USERNAME_OR_PASSWORD)
    expect(device.connected).toBe(true)
    expect(harness.events.map((e) => e.kind)).toEqual(['online'])
    expect(harness.readings).toHaveLength(1)
  })

  it('lets only the device itself, with its secret, take over its session', async () => {
    harness = await startGateway()
    const first = await harness.connect('dev-elev-1')
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()))

    const second = await harness.connect('dev-elev-1')
    await closed

    expect(second.connected).toBe(true)
    expect(harness.events.map((e) => e.kind)).toEqual(['online', 'offline', 'online'])
  })
})

describe('gateway logs and secrets', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('never writes a device secret, right or wrong, to the log, even at trace level', async () => {
    harness = await startGateway({ logLevel: 'trace' })
    const secret = harness.credentials['dev-pump-1'] ?? ''
    const client = await harness.connect('dev-pump-1')
    await client.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), '{"flow_rate":1}', { qos: 1 })
    await client.endAsync()
    await refusedConnect(harness.gateway.url, { clientId: 'dev-pump-1', username: 'dev-pump-1', password: 'wrong-guess-7' })
    await until(() => harness.logs.some((line) => line.msg === 'device authentication failed'))

    const text = JSON.stringify(harness.logs)
    expect(harness.logs.length).toBeGreaterThan(3)
    expect([text.includes(secret), text.includes('wrong-guess-7')]).toEqual([false, false])
  })
})
