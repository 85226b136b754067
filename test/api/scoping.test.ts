import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { deviceTopic } from '../../core/index.js'
import { startApiHarness, type ApiHarness } from './harness.js'

/** A customer key sees its own customer's data through every door: lists, filters, paging, ids and telemetry. */
describe('customer and technician scoping', () => {
  let h: ApiHarness
  const T0 = Date.UTC(2026, 2, 1)

  const connected: mqtt.MqttClient[] = []
  /** Each compressor reports four readings over MQTT, as a device would; `stay` keeps it connected. */
  const publish = async (deviceId: string, base: number, stay: boolean): Promise<void> => {
    const client = await mqtt.connectAsync(h.service.mqttUrl, {
      clientId: deviceId, username: deviceId, password: `secret-${deviceId}`, reconnectPeriod: 0,
    })
    const batch = [0, 1, 2, 3]
      .map((minute) => ({ ts: T0 + minute * 60_000, metrics: { discharge_temp: base + minute } }))
    await client.publishAsync(deviceTopic(deviceId, 'telemetry'), JSON.stringify(batch), { qos: 1 })
    if (stay) connected.push(client)
    else await client.endAsync()
  }

  beforeAll(async () => {
    h = await startApiHarness()
    await publish('dev-comp-1', 70, true)
    await publish('dev-comp-2', 90, false)
    await h.service.ingest.flush()
  })
  afterAll(async () => {
    for (const client of connected) await client.endAsync()
    await h.close()
  })

  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id)

  it('lists only the customer\'s own work orders, whatever the filter or page asks for', async () => {
    const own = await h.request({ url: '/api/work-orders', key: h.keys.customer })
    const asksForOther = await h.request({ url: '/api/work-orders?customerId=cust-towers', key: h.keys.customer })
    const otherAsset = await h.request({ url: '/api/work-orders?assetId=elevator-1', key: h.keys.customer })
    const paged = await h.request({ url: '/api/work-orders?limit=1&offset=1', key: h.keys.customer })

    expect([ids(own.body), own.body.total]).toEqual([[h.water.id], 1])
    expect([ids(asksForOther.body), asksForOther.body.total]).toEqual([[], 0])
    expect([ids(otherAsset.body), otherAsset.body.total]).toEqual([[], 0])
    expect([ids(paged.body), paged.body.total]).toEqual([[], 1])
  })

  it('answers another customer\'s work order, asset and telemetry exactly like a missing one', async () => {
    const guessed = await h.request({ url: `/api/work-orders/${h.towers.id}`, key: h.keys.customer })
    const missing = await h.request({ url: '/api/work-orders/wo-nothing', key: h.keys.customer })
    const asset = await h.request({ url: '/api/assets/elevator-1', key: h.keys.customer })
    const noAsset = await h.request({ url: '/api/assets/no-such-asset', key: h.keys.customer })
    const telemetry = await h.request({ url: '/api/assets/compressor-2/telemetry?metric=discharge_temp', key: h.keys.customer })

    expect([guessed.status, guessed.body.code]).toEqual([missing.status, missing.body.code])
    expect(guessed.body.detail).toBe(`work order ${h.towers.id} does not exist`)
    expect([asset.status, asset.body.code, noAsset.status, noAsset.body.code])
      .toEqual([404, 'FW_ERR_API_NOT_FOUND', 404, 'FW_ERR_API_NOT_FOUND'])
    expect([telemetry.status, telemetry.body.points]).toEqual([404, undefined])
  })

  it('lists only the customer\'s assets, with health and open work orders', async () => {
    const own = await h.request({ url: '/api/assets', key: h.keys.customer })
    const other = await h.request({ url: '/api/assets?customerId=cust-towers', key: h.keys.customer })

    expect(ids(own.body).sort()).toEqual(['compressor-1', 'pump-1'])
    expect(own.body.items.find((a: { id: string }) => a.id === 'pump-1')).toMatchObject({
      health: 'at_risk', openWorkOrders: [{ id: h.water.id }], customerId: 'cust-water',
    })
    expect(own.body.items.find((a: { id: string }) => a.id === 'compressor-1')).toMatchObject({
      health: 'healthy', latest: [{ metric: 'discharge_temp', unit: '°C', value: 73, time: T0 + 3 * 60_000 }],
    })
    expect([ids(other.body), other.body.total]).toEqual([[], 0])
  })

  it('calls an asset whose only device went offline unmonitored, whatever its last values', async () => {
    const response = await h.request({ url: '/api/assets/compressor-2', key: h.keys.planner })

    expect(response.body).toMatchObject({
      health: 'unmonitored', devices: [{ deviceId: 'dev-comp-2', status: 'offline' }], latest: [{ value: 93 }],
    })
  })

  it('serves the customer\'s own telemetry, raw and downsampled, paged', async () => {
    const base = `/api/assets/compressor-1/telemetry?metric=discharge_temp&from=${T0}&to=${T0 + 3_600_000}`
    const raw = await h.request({ url: `${base}&limit=3`, key: h.keys.customer })
    const next = await h.request({ url: `${base}&limit=3&offset=3`, key: h.keys.customer })
    const twoMinutes = await h.request({ url: `${base}&every=2m&aggregate=max`, key: h.keys.customer })

    expect(raw.body).toMatchObject({ unit: '°C', points: [{ value: 70 }, { value: 71 }, { value: 72 }], nextOffset: 3 })
    expect(next.body).toMatchObject({ points: [{ value: 73 }], nextOffset: null })
    expect(twoMinutes.body.points).toEqual([{ time: T0, value: 71 }, { time: T0 + 120_000, value: 73 }])
  })

  it('names the bad field of a telemetry query', async () => {
    const cases = ['every=5x', 'every=0s', 'aggregate=median&every=1m', `from=${T0}&to=${T0}`, 'colour=red']
    for (const extra of cases) {
      const response = await h.request({ url: `/api/assets/compressor-1/telemetry?metric=discharge_temp&${extra}`, key: h.keys.planner })
      expect([extra, response.status, response.body.code]).toEqual([extra, 400, 'FW_ERR_HTTP_VALIDATION'])
      expect(response.body.errors[0].field).toMatch(/^querystring\./)
    }
  })

  it('confines a technician to the visits and sites they work', async () => {
    const own = await h.request({ url: '/api/work-orders', key: h.keys.technician })
    const assets = await h.request({ url: '/api/assets', key: h.keys.technician })
    const schedule = await h.request({ url: `/api/technicians/tech-north/schedule?from=${T0}&to=${T0 + 30 * 86_400_000}`, key: h.keys.technician })

    expect(ids(own.body)).toEqual([h.water.id])
    expect(ids(assets.body).sort()).toEqual(['compressor-1', 'pump-1'])
    expect(schedule.body.visits.map((v: { id: string }) => v.id)).toEqual([h.water.id])
  })
})
