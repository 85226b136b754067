import { afterEach, describe, expect, it } from 'vitest'
import { deviceTopic, type Reading } from '../../core/index.js'
import { counterValue, deferred, startGateway, type Harness } from './harness.js'

const PAYLOAD = JSON.stringify({ ts: 1_700_000_000_000, metrics: { vibration_rms: 2 } })

describe('gateway QoS 1 acknowledgement', () => {
  let harness: Harness

  afterEach(async () => {
    await harness.close()
  })

  it('withholds the PUBACK until onReadings resolves, without holding up other devices', async () => {
    const handoffStarted = deferred()
    const release = deferred()
    const order: string[] = []
    harness = await startGateway({
      onReadings: async (readings: Reading[]) => {
        if (readings[0]?.deviceId !== 'dev-pump-1') return
        order.push('handoff started')
        handoffStarted.resolve()
        await release.promise
        order.push('handoff finished')
      },
    })
    const slow = await harness.connect('dev-pump-1')
    const other = await harness.connect('dev-comp-1')

    const acked = slow.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), PAYLOAD, { qos: 1 })
      .then(() => order.push('puback'))
    await handoffStarted.promise
    // A full round trip on another connection: an early PUBACK, already written to the
    // loopback socket before onReadings was called, would have been read by now.
    await other.publishAsync(deviceTopic('dev-comp-1', 'telemetry'), '{"motor_current":3}', { qos: 1 })
    order.push('other device acknowledged')
    release.resolve()
    await acked

    expect(order).toEqual(['handoff started', 'other device acknowledged', 'handoff finished', 'puback'])
  })

  it.each([
    ['rejects', async (fail: boolean) => {
      if (fail) throw new Error('store unavailable')
    }],
    // Not async: the admission path has no async frame to turn this throw into a rejection.
    ['throws before returning a promise', (fail: boolean) => {
      if (fail) throw new Error('store unavailable')
      return Promise.resolve()
    }],
  ])('leaves a message unacknowledged when onReadings %s, so the device sends it again', async (_, handOn) => {
    let calls = 0
    const delivered: Reading[] = []
    harness = await startGateway({
      onReadings: (readings) => {
        calls++
        const handedOn = handOn(calls === 1)
        return handedOn.then(() => {
          delivered.push(...readings)
        })
      },
    })
    const client = await harness.connect('dev-pump-1', { reconnectPeriod: 20 })
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))

    await client.publishAsync(deviceTopic('dev-pump-1', 'telemetry'), PAYLOAD, { qos: 1 })

    await closed
    expect(calls).toBe(2)
    expect(delivered.map((r) => [r.metric, r.value])).toEqual([['vibration_rms', 2]])
    expect(await counterValue(harness.registry, 'forewarn_gateway_handoff_failures_total')).toBe(1)
  })
})
