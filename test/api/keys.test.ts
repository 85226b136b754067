import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateApiKey } from '../../api/index.js'
import { startApiHarness, type ApiHarness } from './harness.js'

describe('API keys', () => {
  let h: ApiHarness
  const configured = generateApiKey().key

  beforeAll(async () => {
    h = await startApiHarness({ api: { adminKey: configured } })
  })
  afterAll(async () => {
    await h.close()
  })

  const dataDir = () => h.service.config.data.dir

  it('shows a new key once, stores only its hash, and lists keys without secrets', async () => {
    const created = await h.request({ method: 'POST', url: '/api/keys', key: h.keys.admin, body: { name: 'crm', role: 'customer', customerId: 'cust-water' } })
    const list = await h.request({ url: '/api/keys', key: h.keys.admin })
    const stored = readFileSync(join(dataDir(), 'api-keys.sqlite'))

    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'crm', role: 'customer', customerId: 'cust-water', revokedAt: null })
    expect(created.body.key).toMatch(/^fwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    const secret = String(created.body.key).slice(17)
    expect(stored.includes(Buffer.from(secret))).toBe(false)
    expect(JSON.stringify(list.body)).not.toContain(secret)
    expect(list.body.items.find((k: { id: string }) => k.id === created.body.id)).toEqual({
      id: created.body.id, name: 'crm', role: 'customer', customerId: 'cust-water', technicianId: null,
      createdAt: created.body.createdAt, revokedAt: null, lastUsedAt: null,
    })
  })

  it('works as a Bearer token, an X-API-Key header or a Basic password, and records its last use', async () => {
    const { key, info } = h.service.http.keys.create({ name: 'calendar', role: 'planner' })
    const bearer = await h.request({ url: '/api/technicians', key })
    const header = await h.request({ url: '/api/technicians', headers: { 'x-api-key': key } })
    const basic = await h.request({ url: '/api/technicians', headers: { authorization: `Basic ${Buffer.from(`any:${key}`).toString('base64')}` } })

    expect([bearer.status, header.status, basic.status]).toEqual([200, 200, 200])
    expect(h.service.http.keys.get(info.id)?.lastUsedAt).not.toBeNull()
  })

  it('stops a revoked key at its next request', async () => {
    const { key, info } = h.service.http.keys.create({ name: 'leaver', role: 'planner' })
    const before = await h.request({ url: '/api/work-orders', key })
    const revoke = await h.request({ method: 'DELETE', url: `/api/keys/${info.id}`, key: h.keys.admin })
    const after = await h.request({ url: '/api/work-orders', key })

    expect([before.status, revoke.status, after.status]).toEqual([200, 200, 401])
    expect(revoke.body.revokedAt).not.toBeNull()
    expect(after.body).toMatchObject({ code: 'FW_ERR_AUTH_KEY_INVALID', status: 401 })
  })

  it('refuses a wrong secret for a real key id, a malformed key and an unknown key alike', async () => {
    const { key } = h.service.http.keys.create({ name: 'x', role: 'planner' })
    const wrongSecret = `${key.slice(0, 17)}${'A'.repeat(43)}`
    for (const bad of [wrongSecret, 'not-a-key', generateApiKey().key]) {
      const response = await h.request({ url: '/api/work-orders', key: bad })
      expect([response.status, response.body.code]).toEqual([401, 'FW_ERR_AUTH_KEY_INVALID'])
    }
  })

  it('accepts the configured admin key besides the stored ones', async () => {
    const response = await h.request({ url: '/api/keys', key: configured })

    expect(response.status).toBe(200)
  })

  it('writes no admin key file when an admin key is configured', () => {
    expect(existsSync(join(dataDir(), 'admin-api-key'))).toBe(false)
  })

  it.each([
    [{ name: 'c', role: 'customer' }, 'body.customerId', 'FW_ERR_AUTH_KEY_SCOPE'],
    [{ name: 'c', role: 'customer', customerId: 'cust-nobody' }, 'body.customerId', 'FW_ERR_AUTH_KEY_SCOPE'],
    [{ name: 'p', role: 'planner', customerId: 'cust-water' }, 'body.customerId', 'FW_ERR_AUTH_KEY_SCOPE'],
    [{ name: 't', role: 'technician' }, 'body.technicianId', 'FW_ERR_AUTH_KEY_SCOPE'],
    [{ name: 't', role: 'technician', technicianId: 'tech-nobody' }, 'body.technicianId', 'FW_ERR_AUTH_KEY_SCOPE'],
    [{ name: 'x', role: 'superuser' }, 'body.role', 'FW_ERR_HTTP_VALIDATION'],
    [{ role: 'planner' }, 'body.name', 'FW_ERR_HTTP_VALIDATION'],
  ])('refuses to issue %j, naming %s', async (body, field, code) => {
    const response = await h.request({ method: 'POST', url: '/api/keys', key: h.keys.admin, body })

    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code, errors: [{ field }] })
  })

  it('answers 404 for revoking a key that does not exist', async () => {
    const response = await h.request({ method: 'DELETE', url: '/api/keys/0123456789ab', key: h.keys.admin })

    expect([response.status, response.body.code]).toEqual([404, 'FW_ERR_AUTH_KEY_NOT_FOUND'])
  })
})

describe('the first admin key', () => {
  it('is written on first start to a file only its owner can read, and works', async () => {
    const h = await startApiHarness()
    try {
      const file = join(h.service.config.data.dir, 'admin-api-key')
      const key = readFileSync(file, 'utf8').trim()

      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect((await h.request({ url: '/api/keys', key })).status).toBe(200)
    } finally {
      await h.close()
    }
  })
})
