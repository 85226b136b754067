import { z } from 'zod'

/**
 * The fleet file: who owns what, which device reports for which asset, who can repair it,
 * and what each equipment type's metrics mean. Ids are restricted to a safe alphabet so
 * they are valid MQTT topic levels and InfluxDB tag values without escaping surprises.
 */
const id = z.string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'ids are 1-64 of A-Z a-z 0-9 . _ - and start alphanumeric')
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

export const deviceSchema = z.object({
  id,
  assetId: id,
  /** scrypt hash made by core/secrets.ts hashSecret; the secret itself is never stored. */
  secretHash: z.string().startsWith('scrypt$'),
  /** Overrides the equipment type's reportIntervalSeconds for this device. */
  reportIntervalSeconds: z.number().positive().optional(),
  /** A disabled device is refused at CONNECT and not watched for silence; absent means enabled. */
  disabled: z.boolean().optional(),
})

export const fleetSchema = z.object({
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
  devices: z.array(deviceSchema),
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

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    // Intl throws RangeError for an unknown zone; that is exactly the answer we need.
    return false
  }
}
