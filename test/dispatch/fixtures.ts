import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import {
  createLogger, createMetricsRegistry, hashSecret, loadConfig, parseFleet,
  type Clock, type Config, type Fleet, type FleetData, type Registry, type Signal,
} from '../../core/index.js'
import { createDispatch, type Dispatch } from '../../dispatch/index.js'

/*
 * The dispatch test fleet. Customer "cust-water" reads its email in Europe/London while its
 * site and technicians work in Europe/Berlin, so a visit time in the customer's zone is
 * distinguishable from one in the technician's. Only tech-mira and tech-jonas can repair
 * pump-1: tech-south has the skill but not the site, tech-comp the site but not the skill,
 * and both of those work longer hours, so choosing them would give an earlier slot.
 */
const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7]
const WORKDAYS = [1, 2, 3, 4, 5]

let fleetData: FleetData | undefined

export function testFleet(customize?: (data: FleetData) => void): Fleet {
  fleetData ??= buildFleetData()
  const data = structuredClone(fleetData)
  customize?.(data)
  return parseFleet(data)
}

function buildFleetData(): FleetData {
  const secretHash = hashSecret('test-device-secret')
  return {
    customers: [
      { id: 'cust-water', name: 'Acme Water', email: 'ops@water.example', timeZone: 'Europe/London' },
      { id: 'cust-towers', name: 'Towers Co', email: 'desk@towers.example', timeZone: 'America/New_York' },
    ],
    sites: [
      { id: 'site-north', customerId: 'cust-water', name: 'North pumping station', timeZone: 'Europe/Berlin' },
      { id: 'site-south', customerId: 'cust-water', name: 'South pumping station', timeZone: 'Europe/Berlin' },
      { id: 'site-tower', customerId: 'cust-towers', name: 'Tower A', timeZone: 'America/New_York' },
    ],
    planners: [
      { id: 'planner-ana', name: 'Ana Okafor', email: 'ana@service.example' },
      { id: 'planner-ben', name: 'Ben Ferreira', email: 'ben@service.example', roles: ['duty-manager'] },
      { id: 'planner-cleo', name: 'Cleo Moreau', email: 'cleo@service.example', roles: ['service-director'] },
    ],
    technicians: [
      tech('tech-mira', ['pump-mechanic'], 'site-north', { start: '08:00', end: '17:00', days: WORKDAYS }),
      tech('tech-jonas', ['pump-mechanic'], 'site-north', { start: '09:00', end: '18:00', days: WORKDAYS }),
      tech('tech-south', ['pump-mechanic'], 'site-south', { start: '00:00', end: '23:59', days: ALL_WEEK }),
      tech('tech-comp', ['compressor-mechanic'], 'site-north', { start: '00:00', end: '23:59', days: ALL_WEEK }),
      {
        ...tech('tech-keisha', ['elevator-technician'], 'site-tower', { start: '07:00', end: '19:00', days: ALL_WEEK }),
        timeZone: 'America/New_York',
      },
    ],
    equipmentTypes: {
      pump: { name: 'Centrifugal pump', skill: 'pump-mechanic', metrics: {} },
      elevator: { name: 'Traction elevator', skill: 'elevator-technician', metrics: {} },
    },
    assets: [
      { id: 'pump-1', name: 'Raw water pump 1', siteId: 'site-north', equipmentType: 'pump', ownerId: 'planner-ana' },
      { id: 'pump-2', name: 'Raw water pump 2', siteId: 'site-north', equipmentType: 'pump', ownerId: 'planner-ana' },
      {
        id: 'elevator-1', name: 'Passenger elevator 1', siteId: 'site-tower', equipmentType: 'elevator',
        ownerId: 'planner-ben',
      },
    ],
    devices: ['pump-1', 'pump-2', 'elevator-1'].map((assetId) => ({ id: `dev-${assetId}`, assetId, secretHash })),
  }
}

function tech(
  id: string, skills: string[], siteId: string, workingHours: FleetData['technicians'][number]['workingHours'],
): FleetData['technicians'][number] {
  const name = `${id.slice(5, 6).toUpperCase()}${id.slice(6)} Tester`
  return { id, name, skills, siteIds: [siteId], timeZone: 'Europe/Berlin', workingHours }
}

