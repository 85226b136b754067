import { parseFleet, type Fleet, type FleetData } from '../core/index.js'
import type { ReadingGrid } from './device-signal.js'
import type { Degradation } from './fleet-degradations.js'
import { buildFleetPlan, type DevicePlan, type FailureTruth } from './fleet-plan.js'
import { createRandom, type Random } from './random.js'
import { invalidOption } from './run-options.js'
import { SENSOR_FAULT_KINDS, SensorFaultInjector, type SensorFaultKind, type SensorFaultTruth } from './sensor-faults.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** What a scenario is made of; every share is a probability per asset. */
export interface ScenarioOptions {
  /** Equipment types, sites and planners are taken from this fleet; its own assets are not used. */
  baseFleet: Fleet
  assets: number
  days: number
  seed: number
  /** Data-clock epoch ms of the first reading. */
  startTime: number
  /** Default 5 minutes. */
  intervalMs?: number
  /** Assets with one injected failure; default 0.5. */
  failureShare?: number
  /** Assets with one injected sensor fault; default 0.5. */
  sensorFaultShare?: number
  /** Assets whose load drops at weekends; default 0.3. */
  weeklyShare?: number
}

/** A simulated fleet with known failures and sensor faults, ready to be read in-process. */
export interface FleetScenario {
  fleet: Fleet
  grid: ReadingGrid
  devices: DevicePlan[]
  failures: FailureTruth[]
  sensorFaults: SensorFaultTruth[]
  /** Assets whose load drops at weekends. */
  weeklyAssets: string[]
}

/**
 * Time from the first sign of wear to failure (the P-F interval), drawn uniformly per failure.
 * Three to ten days spans fast-fouling coolers to slowly wearing bearings at 5-minute readings.
 */
const ONSET_DAYS = { min: 3, max: 10 }
/** No wear starts before the detectors have had this long to learn the healthy stream. */
const QUIET_START_DAYS = 3
/** Durations of each sensor-fault kind, in hours (uniform). */
const FAULT_HOURS: Readonly<Record<SensorFaultKind, { min: number, max: number }>> = {
  stuck: { min: 3, max: 24 },
  spikes: { min: 6, max: 24 },
  dropout: { min: 1, max: 12 },
  out_of_range: { min: 0.5, max: 6 },
}
/** Load at weekends, as a fraction of the base level. */
const WEEKEND_SHIFT = -0.1
/** Sensor faults end this long before a wear onset, so each WO can be told true or false. */
const FAULT_CLEARANCE_MS = DAY_MS

/**
 * Builds a fleet of `assets` assets spread over the base fleet's sites and equipment types,
 * with a failure injected into about `failureShare` of them (a random metric that has a
 * failure limit, a random P-F interval, failing inside the run), a sensor fault into about
 * `sensorFaultShare` of them (any metric; never overlapping the asset's wear) and a weekend
 * load drop in about `weeklyShare` of them. The same options always give the same scenario.
 */
export function buildFleetScenario(options: ScenarioOptions): FleetScenario {
  const grid = checkScenario(options)
  const random = createRandom(options.seed, 'scenario')
  const fleet = scenarioFleet(options.baseFleet, options.assets)
  const degradations = fleet.data.assets.flatMap((asset) =>
    (random.next() < (options.failureShare ?? 0.5) ? [drawDegradation(fleet, asset.id, grid, random)] : []))

  const credentials = Object.fromEntries(fleet.data.devices.map((device) => [device.id, 'simulated']))
  const plan = buildFleetPlan({ fleet, credentials, deviceIds: undefined, degradations, seed: options.seed, grid })
  const sensorFaults: SensorFaultTruth[] = []
  const weeklyAssets: string[] = []
  for (const device of plan.devices) {
    if (random.next() < (options.weeklyShare ?? 0.3)) {
      weeklyAssets.push(device.assetId)
      for (const stream of device.streams) stream.weekendShift = WEEKEND_SHIFT
    }
    if (random.next() >= (options.sensorFaultShare ?? 0.5)) continue
    const fault = drawSensorFault(device, plan.failures, grid, random)
    if (fault === null) continue
    const stream = device.streams.find((candidate) => candidate.metric === fault.metric)
    if (stream === undefined) continue
    const faultRandom = createRandom(options.seed, `fault/${device.deviceId}/${fault.metric}`)
    stream.sensorFault = new SensorFaultInjector(fault, stream.profile, faultRandom.next)
    sensorFaults.push(fault)
  }
  return { fleet, grid, devices: plan.devices, failures: plan.failures, sensorFaults, weeklyAssets }
}

