import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiHarness, type ApiHarness } from './harness.js'

describe('request limits and problem+json errors', () => {
  let h: ApiHarness

  beforeAll(async () => {
    h = await startApiHarness({ api: { bodyLimitBytes: 4096, maxQueryBytes: 256, rateLimitPerMinute: 30 } })
  })
  afterAll(async () => {
    await h.close()
  })

  const post = (payload: Buffer | string, headers: Record<string, string>) => h.service.http.app.inject({
    method: 'POST', url: '/api/keys', payload,
    headers: { 'authorization': `Bearer ${h.keys.admin}`, 'content-type': 'application/json', ...headers },
  })

  it('refuses a body over the limit with 413', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(5000), role: 'planner' }), {})

    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ code: 'FW_ERR_HTTP_BODY_TOO_LARGE', status: 413 })
  })

  it('counts a compressed body after decompression, so a small gzip bomb is refused too', async () => {
    const bomb = gzipSync(JSON.stringify({ name: 'x', role: 'planner', pad: ' '.repeat(1_000_000) }))
    const small = gzipSync(JSON.stringify({ name: 'gzipped', role: 'planner' }))

    expect(bomb.length).toBeLessThan(4096)
    const refused = await post(bomb, { 'content-encoding': 'gzip' })
    const accepted = await post(small, { 'content-encoding': 'gzip' })

    expect([refused.statusCode, refused.json().code]).toEqual([413, 'FW_ERR_HTTP_BODY_TOO_LARGE'])
    expect([accepted.statusCode, accepted.json().name]).toEqual([201, 'gzipped'])
  })

  it('refuses an unknown content encoding with 415', async () => {
    const response = await post('{}', { 'content-encoding': 'snappy' })

    expect([response.statusCode, response.json().code]).toEqual([415, 'FW_ERR_HTTP_ENCODING_UNSUPPORTED'])
  })

  it('refuses a query string over the limit with 414', async () => {
    const response = await h.request({ url: `/api/work-orders?assetId=${'a'.repeat(300)}`, key: h.keys.planner })

    expect([response.status, response.body.code]).toEqual([414, 'FW_ERR_HTTP_QUERY_TOO_LONG'])
  })

  it('limits each key on its own, and says when to retry', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await h.request({ url: '/api/technicians', key: h.keys.planner })).status)
    const limited = await h.request({ url: '/api/technicians', key: h.keys.planner })
    const otherKey = await h.request({ url: '/api/assets', key: h.keys.customer })
    const health = await h.request({ url: '/healthz' })

    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true)
    expect(statuses[30]).toBe(429)
    expect(limited.body).toMatchObject({ code: 'FW_ERR_HTTP_RATE_LIMITED', status: 429 })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect([otherKey.status, health.status]).toEqual([200, 200])
  })

  it('answers every error as application/problem+json without a stack trace', async () => {
    const unknownRoute = await h.request({ url: '/api/nothing-here', key: h.keys.admin })
    const badJson = await h.service.http.app.inject({
      method: 'POST', url: '/api/keys', payload: '{"name":',
      headers: { 'authorization': `Bearer ${h.keys.admin}`, 'content-type': 'application/json' },
    })

    const badJsonAnswer = { status: badJson.statusCode, headers: badJson.headers, body: badJson.json() }
    for (const response of [unknownRoute, badJsonAnswer]) {
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/)
      expect(response.body).toEqual(expect.objectContaining({
        type: expect.stringMatching(/^urn:forewarn:error:FW_ERR_/), title: expect.any(String),
        status: response.status, detail: expect.any(String), code: expect.stringMatching(/^FW_ERR_/),
      }))
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/)
    }
    expect([unknownRoute.status, badJson.statusCode]).toEqual([404, 400])
  })
})

describe('answers that say what to do', () => {
  let h: ApiHarness

  beforeAll(async () => {
    h = await startApiHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it('answers a path with no route 404 whatever the key, and without one', async () => {
    const answers = await Promise.all([h.keys.planner, h.keys.customer, undefined]
      .map((key) => h.request({ url: '/api/workorders', key })))

    expect(answers.map((a) => [a.status, a.body.code])).toEqual(Array(3).fill([404, 'FW_ERR_HTTP_NOT_FOUND']))
  })

  it('says a key without "Bearer" is in the wrong form, not missing', async () => {
    const response = await h.request({ url: '/api/work-orders', headers: { authorization: h.keys.planner } })

    expect([response.status, response.body.code]).toEqual([401, 'FW_ERR_AUTH_KEY_INVALID'])
    expect(response.body.detail).toMatch(/Bearer <key>/)
  })

  it('says an instant needs a zone offset', async () => {
    const response = await h.request({ url: '/api/work-orders?visitFrom=2026-12-04T00:00:00', key: h.keys.planner })

    expect(response.body.errors).toEqual([{ field: 'querystring.visitFrom', message: expect.stringMatching(/zone offset/) }])
  })
})
