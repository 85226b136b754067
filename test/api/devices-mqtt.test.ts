import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deviceTopic, type FleetData } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { counterValue, mosquittoPub, refusedConnect } from '../gateway/harness.js'
import { startApiHarness, type ApiHarness } from './harness.js'

/*
 * Device administration seen from the device's side, over real MQTT: mosquitto_pub (Debian's
 * client, independent of ours) publishes, mqtt.js holds connections open to watch them close.
 */

const CONNACK_BAD_CREDENTIALS = 4
const CONNACK_NOT_AUTHORIZED = 5

describe('device administration over MQTT', () => {
  let h: ApiHarness
  const clients: MqttClient[] = []
  const { credentials } = buildTestFleet()

  beforeAll(async () => {
    h = await startApiHarness()
  })
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)))
    await h.close()
  })

  const admin = (url: string, body?: unknown) => h.request({ method: 'POST', url, key: h.keys.admin, ...(body === undefined ? {} : { body }) })
  const connect = async (deviceId: string, secret: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(h.service.mqttUrl, {
      clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0,
    })
    clients.push(client)
    return client
  }
  const closed = (client: MqttClient): Promise<void> => new Promise((resolve) => {
    if (client.disconnected) resolve()
    else client.once('close', () => resolve())
  })
  const publish = async (deviceId: string, secret: string, value: number): Promise<number> => {
    const message = JSON.stringify({ ts: Date.now(), metrics: { vibration_rms: value } })
    const port = h.service.gateway.port
    return (await mosquittoPub({ port, deviceId, secret, topic: deviceTopic(deviceId, 'telemetry'), message })).code
  }
  const refusal = (deviceId: string, secret: string) => {
    return refusedConnect(h.service.mqttUrl, { clientId: deviceId, username: deviceId, password: secret })
  }

  it('lets a registered device publish with the secret it was given', async () => {
    const registered = await admin('/api/devices', { id: 'dev-pump-1-new', assetId: 'pump-1' })
    const before = await h.service.ingest.count({ assetId: 'pump-1' })
    const exit = await publish('dev-pump-1-new', registered.body.secret, 2.5)
    await h.service.ingest.flush()

    expect(exit).toBe(0)
    expect(await h.service.ingest.count({ assetId: 'pump-1' })).toBe(before + 1)
  })

  it('after a rotation refuses the old secret, closes the open connection, and accepts the new secret', async () => {
    const { secret: first } = (await admin('/api/devices', { id: 'dev-rotating', assetId: 'compressor-1' })).body
    const client = await connect('dev-rotating', first)
    const { secret: second } = (await admin('/api/devices/dev-rotating/rotate-secret')).body
    await closed(client)

    expect(await refusal('dev-rotating', first)).toBe(CONNACK_BAD_CREDENTIALS)
    expect(await publish('dev-rotating', second, 3)).toBe(0)
  })

  it('refuses a disabled device with "not authorized", counted as device_disabled, and closes its connection', async () => {
    const client = await connect('dev-comp-1', credentials['dev-comp-1'] ?? '')
    await admin('/api/devices/dev-comp-1/disable')
    await closed(client)

    expect(await refusal('dev-comp-1', credentials['dev-comp-1'] ?? '')).toBe(CONNACK_NOT_AUTHORIZED)
    expect(await refusal('dev-comp-1', 'a wrong secret')).toBe(CONNACK_BAD_CREDENTIALS)
    expect(await counterValue(h.service.registry, 'forewarn_gateway_auth_failures_total', { reason: 'device_disabled' }))
      .toBe(1)
    await admin('/api/devices/dev-comp-1/enable')
    expect(await publish('dev-comp-1', credentials['dev-comp-1'] ?? '', 4)).toBe(0)
  })

  it('disconnects a device that an import removes, and refuses it afterwards', async () => {
    const client = await connect('dev-elev-1', credentials['dev-elev-1'] ?? '')
    // The fleet in force (with the devices registered above) is the one saved in the data directory.
    const data = JSON.parse(readFileSync(join(h.service.config.data.dir, 'fleet.json'), 'utf8')) as FleetData
    data.devices = data.devices.filter((device) => device.id !== 'dev-elev-1')
    const r = await admin('/api/fleet/import', data)
    await closed(client)

    expect(r.body.disconnected).toEqual([{ deviceId: 'dev-elev-1', reason: 'removed' }])
    expect(await refusal('dev-elev-1', credentials['dev-elev-1'] ?? '')).toBe(CONNACK_BAD_CREDENTIALS)
  })
})
