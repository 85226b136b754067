import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { FleetError } from './errors.js'
import type { AssetTags } from './records.js'

/**
 * The fleet file: who owns what, which device reports for which asset, who can repair it,
 * and what each equipment type's metrics mean. Ids are restricted to a safe alphabet so
 * they are valid MQTT topic levels and InfluxDB tag values without escaping surprises.
 */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'ids are 1-64 of A-Z a-z 0-9 . _ - and start alphanumeric')
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time of day as HH:MM')
const timeZone = z.string().refine(isTimeZone, 'unknown IANA time zone')

const metricProfileSchema = z.object({
  unit: z.string(),
  /** Where the part fails; degradation trends are extrapolated to this value. */
  failureLimit: z.number().optional(),
  /** Whether failure lies above or below the limit. */
  direction: z.enum(['above', 'below']).default('above'),
  failureMode: z.string().min(1),
  /** Values outside these are impossible for the sensor (a sensor fault, not an equipment one). */
  physicalMin: z.number().optional(),
  physicalMax: z.number().optional(),
})

const equipmentTypeSchema = z.object({
  name: z.string(),
  /** Skill a technician needs to repair this equipment. */
  skill: z.string().min(1),
  metrics: z.record(z.string(), metricProfileSchema),
  /** How often its devices send telemetry; longer silence is a silent-device Signal (gateway). */
  reportIntervalSeconds: z.number().positive().optional(),
})

const fleetSchema = z.object({
  customers: z.array(z.object({
    id, name: z.string().min(1), email: z.email(), timeZone,
    /** Signed notices (HMAC-SHA256 with `secret`) are POSTed here as well as emailed. */
    webhook: z.object({ url: z.url(), secret: z.string().min(16) }).optional(),
    /** Emails wait until `end` when they fall in this window of the customer's own clock. */
    quietHours: z.object({ start: timeOfDay, end: timeOfDay }).optional(),
  })),
  sites: z.array(z.object({ id, customerId: id, name: z.string().min(1), timeZone })),
  planners: z.array(z.object({
    id, name: z.string().min(1), email: z.email(),
    /** Roles a playbook's owner role or escalation chain can name (e.g. "duty-manager"). */
    roles: z.array(z.string().min(1)).optional(),
  })),
  technicians: z.array(z.object({
    id,
    name: z.string().min(1),
    skills: z.array(z.string().min(1)).min(1),
    siteIds: z.array(id).min(1),
    timeZone,
    workingHours: z.object({
      start: timeOfDay,
      end: timeOfDay,
      /** ISO weekdays, 1 = Monday. */
      days: z.array(z.number().int().min(1).max(7)).min(1),
    }),
  })),
  equipmentTypes: z.record(id, equipmentTypeSchema),
  assets: z.array(z.object({ id, name: z.string().min(1), siteId: id, equipmentType: id, ownerId: id })),
  devices: z.array(z.object({
    id,
    assetId: id,
    /** scrypt hash made by core/secrets.ts hashSecret; the secret itself is never stored. */
    secretHash: z.string().startsWith('scrypt$'),
    /** Overrides the equipment type's reportIntervalSeconds for this device. */
    reportIntervalSeconds: z.number().positive().optional(),
  })),
})

export type FleetData = z.infer<typeof fleetSchema>
export type Customer = FleetData['customers'][number]
export type Site = FleetData['sites'][number]
export type Planner = FleetData['planners'][number]
export type Technician = FleetData['technicians'][number]
export type EquipmentType = FleetData['equipmentTypes'][string]
export type MetricProfile = EquipmentType['metrics'][string]
export type Asset = FleetData['assets'][number]
export type Device = FleetData['devices'][number]

/** The validated fleet with lookups by id. Read-only after construction. */
export class Fleet {
  readonly data: FleetData
  readonly #customers: Map<string, Customer>
  readonly #sites: Map<string, Site>
  readonly #planners: Map<string, Planner>
  readonly #assets: Map<string, Asset>
  readonly #devices: Map<string, Device>

  constructor(data: FleetData) {
    this.data = data
    this.#customers = indexById(data.customers, 'customer')
    this.#sites = indexById(data.sites, 'site')
    this.#planners = indexById(data.planners, 'planner')
    this.#assets = indexById(data.assets, 'asset')
    this.#devices = indexById(data.devices, 'device')
    indexById(data.technicians, 'technician')
    this.#checkReferences()
  }

  customer(customerId: string): Customer | undefined { return this.#customers.get(customerId) }
  site(siteId: string): Site | undefined { return this.#sites.get(siteId) }
  planner(plannerId: string): Planner | undefined { return this.#planners.get(plannerId) }
  asset(assetId: string): Asset | undefined { return this.#assets.get(assetId) }
  device(deviceId: string): Device | undefined { return this.#devices.get(deviceId) }
  equipmentType(typeId: string): EquipmentType | undefined { return this.data.equipmentTypes[typeId] }

  /** Tags of an asset; the fleet's references were checked at load, so these exist. */
  assetTags(assetId: string): AssetTags {
    const asset = this.#assets.get(assetId)
    if (asset === undefined) throw new FleetError(`unknown asset ${assetId}`, { details: { assetId } })
    const site = this.#sites.get(asset.siteId) as Site
    return { siteId: site.id, customerId: site.customerId, equipmentType: asset.equipmentType }
  }

  #checkReferences(): void {
    const problems: string[] = []
    for (const site of this.data.sites) {
      if (!this.#customers.has(site.customerId)) problems.push(`site ${site.id}: unknown customer ${site.customerId}`)
    }
    for (const asset of this.data.assets) {
      if (!this.#sites.has(asset.siteId)) problems.push(`asset ${asset.id}: unknown site ${asset.siteId}`)
      if (!this.#planners.has(asset.ownerId)) problems.push(`asset ${asset.id}: unknown owner ${asset.ownerId}`)
      if (this.data.equipmentTypes[asset.equipmentType] === undefined) {
        problems.push(`asset ${asset.id}: unknown equipment type ${asset.equipmentType}`)
      }
    }
    for (const device of this.data.devices) {
      if (!this.#assets.has(device.assetId)) problems.push(`device ${device.id}: unknown asset ${device.assetId}`)
    }
    if (problems.length > 0) {
      throw new FleetError(`fleet is inconsistent: ${problems.join('; ')}`, { details: { problems } })
    }
  }
}

/** Validates fleet data (already parsed JSON) and builds the lookups. */
export function parseFleet(input: unknown): Fleet {
  const parsed = fleetSchema.safeParse(input)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new FleetError(`fleet is invalid: ${problems.join('; ')}`, { details: { problems } })
  }
  return new Fleet(parsed.data)
}

/** Reads and validates a fleet file. */
export function loadFleet(file: string): Fleet {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err: unknown) {
    throw new FleetError(`fleet file ${file} could not be read as JSON`, { cause: err, details: { file } })
  }
  return parseFleet(raw)
}

function indexById<T extends { id: string }>(items: T[], kind: string): Map<string, T> {
  const map = new Map<string, T>()
  for (const item of items) {
    if (map.has(item.id)) throw new FleetError(`duplicate ${kind} id ${item.id}`, { details: { kind, id: item.id } })
    map.set(item.id, item)
  }
  return map
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    // Intl throws RangeError for an unknown zone; that is exactly the answer we need.
    return false
  }
}
