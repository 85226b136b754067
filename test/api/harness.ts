import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createService, type Service } from '../../app/service.js'
import { createLogger, loadConfig, type ConfigOverrides, type WorkOrder } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeSignal } from '../dispatch/fixtures.js'

/** One key of every kind the access table distinguishes. */
export interface TestKeys {
  admin: string
  planner: string
  technician: string
  /** tech-tower: a technician with nothing assigned at tech-north's site. */
  otherTechnician: string
  customer: string
  otherCustomer: string
}

export interface ApiHarness {
  service: Service
  keys: TestKeys
  /** Work orders opened at start: pump-1 (cust-water, tech-north) and elevator-1 (cust-towers, tech-tower). */
  water: WorkOrder
  towers: WorkOrder
  /** The body is parsed JSON (or text); tests assert on it field by field, hence `any`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(options: RequestOptions): Promise<{ status: number, headers: Record<string, unknown>, body: any }>
  close(): Promise<void>
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  key?: string
  body?: unknown
  headers?: Record<string, string>
}

/**
 * The whole service on embedded defaults (embedded aedes, SQLite telemetry), with the test
 * fleet, one work order per customer, and a key of every role. Requests go through fastify's
 * inject, so every hook (auth, limits, problem+json) runs as on the wire.
 */
export async function startApiHarness(overrides: ConfigOverrides = {}): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'forewarn-api-'))
  const config = loadConfig({
    env: {},
    overrides: {
      ...overrides,
      data: { dir: dataDir },
      mqtt: { port: 0, ...overrides.mqtt },
      http: { port: 0 },
      // No escalation pass during a test; commands drive the lifecycle.
      dispatch: { escalationIntervalMs: 86_400_000, ...overrides.dispatch },
    },
  })
  const { fleet } = buildTestFleet()
  const service = createService({ config, fleet, logger: createLogger({ level: 'silent' }) })
  await service.start()

  // With no configured admin key, the first start writes one for the operator.
  const admin = config.api.adminKey !== '' ? config.api.adminKey : readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim()
  const store = service.http.keys
  const keys: TestKeys = {
    admin,
    planner: store.create({ name: 'planner ana', role: 'planner' }).key,
    technician: store.create({ name: 'tech north', role: 'technician', technicianId: 'tech-north' }).key,
    otherTechnician: store.create({ name: 'tech tower', role: 'technician', technicianId: 'tech-tower' }).key,
    customer: store.create({ name: 'water crm', role: 'customer', customerId: 'cust-water' }).key,
    otherCustomer: store.create({ name: 'towers portal', role: 'customer', customerId: 'cust-towers' }).key,
  }
  const water = service.dispatch.handleSignal(makeSignal({ id: 'sig-water' }))
  const towers = service.dispatch.handleSignal(makeSignal({
    id: 'sig-towers', assetId: 'elevator-1', failureMode: 'door_wear', detectedAt: MONDAY_0600_BERLIN + HOUR_MS,
  }))
  if (water === null || towers === null) throw new Error('the harness signals opened no work orders')

  return {
    service,
    keys,
    water,
    towers,
    async request(options) {
      const headers: Record<string, string> = { ...options.headers }
      if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`
      const response = await service.http.app.inject({
        method: options.method ?? 'GET',
        url: options.url,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      })
      const type = String(response.headers['content-type'] ?? '')
      const body: unknown = type.includes('json') ? response.json() : response.body
      return { status: response.statusCode, headers: response.headers, body }
    },
    async close() {
      await service.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