export const HOUR_MS = 3_600_000
/** Monday 2 March 2026, 06:00 in Berlin (CET, UTC+1). */
export const MONDAY_0600_BERLIN = Date.UTC(2026, 2, 2, 5, 0)

/** A degradation Signal for pump-1's bearings, failing no earlier than three days later. */
export function makeSignal(overrides: Partial<Signal> = {}): Signal {
  const detectedAt = overrides.detectedAt ?? MONDAY_0600_BERLIN
  return {
    id: 'sig-1',
    assetId: 'pump-1',
    kind: 'degradation',
    failureMode: 'bearing_wear',
    severity: 'warning',
    confidence: 0.8,
    detectedAt,
    predictedFailure: { earliest: detectedAt + 72 * HOUR_MS, mostLikely: detectedAt + 96 * HOUR_MS },
    evidence: {
      metrics: ['vibration_rms'],
      windowStart: detectedAt - 24 * HOUR_MS,
      windowEnd: detectedAt,
      points: [{ metric: 'vibration_rms', time: detectedAt, value: 7.9 }],
      summary: 'Bearing vibration has risen steadily from 2.1 to 7.9 mm/s over the last day',
    },
    detector: { name: 'trend', version: '1.0.0' },
    ...overrides,
  }
}

/** A settable wall clock for the outbox's attempts and backoff. */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start
  return {
    now: () => now,
    advance(ms) {
      now += ms
    },
  }
}

export interface TestDispatch {
  dispatch: Dispatch
  config: Config
  registry: Registry
  /** Every log record written so far, parsed. */
  logs: Array<Record<string, unknown>>
}

export interface TestDispatchOptions {
  dataDir: string
  smtpUrl?: string
  dbFile?: string
  clock?: Clock
  /** Default one hour, so the timer never fires during a test unless asked to. */
  outboxIntervalMs?: number
  /** Default one hour, like the outbox: tests run escalation passes explicitly. */
  escalationIntervalMs?: number
  /** Default 0: the timer sends emails at once unless a test is about digests. */
  digestWindowMs?: number
  /** Changes to the test fleet (webhooks, quiet hours, technicians). */
  customizeFleet?: (data: FleetData) => void
  /** Further dispatch settings. */
  dispatch?: Partial<Config['dispatch']>
}

/** A dispatch instance on its own metrics registry, logging into memory. */
export function makeDispatch(options: TestDispatchOptions): TestDispatch {
  const config = loadConfig({
    env: {},
    overrides: {
      data: { dir: options.dataDir },
      smtp: { url: options.smtpUrl ?? '' },
      // Tests drain and escalate explicitly by default, so what happens when is theirs to say.
      dispatch: {
        outboxIntervalMs: options.outboxIntervalMs ?? HOUR_MS,
        escalationIntervalMs: options.escalationIntervalMs ?? HOUR_MS,
        digestWindowMs: options.digestWindowMs ?? 0,
        ...options.dispatch,
      },
    },
  })
  const logs: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  const registry = createMetricsRegistry({ defaultMetrics: false })
  const logger = createLogger({ level: 'debug', destination })
  const dispatch = createDispatch({
    config, fleet: testFleet(options.customizeFleet), logger, metrics: registry, clock: options.clock,
    dbFile: options.dbFile,
  })
  return { dispatch, config, registry, logs }
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(): { dir: string, remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-dispatch-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The HMAC secret test customers sign webhooks with. */
export const WEBHOOK_SECRET = 'whsec-test-0123456789abcdef'

/** A fleet change that gives a customer a webhook (and optionally quiet hours). */
export function withWebhook(
  customerId: string, url: string, quietHours?: { start: string, end: string },
): (data: FleetData) => void {
  return (data) => {
    const customer = data.customers.find((c) => c.id === customerId)
    if (customer === undefined) throw new Error(`test fleet has no customer ${customerId}`)
    customer.webhook = { url, secret: WEBHOOK_SECRET }
    if (quietHours !== undefined) customer.quietHours = quietHours
  }
}
