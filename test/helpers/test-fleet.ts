import { hashSecret, parseFleet, type Fleet, type FleetData } from '../../core/index.js'

/*
 * A small fleet for tests: two customers with one site each, the three equipment types of
 * fleet/sample.json (same metric profiles), one technician per site whose skills cover that
 * site's equipment, and one device per asset.
 *
 *   customer        site         asset         type        device          owner
 *   cust-water      site-north   pump-1        pump        dev-pump-1      planner-ana
 *   cust-water      site-north   compressor-1  compressor  dev-comp-1      planner-ana
 *   cust-towers     site-tower   elevator-1    elevator    dev-elev-1      planner-ben
 *   cust-towers     site-tower   compressor-2  compressor  dev-comp-2      planner-ben
 *
 * Device secrets are `secret-<deviceId>`; only their scrypt hashes are in the fleet.
 */

const ASSETS = [
  { id: 'pump-1', device: 'dev-pump-1', siteId: 'site-north', equipmentType: 'pump', ownerId: 'planner-ana' },
  { id: 'compressor-1', device: 'dev-comp-1', siteId: 'site-north', equipmentType: 'compressor', ownerId: 'planner-ana' },
  { id: 'elevator-1', device: 'dev-elev-1', siteId: 'site-tower', equipmentType: 'elevator', ownerId: 'planner-ben' },
  { id: 'compressor-2', device: 'dev-comp-2', siteId: 'site-tower', equipmentType: 'compressor', ownerId: 'planner-ben' },
] as const

const EQUIPMENT_TYPES: FleetData['equipmentTypes'] = {
  pump: {
    name: 'Centrifugal pump',
    skill: 'pump-mechanic',
    metrics: {
      vibration_rms: metric('mm/s', 11.2, 'bearing_wear', [0, 100]),
      bearing_temp: metric('°C', 95, 'bearing_overheating', [-40, 200]),
      flow_rate: { unit: 'm³/h', direction: 'below', failureMode: 'impeller_wear', physicalMin: 0, physicalMax: 2000 },
    },
  },
  compressor: {
    name: 'Screw compressor',
    skill: 'compressor-mechanic',
    metrics: {
      discharge_temp: metric('°C', 110, 'cooler_fouling', [-40, 250]),
      motor_current: metric('A', 48, 'motor_overload', [0, 500]),
    },
  },
  elevator: {
    name: 'Traction elevator',
    skill: 'elevator-technician',
    metrics: {
      door_close_time: metric('s', 6.5, 'door_operator_wear', [0, 60]),
      motor_temp: metric('°C', 90, 'motor_overheating', [-40, 200]),
    },
  },
}

const WORKDAYS = [1, 2, 3, 4, 5]

let cached: { data: FleetData, credentials: Record<string, string> } | undefined

/** Builds (once per test file; scrypt hashing is slow) the test fleet and each device's secret. */
export function buildTestFleet(): { fleet: Fleet, credentials: Record<string, string> } {
  cached ??= buildData()
  return { fleet: parseFleet(structuredClone(cached.data)), credentials: { ...cached.credentials } }
}

function buildData(): { data: FleetData, credentials: Record<string, string> } {
  const credentials = Object.fromEntries(ASSETS.map((asset) => [asset.device, `secret-${asset.device}`]))
  const data: FleetData = {
    customers: [
      { id: 'cust-water', name: 'Water Utility Test Co', email: 'ops@water.example', timeZone: 'Europe/Berlin' },
      { id: 'cust-towers', name: 'Towers Test Co', email: 'facilities@towers.example', timeZone: 'America/New_York' },
    ],
    sites: [
      { id: 'site-north', customerId: 'cust-water', name: 'North station', timeZone: 'Europe/Berlin' },
      { id: 'site-tower', customerId: 'cust-towers', name: 'Tower A', timeZone: 'America/New_York' },
    ],
    planners: [
      { id: 'planner-ana', name: 'Ana Planner', email: 'ana@service.example' },
      { id: 'planner-ben', name: 'Ben Planner', email: 'ben@service.example' },
    ],
    technicians: [
      technician('tech-north', ['pump-mechanic', 'compressor-mechanic'], 'site-north', 'Europe/Berlin'),
      technician('tech-tower', ['elevator-technician', 'compressor-mechanic'], 'site-tower', 'America/New_York'),
    ],
    equipmentTypes: EQUIPMENT_TYPES,
    assets: ASSETS.map(({ id, siteId, equipmentType, ownerId }) => ({
      id, name: `Test ${id}`, siteId, equipmentType, ownerId,
    })),
    devices: ASSETS.map((asset) => ({
      id: asset.device, assetId: asset.id, secretHash: hashSecret(`secret-${asset.device}`),
    })),
  }
  return { data, credentials }
}

function metric(unit: string, failureLimit: number, failureMode: string, range: [number, number]) {
  return { unit, failureLimit, direction: 'above' as const, failureMode, physicalMin: range[0], physicalMax: range[1] }
}

function technician(id: string, skills: string[], siteId: string, timeZone: string): FleetData['technicians'][number] {
  return {
    id, name: `Technician ${id}`, skills, siteIds: [siteId], timeZone,
    workingHours: { start: '08:00', end: '17:00', days: WORKDAYS },
  }
}
