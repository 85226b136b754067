import { describe, expect, it } from 'vitest'
import { parseFleet } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startGateway } from './harness.js'

/*
 * Device ids (and every other fleet id that becomes a topic level or a tag value) are
 * checked when the fleet file is loaded: a device with a hard id is refused at
 * registration with the rule, so it never reaches a topic, a log line or InfluxDB.
 */
const HARD_IDS = ['dev 1', 'dev,1', 'dev=1', 'dev\\1', 'dev"1', 'dev#1', 'dev+1', 'dev/1', 'dev\n1', 'gerät-1', '-dev', '']

describe('device ids at registration', () => {
  it.each(HARD_IDS)('refuses the device id %j with the id rule', (deviceId) => {
    const data = structuredClone(buildTestFleet().fleet.data)
    const [device] = data.devices
    if (device !== undefined) device.id = deviceId

    expect(() => parseFleet(data)).toThrow(expect.objectContaining({
      code: 'FW_ERR_CFG_FLEET_INVALID',
      message: expect.stringContaining('ids are 1-64 of A-Z a-z 0-9 . _ - and start alphanumeric') as string,
    }))
  })

  it('lets a device with the longest id the rule allows connect over MQTT 3.1 (23-character client ids there)', async () => {
    const longId = `d${'x'.repeat(63)}`
    const data = structuredClone(buildTestFleet().fleet.data)
    const [device] = data.devices
    if (device !== undefined) device.id = longId
    const harness = await startGateway({ fleet: parseFleet(data) })

    const client = await harness.connect(longId, { password: 'secret-dev-pump-1', protocolId: 'MQIsdp', protocolVersion: 3 })

    expect(client.connected).toBe(true)
    await harness.close()
  })
})
