import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { counterValue, mosquittoPub, startGateway, type Harness } from './harness.js'

describe('gateway with mosquitto_pub as an independent client', () => {
  let harness: Harness

  beforeAll(async () => {
    harness = await startGateway()
  })

  afterAll(async () => {
    await harness.close()
  })

  it('accepts a QoS 1 reading published by mosquitto_pub', async () => {
    const result = await mosquittoPub({
      port: harness.gateway.port,
      deviceId: 'dev-elev-1',
      secret: harness.credentials['dev-elev-1'] ?? '',
      topic: deviceTopic('dev-elev-1', 'telemetry'),
      message: '{"ts":"2024-03-01T12:00:00Z","metrics":{"door_close_time":4.2}}',
    })

    expect(result).toEqual({ code: 0, stderr: '' })
    expect(harness.readings).toEqual([{
      deviceId: 'dev-elev-1', assetId: 'elevator-1', metric: 'door_close_time', time: Date.UTC(2024, 2, 1, 12), value: 4.2,
      tags: { siteId: 'site-tower', customerId: 'cust-towers', equipmentType: 'elevator' },
    }])
  })

  it('refuses mosquitto_pub with a wrong secret and counts it', async () => {
    const result = await mosquittoPub({
      port: harness.gateway.port, deviceId: 'dev-elev-1', secret: 'wrong', topic: deviceTopic('dev-elev-1', 'telemetry'),
      message: '{"door_close_time":4.2}',
    })

    expect(result.code).not.toBe(0)
    expect(await counterValue(harness.registry, 'forewarn_gateway_auth_failures_total', { reason: 'secret_invalid' })).toBe(1)
  })
})
