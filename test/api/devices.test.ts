import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifySecret, type FleetData } from '../../core/index.js'
import { startApiHarness, type ApiHarness } from './harness.js'

describe('device routes', () => {
  let h: ApiHarness
  beforeAll(async () => {
    h = await startApiHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  const admin = (method: 'GET' | 'POST', url: string, body?: unknown) => {
    return h.request({ method, url, key: h.keys.admin, ...(body === undefined ? {} : { body }) })
  }
  const saved = (): FleetData => {
    return JSON.parse(readFileSync(join(h.service.config.data.dir, 'fleet.json'), 'utf8')) as FleetData
  }
  const savedDevice = (id: string) => saved().devices.find((device) => device.id === id)

  it('lists devices with their asset, site, customer and state, never a secret hash', async () => {
    const r = await admin('GET', '/api/devices')

    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ total: 4, limit: 50, offset: 0 })
    expect(r.body.items[0]).toEqual({
      id: 'dev-pump-1', assetId: 'pump-1', siteId: 'site-north', customerId: 'cust-water',
      reportIntervalSeconds: null, disabled: false,
    })
    expect(JSON.stringify(r.body)).not.toContain('scrypt')
  })

  it('filters by customer and pages', async () => {
    const towers = await admin('GET', '/api/devices?customerId=cust-towers')
    const page = await admin('GET', '/api/devices?limit=1&offset=1')

    expect(towers.body.items.map((d: { id: string }) => d.id)).toEqual(['dev-elev-1', 'dev-comp-2'])
    expect(page.body).toMatchObject({ total: 4, limit: 1, offset: 1, items: [{ id: 'dev-comp-1' }] })
  })

  it('answers one device, and 404 for an unknown id', async () => {
    const one = await admin('GET', '/api/devices/dev-elev-1')
    const unknown = await admin('GET', '/api/devices/dev-nowhere')

    expect(one.body).toMatchObject({ id: 'dev-elev-1', assetId: 'elevator-1', customerId: 'cust-towers' })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ code: 'FW_ERR_API_NOT_FOUND', details: { kind: 'device', id: 'dev-nowhere' } })
  })

  it('registers a device, shows its secret once and saves only its scrypt hash, readable by the owner alone', async () => {
    const r = await admin('POST', '/api/devices', { id: 'dev-pump-1b', assetId: 'pump-1', reportIntervalSeconds: 60 })
    const file = join(h.service.config.data.dir, 'fleet.json')

    expect(r.status).toBe(201)
    expect(r.body).toEqual({
      id: 'dev-pump-1b', assetId: 'pump-1', siteId: 'site-north', customerId: 'cust-water',
      reportIntervalSeconds: 60, disabled: false, secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    })
    const stored = savedDevice('dev-pump-1b')
    expect(verifySecret(r.body.secret, stored?.secretHash ?? '')).toBe(true)
    expect(readFileSync(file, 'utf8')).not.toContain(r.body.secret)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await admin('GET', '/api/devices/dev-pump-1b')).body).not.toHaveProperty('secret')
  })

  it('refuses a second device with the same id with 409', async () => {
    const r = await admin('POST', '/api/devices', { id: 'dev-comp-1', assetId: 'compressor-1' })

    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({
      code: 'FW_ERR_API_DEVICE_EXISTS', errors: [{ field: 'body.id', message: expect.stringContaining('dev-comp-1') }],
    })
  })

  it('names the field of a bad registration: unknown asset, bad id, unknown field, bad interval', async () => {
    const asset = await admin('POST', '/api/devices', { id: 'dev-x', assetId: 'no-such-asset' })
    const shape = await admin('POST', '/api/devices', { id: 'dev/x', assetId: 'pump-1', reportIntervalSeconds: 0, colour: 'red' })

    expect(asset.status).toBe(400)
    expect(asset.body).toMatchObject({ code: 'FW_ERR_API_FLEET_INVALID', errors: [{ field: 'body.assetId' }] })
    expect(shape.status).toBe(400)
    expect(shape.body.code).toBe('FW_ERR_HTTP_VALIDATION')
    expect(shape.body.errors.map((e: { field: string }) => e.field).sort())
      .toEqual(['body.colour', 'body.id', 'body.reportIntervalSeconds'])
    expect(savedDevice('dev-x')).toBeUndefined()
  })

  it('rotates a secret: the new one opens, the old one no longer does', async () => {
    const created = await admin('POST', '/api/devices', { id: 'dev-rotate', assetId: 'compressor-2' })
    const rotated = await admin('POST', '/api/devices/dev-rotate/rotate-secret')
    const hash = savedDevice('dev-rotate')?.secretHash ?? ''

    expect(rotated.status).toBe(200)
    expect(rotated.body).toMatchObject({ id: 'dev-rotate', disabled: false })
    expect(rotated.body.secret).not.toBe(created.body.secret)
    expect([verifySecret(rotated.body.secret, hash), verifySecret(created.body.secret, hash)]).toEqual([true, false])
  })

  it('disables and enables a device; enabled is the flag\'s absence in the saved fleet', async () => {
    const disabled = await admin('POST', '/api/devices/dev-comp-1/disable')
    const listed = await admin('GET', '/api/devices?disabled=true')
    const savedDisabled = savedDevice('dev-comp-1')?.disabled
    const enabled = await admin('POST', '/api/devices/dev-comp-1/enable')

    expect(disabled.body).toMatchObject({ id: 'dev-comp-1', disabled: true })
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual(['dev-comp-1'])
    expect(savedDisabled).toBe(true)
    expect(enabled.body).toMatchObject({ id: 'dev-comp-1', disabled: false })
    expect(savedDevice('dev-comp-1')).not.toHaveProperty('disabled')
  })

  it('answers 404 for commands on an unknown device, changing nothing', async () => {
    const before = JSON.stringify(saved())
    const answers = await Promise.all(['rotate-secret', 'disable', 'enable'].map((action) => {
      return admin('POST', `/api/devices/dev-nowhere/${action}`)
    }))

    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [404, 'FW_ERR_API_NOT_FOUND'], [404, 'FW_ERR_API_NOT_FOUND'], [404, 'FW_ERR_API_NOT_FOUND'],
    ])
    expect(JSON.stringify(saved())).toBe(before)
  })

  it('is for operators only: 403 for every other role, 401 without a key', async () => {
    const routes: Array<['GET' | 'POST', string, unknown?]> = [
      ['GET', '/api/devices'], ['GET', '/api/devices/dev-pump-1'],
      ['POST', '/api/devices', { id: 'dev-sneaky', assetId: 'pump-1' }],
      ['POST', '/api/devices/dev-pump-1/rotate-secret'], ['POST', '/api/devices/dev-pump-1/disable'],
      ['POST', '/api/devices/dev-pump-1/enable'],
    ]
    const keys = [h.keys.planner, h.keys.technician, h.keys.customer, undefined]
    const statuses = await Promise.all(routes.flatMap(([method, url, body]) => keys.map(async (key) => {
      const options = { method, url, ...(key === undefined ? {} : { key }), ...(body === undefined ? {} : { body }) }
      const r = await h.request(options)
      return r.status
    })))

    expect(statuses).toEqual(routes.flatMap(() => [403, 403, 403, 401]))
    expect(savedDevice('dev-sneaky')).toBeUndefined()
  })
})
