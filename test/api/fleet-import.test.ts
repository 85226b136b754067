import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret, type FleetData } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startApiHarness, type ApiHarness } from './harness.js'

const NONE = { added: [], removed: [], changed: [] }

/** The test fleet as a file's contents, to edit and import. */
function testFleetData(): FleetData {
  return structuredClone(buildTestFleet().fleet.data)
}

describe('fleet import', () => {
  let h: ApiHarness
  beforeAll(async () => {
    h = await startApiHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  const importFleet = (body: unknown, key = h.keys.admin) => h.request({ method: 'POST', url: '/api/fleet/import', key, body })
  const savedFile = () => join(h.service.config.data.dir, 'fleet.json')
  const deviceIds = () => h.service.http.app.inject({
    url: '/api/devices?limit=200', headers: { authorization: `Bearer ${h.keys.admin}` },
  }).then((r) => (r.json() as { items: Array<{ id: string }> }).items.map((d) => d.id))

  it('refuses a file with schema problems with 400, naming every field, and changes nothing', async () => {
    type Loose = Record<string, Array<Record<string, unknown>>>
    const data = testFleetData() as unknown as Loose & { customers: Loose[string], devices: Loose[string] }
    data.customers[0] = { ...data.customers[0], timeZone: 'Mars/Olympus' }
    data.devices[1] = { ...data.devices[1], id: 'dev/+/#', secretHash: 'plain-text' }
    const r = await importFleet(data)

    expect(r.status).toBe(400)
    expect(r.body.code).toBe('FW_ERR_HTTP_VALIDATION')
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.customers.0.timeZone', 'body.devices.1.id', 'body.devices.1.secretHash',
    ])
    expect(existsSync(savedFile())).toBe(false)
  })

  it('refuses duplicate ids and unknown references, naming each, and changes nothing', async () => {
    const data = testFleetData()
    data.devices.push({ ...data.devices[0] as FleetData['devices'][number] })
    data.devices[2] = { ...data.devices[2] as FleetData['devices'][number], assetId: 'ghost-asset' }
    data.sites[1] = { ...data.sites[1] as FleetData['sites'][number], customerId: 'ghost-customer' }
    const r = await importFleet(data)

    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([
      { field: 'body.devices.4.id', message: 'duplicate device id dev-pump-1' },
      { field: 'body.sites.1.customerId', message: 'site site-tower: unknown customer ghost-customer' },
      { field: 'body.devices.2.assetId', message: 'device dev-elev-1: unknown asset ghost-asset' },
    ])
    expect(await deviceIds()).toEqual(['dev-pump-1', 'dev-comp-1', 'dev-elev-1', 'dev-comp-2'])
    expect(existsSync(savedFile())).toBe(false)
  })

  it('refuses to remove an asset with an open work order with 409, and changes nothing', async () => {
    const data = testFleetData()
    data.assets = data.assets.filter((asset) => asset.id !== 'pump-1')
    data.devices = data.devices.filter((device) => device.assetId !== 'pump-1')
    const r = await importFleet(data)

    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ code: 'FW_ERR_API_FLEET_IN_USE', details: { openWorkOrders: { 'pump-1': [h.water.id] } } })
    expect(await deviceIds()).toContain('dev-pump-1')
    expect(existsSync(savedFile())).toBe(false)
  })

  it('replaces the fleet and answers with counts and the ids added, removed and changed per kind', async () => {
    const data = testFleetData()
    data.assets.push({ id: 'pump-2', name: 'Second pump', siteId: 'site-north', equipmentType: 'pump', ownerId: 'planner-ana' })
    data.devices = data.devices.filter((d) => d.id !== 'dev-comp-2')
    data.devices.push({ id: 'dev-pump-2', assetId: 'pump-2', secretHash: hashSecret('secret-dev-pump-2') })
    data.devices[0] = { ...data.devices[0] as FleetData['devices'][number], reportIntervalSeconds: 30 }
    const r = await importFleet(data)

    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      counts: { customers: 2, sites: 2, planners: 2, technicians: 2, equipmentTypes: 3, assets: 5, devices: 4 },
      changes: {
        customers: NONE, sites: NONE, planners: NONE, technicians: NONE, equipmentTypes: NONE,
        assets: { added: ['pump-2'], removed: [], changed: [] },
        devices: { added: ['dev-pump-2'], removed: ['dev-comp-2'], changed: ['dev-pump-1'] },
      },
      disconnected: [{ deviceId: 'dev-comp-2', reason: 'removed' }],
    })
    expect(await deviceIds()).toEqual(['dev-pump-1', 'dev-comp-1', 'dev-elev-1', 'dev-pump-2'])
    expect(JSON.parse(readFileSync(savedFile(), 'utf8'))).toEqual(data)
  })

  it('names devices whose secret hash changed or that were disabled as disconnected', async () => {
    const data = JSON.parse(readFileSync(savedFile(), 'utf8')) as FleetData
    data.devices = data.devices.map((d) => {
      if (d.id === 'dev-elev-1') return { ...d, disabled: true }
      if (d.id === 'dev-comp-1') return { ...d, secretHash: hashSecret('a brand new secret') }
      return d
    })
    const r = await importFleet(data)

    expect(r.body.disconnected).toEqual([
      { deviceId: 'dev-comp-1', reason: 'secret_changed' }, { deviceId: 'dev-elev-1', reason: 'disabled' },
    ])
    expect(r.body.changes.devices).toEqual({ added: [], removed: [], changed: ['dev-comp-1', 'dev-elev-1'] })
  })

  it('is for operators only: 403 for every other role, 401 without a key', async () => {
    const before = readFileSync(savedFile(), 'utf8')
    const data = testFleetData()
    data.devices = []
    const statuses = await Promise.all([h.keys.planner, h.keys.technician, h.keys.customer].map(async (key) => {
      return (await importFleet(data, key)).status
    }))
    const anonymous = await h.request({ method: 'POST', url: '/api/fleet/import', body: data })

    expect([...statuses, anonymous.status]).toEqual([403, 403, 403, 401])
    expect(readFileSync(savedFile(), 'utf8')).toBe(before)
  })

  it('describes the import body in the OpenAPI document', async () => {
    const r = await h.request({ url: '/docs/json' })
    const body = r.body.paths['/api/fleet/import'].post.requestBody.content['application/json'].schema

    expect(Object.keys(body.properties).sort()).toEqual([
      'assets', 'customers', 'devices', 'equipmentTypes', 'planners', 'sites', 'technicians',
    ])
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining([
      '/api/devices', '/api/devices/{id}', '/api/devices/{id}/rotate-secret', '/api/devices/{id}/disable',
      '/api/devices/{id}/enable',
    ]))
  })
})
