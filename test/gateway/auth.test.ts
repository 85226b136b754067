import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret, verifySecret, verifySecretAsync } from '../../core/index.js'
import { counterValue, refusedConnect, startGateway, type Harness } from './harness.js'

// MQTT 3.1.1 CONNACK return codes (spec table 3.1).
const IDENTIFIER_REJECTED = 2
const BAD_USERNAME_OR_PASSWORD = 4
const NOT_AUTHORIZED = 5

describe('gateway authentication', () => {
  let harness: Harness

  beforeAll(async () => {
    harness = await startGateway()
  })

  afterAll(async () => {
    await harness.close()
  })

  function authFailures(reason: string): Promise<number> {
    return counterValue(harness.registry, 'forewarn_gateway_auth_failures_total', { reason })
  }

  it('accepts a device with its own secret and counts it as connected', async () => {
    const client = await harness.connect('dev-comp-1')

    expect(client.connected).toBe(true)
    expect(await counterValue(harness.registry, 'forewarn_gateway_connected_devices')).toBe(1)
    await client.endAsync()
  })

  it('authenticates devices that connect at the same moment', async () => {
    const devices = ['dev-pump-1', 'dev-comp-2', 'dev-elev-1']
    const clients = await Promise.all(devices.map((deviceId) => harness.connect(deviceId)))

    expect(clients.map((client) => client.connected)).toEqual([true, true, true])
    await Promise.all(clients.map((client) => client.endAsync()))
  })

  it('refuses a wrong secret with "bad user name or password" and counts it', async () => {
    const code = await refusedConnect(harness.gateway.url, { clientId: 'dev-comp-1', username: 'dev-comp-1', password: 'nope' })

    expect(code).toBe(BAD_USERNAME_OR_PASSWORD)
    expect(await authFailures('secret_invalid')).toBe(1)
  })

  it('refuses an unknown device with the same code as a wrong secret and counts it', async () => {
    const code = await refusedConnect(harness.gateway.url, { clientId: 'dev-ghost', username: 'dev-ghost', password: 'x' })

    expect(code).toBe(BAD_USERNAME_OR_PASSWORD)
    expect(await authFailures('device_unknown')).toBe(1)
  })

  it('refuses a connection without credentials as not authorized', async () => {
    const code = await refusedConnect(harness.gateway.url, { clientId: 'dev-comp-1' })

    expect(code).toBe(NOT_AUTHORIZED)
    expect(await authFailures('credentials_missing')).toBe(1)
  })

  it('refuses a clientId other than the device id, so no device can take over another\'s session', async () => {
    const victim = await harness.connect('dev-elev-1')
    const code = await refusedConnect(harness.gateway.url, {
      clientId: 'dev-elev-1', username: 'dev-comp-2', password: harness.credentials['dev-comp-2'],
    })

    expect(code).toBe(IDENTIFIER_REJECTED)
    expect(await authFailures('client_id_rejected')).toBe(1)
    expect(victim.connected).toBe(true)
    await victim.endAsync()
  })

  it('logs a refused login once at warn with its reason', async () => {
    const before = harness.logs.length
    await refusedConnect(harness.gateway.url, { clientId: 'dev-pump-1', username: 'dev-pump-1', password: 'nope' })

    expect(harness.logs.slice(before).filter((line) => line.level === 40)).toEqual([expect.objectContaining({
      msg: 'device authentication failed', deviceId: 'dev-pump-1', reason: 'secret_invalid', code: 'FW_ERR_GW_SECRET_INVALID',
    })])
  })
})

describe('verifySecretAsync', () => {
  const stored = hashSecret('s3cret')

  it('agrees with verifySecret on right, wrong and malformed input', async () => {
    const cases: Array<[string, string]> = [
      ['s3cret', stored], ['wrong', stored], ['s3cret', 'plain$x'], ['s3cret', 'scrypt$AA==$AA=='],
    ]
    const results = await Promise.all(cases.map(([secret, hash]) => verifySecretAsync(secret, hash)))

    expect(results).toEqual(cases.map(([secret, hash]) => verifySecret(secret, hash)))
    expect(results).toEqual([true, false, false, false])
  })

  it('hashes off the event loop, so other work runs while a device is being checked', async () => {
    const order: string[] = []
    const verified = verifySecretAsync('s3cret', stored).then(() => order.push('verified'))
    setImmediate(() => order.push('event loop turned'))
    await verified

    expect(order).toEqual(['event loop turned', 'verified'])
  })
})
