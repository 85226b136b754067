import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startApiHarness, type ApiHarness, type TestKeys } from './harness.js'

/*
 * Who gets what: every route, tried with a key of every role, a key of another customer or
 * technician, a revoked key and no key. A number is the exact status expected; 'pass' means
 * the request got past authentication and scoping (anything but 401, 403 and 404: a command
 * may still be refused by the work order's lifecycle, 409, after an earlier row moved it on).
 * The table must name every route the server has; a new route without a row fails the test.
 */

type Who = keyof TestKeys | 'none' | 'revoked'
type Expected = number | 'pass'
const WHO: Who[] = ['admin', 'planner', 'technician', 'otherTechnician', 'customer', 'otherCustomer', 'none', 'revoked']

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The route's URL template, as the server registers it. */
  route: string
  /** The concrete URL tried; $water, $towers and $spareKey are filled in from the harness. */
  url: string
  body?: unknown
  expect: Partial<Record<Who, Expected>>
}

const PUBLIC = Object.fromEntries(WHO.map((who) => [who, 200]))
const DENIED = { none: 401, revoked: 401 }
/** Routes for operators only. */
const ADMIN_ONLY = (ok: Expected) => ({
  ...DENIED, admin: ok, planner: 403, technician: 403, otherTechnician: 403, customer: 403, otherCustomer: 403,
})
/** Planners' routes over every customer. */
const STAFF_ONLY = (ok: Expected) => ({ ...ADMIN_ONLY(ok), planner: ok })
/** Something of cust-water at site-north, worked by tech-north. */
const WATER_THING = (ok: Expected) => ({
  ...DENIED, admin: ok, planner: ok, technician: ok, otherTechnician: 404, customer: ok, otherCustomer: 404,
})
/** A field action on cust-water's work order: technicians act on their own visits only. */
const FIELD_ACTION = {
  ...DENIED, admin: 'pass', planner: 'pass', technician: 'pass', otherTechnician: 404, customer: 403, otherCustomer: 403,
} as const
/** Something of tech-north's. */
const TECH_NORTH = (ok: Expected) => ({
  ...DENIED, admin: ok, planner: ok, technician: ok, otherTechnician: 404, customer: 403, otherCustomer: 403,
})
/** A customer's own record: staff and that customer's keys; technicians have no business here. */
const WATER_CUSTOMER = (ok: Expected) => ({
  ...DENIED, admin: ok, planner: ok, technician: 403, otherTechnician: 403, customer: ok, otherCustomer: 404,
})
/** A list every role may read, each seeing its own part of it. */
const SCOPED_LIST = {
  ...DENIED, admin: 200, planner: 200, technician: 200, otherTechnician: 200, customer: 200, otherCustomer: 200,
}

const FAR_FUTURE = { reason: 'training', from: '2031-01-06T08:00:00Z', until: '2031-01-07T08:00:00Z' }

