import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiHarness, type ApiHarness } from './harness.js'

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { parameters?: Array<{ name: string, in: string }>, security?: unknown[] }>>
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

describe('the OpenAPI description at /docs', () => {
  let h: ApiHarness
  let document: OpenApiDocument

  beforeAll(async () => {
    h = await startApiHarness()
    const response = await h.request({ url: '/docs/json' })
    expect(response.status).toBe(200)
    document = response.body as OpenApiDocument
  })
  afterAll(async () => {
    await h.close()
  })

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0])

    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(document.openapi).toMatch(/^3\./)
  })

  it('describes exactly the routes the server has, both ways', () => {
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    const served = h.service.http.routes.map((r) => `${r.method} ${r.url}`)

    expect([...described].sort()).toEqual([...new Set(served)].sort())
  })

  it('takes its parameters from the same schemas that validate requests', () => {
    const list = document.paths['/api/work-orders']?.get?.parameters?.map((p) => `${p.in}:${p.name}`) ?? []

    expect(list).toEqual(expect.arrayContaining(['query:status', 'query:priority', 'query:dueBefore', 'query:limit']))
    expect(document.paths['/healthz']?.get?.security).toEqual([])
  })

  it('serves a browsable page without a key', async () => {
    const page = await h.request({ url: '/docs/' })

    expect(page.status).toBe(200)
    expect(String(page.body)).toContain('<html')
  })
})
