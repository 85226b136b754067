import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiHarness, type ApiHarness, type RequestOptions } from './harness.js'

const PREFERENCES = {
  channels: { email: true, webhook: false }, quietHours: { start: '21:30', end: '06:45' },
  language: 'en', timeZone: 'Europe/Vienna',
}

/** Every route of the group that names a customer, with a body that would be accepted. */
const ID_ROUTES: Array<Omit<RequestOptions, 'key'>> = [
  { url: '/api/customers/cust-water' },
  { url: '/api/customers/cust-water/status' },
  { url: '/api/customers/cust-water/notices' },
  { url: '/api/customers/cust-water/preferences' },
  { method: 'PUT', url: '/api/customers/cust-water/preferences', body: PREFERENCES },
  { method: 'PATCH', url: '/api/customers/cust-water/preferences', body: { channels: { email: false } } },
]

describe('customer routes', () => {
  let h: ApiHarness
  beforeAll(async () => {
    h = await startApiHarness()
    // A second customer notice, and a staff alert kept under the same customer.
    h.service.dispatch.command(h.water.id, { action: 'dispatch', by: 'tech-north' })
    h.service.dispatch.command(h.water.id, { action: 'handover', to: 'planner-ben', reason: 'leave', by: 'planner-ana' })
  })
  afterAll(async () => {
    await h.close()
  })

  it('lists every customer to staff, paged', async () => {
    const all = await h.request({ url: '/api/customers', key: h.keys.planner })
    const second = await h.request({ url: '/api/customers?limit=1&offset=1', key: h.keys.admin })

    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(['cust-water', 'cust-towers'])
    expect(all.body.total).toBe(2)
    expect(second.body).toMatchObject({ items: [{ id: 'cust-towers' }], total: 2, limit: 1, offset: 1 })
  })

  it('refuses the customer list to customer and technician keys', async () => {
    const answers = await Promise.all([h.keys.customer, h.keys.technician].map((key) => h.request({ url: '/api/customers', key })))
    expect(answers.map((r) => [r.status, r.body.code])).toEqual([[403, 'FW_ERR_AUTH_FORBIDDEN'], [403, 'FW_ERR_AUTH_FORBIDDEN']])
  })

  it('shows a customer key its own customer with its sites and assets', async () => {
    const r = await h.request({ url: '/api/customers/cust-water', key: h.keys.customer })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      id: 'cust-water', name: 'Water Utility Test Co', email: 'ops@water.example', timeZone: 'Europe/Berlin',
      webhookConfigured: false,
      sites: [{ id: 'site-north', name: 'North station', timeZone: 'Europe/Berlin' }],
      assets: [
        { id: 'pump-1', name: 'Test pump-1', siteId: 'site-north', equipmentType: 'pump' },
        { id: 'compressor-1', name: 'Test compressor-1', siteId: 'site-north', equipmentType: 'compressor' },
      ],
    })
  })

  it.each(ID_ROUTES)('answers another customer\'s key on $method $url exactly like a missing id', async (route) => {
    const other = await h.request({ ...route, key: h.keys.otherCustomer })
    const missing = await h.request({ ...route, url: route.url.replace('cust-water', 'cust-nobody'), key: h.keys.admin })

    expect(other.status).toBe(404)
    expect(other.headers['content-type']).toContain('application/problem+json')
    expect({ ...other.body, detail: '', instance: '', details: {} }).toEqual({ ...missing.body, detail: '', instance: '', details: {} })
    expect(other.body.detail).toBe('no customer cust-water')
  })

  it.each(ID_ROUTES)('refuses a technician key on $method $url', async (route) => {
    const r = await h.request({ ...route, key: h.keys.technician })
    expect([r.status, r.body.code]).toEqual([403, 'FW_ERR_AUTH_FORBIDDEN'])
  })

  it('changes nothing when another customer\'s key tries to', async () => {
    await h.request({ method: 'PATCH', url: '/api/customers/cust-water/preferences', key: h.keys.otherCustomer, body: { language: 'de' } })
    const r = await h.request({ url: '/api/customers/cust-water/preferences', key: h.keys.customer })
    expect(r.body).toMatchObject({ language: 'en', overridden: [], updatedBy: null })
  })

  it('shows each asset\'s status and the open case with its named owner and next visit in the customer\'s zone', async () => {
    const r = await h.request({ url: '/api/customers/cust-water/status', key: h.keys.customer })
    const visit = h.water.visit
    if (visit === null) throw new Error('the harness work order has no visit')

    expect(r.status).toBe(200)
    expect(r.body.assets.map((a: { id: string, status: string }) => [a.id, a.status]))
      .toEqual([['pump-1', 'at_risk'], ['compressor-1', 'healthy']])
    expect(r.body.openCases).toEqual([expect.objectContaining({
      workOrderId: h.water.id, assetId: 'pump-1', assetName: 'Test pump-1', siteName: 'North station',
      stage: 'technician_on_the_way', attention: [], owner: { name: 'Ben Planner', email: 'ben@service.example' },
      nextVisit: {
        start: visit.start, end: visit.end, startLocal: '2026-03-02T08:00:00+01:00',
        endLocal: '2026-03-02T10:00:00+01:00', timeZone: 'Europe/Berlin', technician: { name: 'Technician tech-north' },
      },
    })])
    expect(r.body.nextVisit).toMatchObject({ workOrderId: h.water.id, assetId: 'pump-1', start: visit.start })
    expect(JSON.stringify(r.body)).not.toContain('history')
  })

  it('lists the customer\'s own notices newest first, paged, without staff alerts', async () => {
    const first = await h.request({ url: '/api/customers/cust-water/notices?limit=1', key: h.keys.customer })
    const second = await h.request({ url: '/api/customers/cust-water/notices?limit=1&offset=1', key: h.keys.customer })

    expect(first.body).toMatchObject({
      items: [{ workOrderId: h.water.id, channel: 'email', template: 'technician-on-the-way' }], total: 2, limit: 1, offset: 0,
    })
    expect(second.body.items.map((n: { template: string }) => n.template)).toEqual(['visit-scheduled'])
    expect(Object.keys(first.body.items[0]).sort()).toEqual([
      'attempts', 'channel', 'createdAt', 'digestId', 'id', 'sentAt', 'status', 'subject', 'template', 'workOrderId',
    ])
  })

  it('filters notices by work order and never reaches another customer\'s through the filter', async () => {
    const own = await h.request({ url: `/api/customers/cust-water/notices?workOrderId=${h.water.id}`, key: h.keys.customer })
    const foreign = await h.request({ url: `/api/customers/cust-water/notices?workOrderId=${h.towers.id}`, key: h.keys.customer })
    const smuggled = await h.request({ url: '/api/customers/cust-water/notices?customerId=cust-towers', key: h.keys.customer })

    expect(own.body.total).toBe(2)
    expect(foreign.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 })
    expect([smuggled.status, smuggled.body.code]).toEqual([400, 'FW_ERR_HTTP_VALIDATION'])
  })

  it('names the field of every invalid preference', async () => {
    const bodies = [
      { timeZone: 'Mars/Olympus' },
      { quietHours: { start: '7pm', end: '07:00' } },
      { quietHours: { start: '22:00', end: '22:00' } },
      { language: 'fr' },
      { channels: { email: 'no' } },
      {},
    ]
    const answers = await Promise.all(bodies.map((body) =>
      h.request({ method: 'PATCH', url: '/api/customers/cust-water/preferences', key: h.keys.customer, body })))

    expect(answers.map((r) => [r.status, r.body.code, r.body.errors?.[0]?.field])).toEqual([
      [400, 'FW_ERR_HTTP_VALIDATION', 'body.timeZone'],
      [400, 'FW_ERR_HTTP_VALIDATION', 'body.quietHours.start'],
      [400, 'FW_ERR_HTTP_VALIDATION', 'body.quietHours.end'],
      [400, 'FW_ERR_HTTP_VALIDATION', 'body.language'],
      [400, 'FW_ERR_HTTP_VALIDATION', 'body.channels.email'],
      [400, 'FW_ERR_HTTP_VALIDATION', 'body'],
    ])
  })

  it('refuses a webhook the fleet file does not define, naming the field', async () => {
    const r = await h.request({
      method: 'PATCH', url: '/api/customers/cust-water/preferences', key: h.keys.customer, body: { channels: { webhook: true } },
    })
    expect([r.status, r.body.code, r.body.errors]).toEqual([
      422, 'FW_ERR_DSP_PREFERENCES_INVALID', [{ field: 'channels.webhook', message: expect.stringMatching(/no webhook/) }],
    ])
  })

  it('sets every preference with PUT, records the key, and a PATCH changes only what it names', async () => {
    const put = await h.request({ method: 'PUT', url: '/api/customers/cust-water/preferences', key: h.keys.customer, body: PREFERENCES })
    const patch = await h.request({
      method: 'PATCH', url: '/api/customers/cust-water/preferences', key: h.keys.planner, body: { quietHours: null },
    })

    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({
      ...PREFERENCES, updatedBy: expect.stringMatching(/^water crm \(customer key \w+\)$/),
    })
    expect(patch.body).toMatchObject({
      ...PREFERENCES, quietHours: null, updatedBy: expect.stringMatching(/^planner ana \(planner key \w+\)$/),
    })
    expect(patch.body.updatedAt).toBeGreaterThanOrEqual(put.body.updatedAt)
    const customer = await h.request({ url: '/api/customers/cust-water', key: h.keys.customer })
    expect(customer.body.timeZone).toBe('Europe/Vienna')
  })

  it('turns an asset to attention once its case is past due', async () => {
    const dueBy = h.service.dispatch.getWorkOrder(h.water.id)?.dueBy ?? 0
    h.service.dispatch.observeReading({
      deviceId: 'dev-comp-2', assetId: 'compressor-2', metric: 'motor_current', time: dueBy + 60_000, value: 20,
      tags: { siteId: 'site-tower', customerId: 'cust-towers', equipmentType: 'compressor' },
    })
    const r = await h.request({ url: '/api/customers/cust-water/status', key: h.keys.admin })

    expect(r.body.assets[0]).toMatchObject({ id: 'pump-1', status: 'attention', openCases: [h.water.id] })
    expect(r.body.openCases[0].attention).toEqual(['overdue'])
  })
})