const TABLE: Row[] = [
  { method: 'GET', route: '/healthz', url: '/healthz', expect: PUBLIC },
  { method: 'GET', route: '/readyz', url: '/readyz', expect: PUBLIC },
  { method: 'GET', route: '/metrics', url: '/metrics', expect: PUBLIC },

  { method: 'GET', route: '/api/work-orders', url: '/api/work-orders', expect: SCOPED_LIST },
  { method: 'GET', route: '/api/work-orders/:id', url: '/api/work-orders/$water', expect: WATER_THING(200) },
  { method: 'POST', route: '/api/work-orders/:id/schedule', url: '/api/work-orders/$water/schedule', body: {}, expect: STAFF_ONLY('pass') },
  { method: 'POST', route: '/api/work-orders/:id/reschedule', url: '/api/work-orders/$water/reschedule', body: { reason: 'r', start: '2026-03-03T09:00:00+01:00' }, expect: STAFF_ONLY('pass') },
  { method: 'POST', route: '/api/work-orders/:id/assign', url: '/api/work-orders/$water/assign', body: { technicianId: 'tech-north' }, expect: STAFF_ONLY('pass') },
  { method: 'POST', route: '/api/work-orders/:id/handover', url: '/api/work-orders/$water/handover', body: { to: 'planner-ben', reason: 'leave' }, expect: STAFF_ONLY('pass') },
  { method: 'POST', route: '/api/work-orders/:id/dispatch', url: '/api/work-orders/$water/dispatch', body: {}, expect: FIELD_ACTION },
  { method: 'POST', route: '/api/work-orders/:id/start', url: '/api/work-orders/$water/start', body: {}, expect: FIELD_ACTION },
  { method: 'POST', route: '/api/work-orders/:id/complete', url: '/api/work-orders/$water/complete', body: { outcome: 'no_fault_found' }, expect: FIELD_ACTION },
  { method: 'POST', route: '/api/work-orders/:id/cancel', url: '/api/work-orders/$towers/cancel', body: { reason: 'duplicate' }, expect: {
    ...DENIED, admin: 'pass', planner: 'pass', technician: 403, otherTechnician: 403, customer: 403, otherCustomer: 403,
  } },

  { method: 'GET', route: '/api/technicians', url: '/api/technicians', expect: STAFF_ONLY(200) },
  { method: 'GET', route: '/api/technicians/:id', url: '/api/technicians/tech-north', expect: TECH_NORTH(200) },
  { method: 'GET', route: '/api/technicians/:id/schedule', url: '/api/technicians/tech-north/schedule', expect: TECH_NORTH(200) },
  { method: 'GET', route: '/api/technicians/:id/calendar.ics', url: '/api/technicians/tech-north/calendar.ics', expect: TECH_NORTH(200) },
  { method: 'POST', route: '/api/technicians/:id/unavailable', url: '/api/technicians/tech-north/unavailable', body: FAR_FUTURE, expect: STAFF_ONLY(200) },

  { method: 'GET', route: '/api/assets', url: '/api/assets', expect: SCOPED_LIST },
  { method: 'GET', route: '/api/assets/:id', url: '/api/assets/pump-1', expect: WATER_THING(200) },
  { method: 'GET', route: '/api/assets/:id/telemetry', url: '/api/assets/pump-1/telemetry?metric=vibration_rms', expect: WATER_THING(200) },

  { method: 'GET', route: '/api/customers', url: '/api/customers', expect: STAFF_ONLY(200) },
  { method: 'GET', route: '/api/customers/:id', url: '/api/customers/cust-water', expect: WATER_CUSTOMER(200) },
  { method: 'GET', route: '/api/customers/:id/status', url: '/api/customers/cust-water/status', expect: WATER_CUSTOMER(200) },
  { method: 'GET', route: '/api/customers/:id/notices', url: '/api/customers/cust-water/notices', expect: WATER_CUSTOMER(200) },
  {
    method: 'GET', route: '/api/customers/:id/preferences', url: '/api/customers/cust-water/preferences',
    expect: WATER_CUSTOMER(200),
  },
  {
    method: 'PUT', route: '/api/customers/:id/preferences', url: '/api/customers/cust-water/preferences',
    body: { channels: { email: true, webhook: false }, quietHours: null, language: 'en', timeZone: 'Europe/Berlin' },
    expect: WATER_CUSTOMER(200),
  },
  {
    method: 'PATCH', route: '/api/customers/:id/preferences', url: '/api/customers/cust-water/preferences',
    body: { language: 'de' }, expect: WATER_CUSTOMER(200),
  },

  { method: 'GET', route: '/api/devices', url: '/api/devices', expect: ADMIN_ONLY(200) },
  { method: 'GET', route: '/api/devices/:id', url: '/api/devices/dev-pump-1', expect: ADMIN_ONLY(200) },
  { method: 'POST', route: '/api/devices', url: '/api/devices', body: { id: 'dev-acc', assetId: 'pump-1' }, expect: ADMIN_ONLY(201) },
  {
    method: 'POST', route: '/api/devices/:id/rotate-secret', url: '/api/devices/dev-comp-2/rotate-secret', body: {},
    expect: ADMIN_ONLY(200),
  },
  { method: 'POST', route: '/api/devices/:id/disable', url: '/api/devices/dev-comp-2/disable', body: {}, expect: ADMIN_ONLY(200) },
  { method: 'POST', route: '/api/devices/:id/enable', url: '/api/devices/dev-comp-2/enable', body: {}, expect: ADMIN_ONLY(200) },
  { method: 'POST', route: '/api/fleet/import', url: '/api/fleet/import', body: '$fleet', expect: ADMIN_ONLY(200) },

  { method: 'GET', route: '/api/models/detectors', url: '/api/models/detectors', expect: STAFF_ONLY(200) },

  { method: 'GET', route: '/api/dead-letters', url: '/api/dead-letters', expect: ADMIN_ONLY(200) },
  { method: 'GET', route: '/api/ingest/dead-letters', url: '/api/ingest/dead-letters', expect: ADMIN_ONLY(200) },
  { method: 'GET', route: '/api/keys', url: '/api/keys', expect: ADMIN_ONLY(200) },
  { method: 'POST', route: '/api/keys', url: '/api/keys', body: { name: 'table', role: 'planner' }, expect: ADMIN_ONLY(201) },
  { method: 'DELETE', route: '/api/keys/:id', url: '/api/keys/$spareKey', expect: ADMIN_ONLY(200) },
]

