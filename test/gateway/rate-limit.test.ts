import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { DeviceRateLimiter } from '../../gateway/rate-limit.js'
import { counterValue, startGateway, type Harness } from './harness.js'

describe('DeviceRateLimiter', () => {
  it('lets a burst through, then spaces messages at the sustained rate', () => {
    const limiter = new DeviceRateLimiter({ perSecond: 10, burst: 3 })

    const delays = [0, 0, 0, 0, 0].map((now) => limiter.delayFor('dev', now))

    expect(delays).toEqual([0, 0, 0, 100, 200])
  })

  it('refills with elapsed time, up to the burst', () => {
    const limiter = new DeviceRateLimiter({ perSecond: 10, burst: 3 })
    for (let i = 0; i < 3; i++) limiter.delayFor('dev', 0)

    expect(limiter.delayFor('dev', 100)).toBe(0)
    expect([10_000, 10_000, 10_000, 10_000].map((now) => limiter.delayFor('dev', now))).toEqual([0, 0, 0, 100])
  })

  it('keeps one bucket per device', () => {
    const limiter = new DeviceRateLimiter({ perSecond: 1, burst: 1 })
    limiter.delayFor('a', 0)

    expect([limiter.delayFor('a', 0), limiter.delayFor('b', 0)]).toEqual([1000, 0])
  })
})

describe('gateway rate limit', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('slows a device above its rate down without losing or refusing its messages', async () => {
    // 250 ms per token: far more than the messages of one burst take to arrive, even on a busy machine.
    harness = await startGateway({ mqtt: { maxMessagesPerSecond: 4, messageBurst: 2 } })
    const fast = await harness.connect('dev-pump-1')
    const topic = deviceTopic('dev-pump-1', 'telemetry')

    await Promise.all([1, 2, 3, 4, 5, 6].map((value) => fast.publishAsync(topic, `{"flow_rate":${value}}`, { qos: 1 })))

    expect(harness.readings.map((r) => r.value).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6])
    expect(await counterValue(harness.registry, 'forewarn_gateway_throttled_total')).toBe(4)
    expect(harness.gateway.deadLetters()).toEqual([])
    expect(harness.logs.filter((l) => l.msg === 'device throttled')).toEqual([expect.objectContaining({
      level: 40, deviceId: 'dev-pump-1', maxMessagesPerSecond: 4, suppressed: 0,
    })])
  })
})
