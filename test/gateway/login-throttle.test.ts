import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LoginThrottle } from '../../gateway/login-throttle.js'
import { counterValue, refusedConnect, startGateway, type Harness } from './harness.js'

const SERVER_UNAVAILABLE = 3
const BAD_USERNAME_OR_PASSWORD = 4

describe('LoginThrottle', () => {
  it('blocks an address after the limit within the window, and lets it in again when the window ends', () => {
    const throttle = new LoginThrottle({ limit: 3, windowMs: 1000 })
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.0.0.1', 100 + i)

    expect([throttle.isBlocked('10.0.0.1', 500), throttle.isBlocked('10.0.0.2', 500)]).toEqual([true, false])
    expect(throttle.isBlocked('10.0.0.1', 1100)).toBe(false)
  })

  it('keeps memory bounded under failures from many addresses', () => {
    const throttle = new LoginThrottle({ limit: 3, windowMs: 1000, maxTracked: 100 })
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`, i)

    expect(throttle.tracked).toBeLessThanOrEqual(100)
  })
})

describe('failed logins over MQTT', () => {
  let harness: Harness

  beforeAll(async () => {
    harness = await startGateway({ mqtt: { failedLoginsPerMinute: 3 } })
  })
  afterAll(async () => {
    await harness.close()
  })

  it('refuses an address that keeps failing without checking, even with the right secret, and counts it', async () => {
    const wrong = { clientId: 'dev-comp-1', username: 'dev-comp-1', password: 'nope' }
    const codes: number[] = []
    for (let i = 0; i < 3; i++) codes.push(await refusedConnect(harness.gateway.url, wrong))
    const right = { clientId: 'dev-comp-1', username: 'dev-comp-1', password: 'secret-dev-comp-1' }
    codes.push(await refusedConnect(harness.gateway.url, right))

    expect(codes).toEqual([...Array<number>(3).fill(BAD_USERNAME_OR_PASSWORD), SERVER_UNAVAILABLE])
    expect(await counterValue(harness.registry, 'forewarn_gateway_auth_failures_total', { reason: 'login_throttled' }))
      .toBe(1)
  })
})