describe('access table: every route, every kind of key', () => {
  let h: ApiHarness
  let spareKey: string

  beforeAll(async () => {
    h = await startApiHarness()
    spareKey = h.service.http.keys.create({ name: 'spare', role: 'planner' }).info.id
    const revoked = h.service.http.keys.create({ name: 'revoked', role: 'admin' })
    h.service.http.keys.revoke(revoked.info.id)
    Object.assign(h.keys, { revoked: revoked.key })
  })
  afterAll(async () => {
    await h.close()
  })

  it('starts from work orders with known owners: water at tech-north, towers at tech-tower', () => {
    expect([h.water.customerId, h.water.technicianId]).toEqual(['cust-water', 'tech-north'])
    expect([h.towers.customerId, h.towers.technicianId]).toEqual(['cust-towers', 'tech-tower'])
  })

  it('has a row for every route the server has, and no row for a route it lacks', () => {
    const served = new Set(h.service.http.routes.map((r) => `${r.method} ${r.url}`))
    const rows = new Set(TABLE.map((row) => `${row.method} ${row.route}`))

    expect([...rows].filter((r) => !served.has(r))).toEqual([])
    expect([...served].filter((r) => !rows.has(r))).toEqual([])
  })

  const withId = TABLE.filter((row) => row.route.includes(':id'))
  it.each(withId.map((row) => [`${row.method} ${row.route}`, row] as const))(
    '%s refuses a malformed id with 400 naming params.id', async (_name, row) => {
      const url = row.route.replace(':id', 'bad%20id!')
      const body = row.body === '$fleet' ? buildTestFleet().fleet.data : row.body
      const response = await h.request({ method: row.method, url, key: h.keys.admin, body })

      expect([response.status, response.body.code, response.body.errors?.[0]?.field])
        .toEqual([400, 'FW_ERR_HTTP_VALIDATION', 'params.id'])
    },
  )

  const withBody = TABLE.filter((row) => row.body !== undefined && row.body !== '$fleet')
  it.each(withBody.map((row) => [`${row.method} ${row.route}`, row] as const))(
    '%s refuses an unknown body field with 400 naming it', async (_name, row) => {
      const url = row.url.replace('$water', h.water.id).replace('$towers', h.towers.id).replace('$spareKey', spareKey)
      const body = { ...(row.body as object), colour: 'red' }
      const response = await h.request({ method: row.method, url, key: h.keys.admin, body })

      expect([response.status, response.body.code, response.body.errors?.[0]?.field])
        .toEqual([400, 'FW_ERR_HTTP_VALIDATION', 'body.colour'])
    },
  )

  const apiRows = TABLE.filter((row) => row.route.startsWith('/api/'))
  it.each(apiRows.map((row) => [`${row.method} ${row.route}`, row] as const))(
    '%s refuses an unknown query parameter with 400 naming it', async (_name, row) => {
      const url = row.url.replace('$water', h.water.id).replace('$towers', h.towers.id).replace('$spareKey', spareKey)
      const body = row.body === '$fleet' ? buildTestFleet().fleet.data : row.body
      const response = await h.request({ method: row.method, url: `${url}${url.includes('?') ? '&' : '?'}colour=red`, key: h.keys.admin, body })

      expect([response.status, response.body.code, response.body.errors?.[0]?.field])
        .toEqual([400, 'FW_ERR_HTTP_VALIDATION', 'querystring.colour'])
    },
  )

  it.each(TABLE.map((row) => [`${row.method} ${row.url}`, row] as const))('%s', async (_name, row) => {
    const url = row.url.replace('$water', h.water.id).replace('$towers', h.towers.id).replace('$spareKey', spareKey)
    const outcomes: Array<[Who, number | string]> = []
    for (const who of WHO) {
      const key = who === 'none' ? undefined : (h.keys as unknown as Record<string, string>)[who]
      const body = row.body === '$fleet' ? buildTestFleet().fleet.data : row.body
      const response = await h.request({ method: row.method, url, key, body })
      const expected = row.expect[who]
      const got = expected === 'pass' && ![401, 403, 404].includes(response.status) ? 'pass' : response.status
      outcomes.push([who, got])
    }
    expect(outcomes).toEqual(WHO.map((who) => [who, row.expect[who]]))
  })
})