function checkScenario(options: ScenarioOptions): ReadingGrid {
  const { assets, days, startTime } = options
  if (!Number.isInteger(assets) || assets < 1) throw invalidOption('assets', assets, 'must be a positive integer')
  if (!(days >= QUIET_START_DAYS + ONSET_DAYS.min)) {
    throw invalidOption('days', days, `must be at least ${QUIET_START_DAYS + ONSET_DAYS.min}`)
  }
  if (!Number.isSafeInteger(startTime)) throw invalidOption('startTime', startTime, 'must be an epoch ms integer')
  const intervalMs = options.intervalMs ?? 5 * 60_000
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
    throw invalidOption('intervalMs', intervalMs, 'must be a positive integer')
  }
  return { startTime, endTime: startTime + Math.round(days * DAY_MS), intervalMs }
}

/** The base fleet's people and places with `count` assets, one device each, types in turn. */
function scenarioFleet(base: Fleet, count: number): Fleet {
  const types = Object.entries(base.data.equipmentTypes)
    .filter(([, type]) => Object.values(type.metrics).some((metric) => metric.failureLimit !== undefined))
    .map(([id]) => id)
  if (types.length === 0) throw invalidOption('baseFleet', 'fleet', 'has no equipment type with a failure limit')
  const { sites, planners } = base.data
  const assets: FleetData['assets'] = []
  const devices: FleetData['devices'] = []
  for (let i = 0; i < count; i++) {
    const type = types[i % types.length] ?? ''
    const site = sites[i % sites.length]
    const owner = planners[i % planners.length]
    const id = `${type}-${String(i + 1).padStart(4, '0')}`
    assets.push({ id, name: `Simulated ${type} ${i + 1}`, siteId: site?.id ?? '', equipmentType: type, ownerId: owner?.id ?? '' })
    devices.push({ id: `dev-${id}`, assetId: id, secretHash: 'scrypt$simulated' })
  }
  return parseFleet({ ...base.data, assets, devices })
}

function drawDegradation(fleet: Fleet, assetId: string, grid: ReadingGrid, random: Random): Degradation {
  const type = fleet.equipmentType(fleet.asset(assetId)?.equipmentType ?? '')
  const metrics = Object.entries(type?.metrics ?? {})
    .filter(([, profile]) => profile.failureLimit !== undefined)
    .map(([metric]) => metric)
  const metric = metrics[Math.floor(random.next() * metrics.length)] ?? ''
  const onsetMs = Math.round(uniform(random, ONSET_DAYS) * DAY_MS)
  const earliestOnset = grid.startTime + QUIET_START_DAYS * DAY_MS
  // Fails inside the run: the latest failure is the run's end, the earliest leaves the quiet start.
  const from = earliestOnset + onsetMs
  const failureAt = Math.round(from + random.next() * Math.max(0, grid.endTime - from))
  return { assetId, metric, failureAt: Math.min(failureAt, grid.endTime), onsetMs }
}

function drawSensorFault(
  device: DevicePlan, failures: FailureTruth[], grid: ReadingGrid, random: Random,
): SensorFaultTruth | null {
  const kind = SENSOR_FAULT_KINDS[Math.floor(random.next() * SENSOR_FAULT_KINDS.length)] ?? 'stuck'
  const stream = device.streams[Math.floor(random.next() * device.streams.length)]
  const hours = uniform(random, FAULT_HOURS[kind])
  const wear = failures.find((failure) => failure.deviceId === device.deviceId)
  // After the quiet start (so the stream has a baseline) and clear of the asset's wear.
  const latestEnd = wear === undefined ? grid.endTime : wear.onset - FAULT_CLEARANCE_MS
  const earliest = grid.startTime + QUIET_START_DAYS * DAY_MS
  const room = latestEnd - earliest - hours * HOUR_MS
  if (stream === undefined || room <= 0) return null
  const start = Math.round(earliest + random.next() * room)
  return {
    assetId: device.assetId, deviceId: device.deviceId, metric: stream.metric, kind,
    start, end: start + Math.round(hours * HOUR_MS),
  }
}

function uniform(random: Random, range: { min: number, max: number }): number {
  return range.min + random.next() * (range.max - range.min)
}
