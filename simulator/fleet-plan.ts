import type { Device, Fleet } from '../core/index.js'
import { countReadings, type MetricStream, type ReadingGrid } from './device-signal.js'
import { SimulatorError } from './errors.js'
import { resolveDegradations, type Degradation, type ResolvedDegradation } from './fleet-degradations.js'
import { createRandom } from './random.js'
import { signalProfileFor } from './signal-profiles.js'

/** One simulated device: who it is, how to log in, and the streams it publishes. */
export interface DevicePlan {
  deviceId: string
  assetId: string
  siteId: string
  equipmentType: string
  timeZone: string
  secret: string
  streams: MetricStream[]
  /** Earliest failure among the device's degradations; the device is silent after it. */
  failureAt: number | null
  plannedMessages: number
}

/** One injected failure, as written to the ground truth. */
export interface FailureTruth {
  assetId: string
  deviceId: string
  metric: string
  failureMode: string
  onset: number
  failureAt: number
}

export interface FleetPlan {
  devices: DevicePlan[]
  failures: FailureTruth[]
}

export interface FleetPlanInput {
  fleet: Fleet
  credentials: Record<string, string>
  deviceIds: string[] | undefined
  degradations: Degradation[]
  seed: number
  grid: ReadingGrid
}

/** Validates the selection, credentials and degradations, and lays out every device's streams. */
export function buildFleetPlan(input: FleetPlanInput): FleetPlan {
  const devices = selectDevices(input.fleet, input.deviceIds)
  checkCredentials(devices, input.credentials)
  const degradations = resolveDegradations(input.fleet, devices, input.degradations, input.grid)

  const plans = devices.map((device) => planDevice(input, device, degradations))
  const failures = plans.flatMap((plan) => failuresOf(plan, degradations))
  return { devices: plans, failures }
}

function selectDevices(fleet: Fleet, deviceIds: string[] | undefined): Device[] {
  if (deviceIds === undefined) {
    return fleet.data.devices.filter((device) => metricNames(fleet, device).length > 0)
  }

  const unknown = deviceIds.filter((id) => fleet.device(id) === undefined)
  if (unknown.length > 0) {
    throw new SimulatorError('FW_ERR_SIM_DEVICE_UNKNOWN',
      `deviceIds: ${unknown.join(', ')} not in the fleet`, { details: { deviceIds: unknown } })
  }
  const devices = [...new Set(deviceIds)].map((id) => fleet.device(id) as Device)
  const silent = devices.filter((device) => metricNames(fleet, device).length === 0).map((d) => d.id)
  if (silent.length > 0) {
    throw new SimulatorError('FW_ERR_SIM_OPTIONS_INVALID',
      `deviceIds: ${silent.join(', ')} have no metric profiles to simulate`, { details: { deviceIds: silent } })
  }
  return devices
}

function checkCredentials(devices: Device[], credentials: Record<string, string>): void {
  const missing = devices.map((device) => device.id).filter((id) => typeof credentials[id] !== 'string')
  if (missing.length === 0) return

  throw new SimulatorError('FW_ERR_SIM_CREDENTIALS_MISSING',
    `credentials: no secret for ${missing.join(', ')}`, { details: { deviceIds: missing } })
}

function planDevice(
  input: FleetPlanInput, device: Device, degradations: Map<string, ResolvedDegradation>,
): DevicePlan {
  const { fleet } = input
  const tags = fleet.assetTags(device.assetId)
  const site = fleet.site(tags.siteId)
  const profiles = fleet.equipmentType(tags.equipmentType)?.metrics ?? {}

  const streams = metricNames(fleet, device).map((metric): MetricStream => ({
    metric,
    profile: profiles[metric],
    signal: signalProfileFor(metric, profiles[metric]),
    random: createRandom(input.seed, `${device.id}/${metric}`),
    degradation: degradations.get(`${device.assetId}/${metric}`)?.curve ?? null,
  }))
  const failureTimes = streams.flatMap((stream) => stream.degradation?.failureAt ?? [])
  const failureAt = failureTimes.length === 0 ? null : Math.min(...failureTimes)

  return {
    deviceId: device.id,
    assetId: device.assetId,
    siteId: tags.siteId,
    equipmentType: tags.equipmentType,
    timeZone: site?.timeZone ?? 'UTC',
    secret: input.credentials[device.id] ?? '',
    streams,
    failureAt,
    plannedMessages: countReadings(input.grid, failureAt),
  }
}

function failuresOf(plan: DevicePlan, degradations: Map<string, ResolvedDegradation>): FailureTruth[] {
  return plan.streams.flatMap((stream) => {
    const resolved = degradations.get(`${plan.assetId}/${stream.metric}`)
    if (resolved === undefined) return []
    return [{
      assetId: plan.assetId,
      deviceId: plan.deviceId,
      metric: stream.metric,
      failureMode: resolved.failureMode,
      onset: resolved.curve.onset,
      failureAt: resolved.curve.failureAt,
    }]
  })
}

function metricNames(fleet: Fleet, device: Device): string[] {
  const asset = fleet.asset(device.assetId)
  if (asset === undefined) return []
  return Object.keys(fleet.equipmentType(asset.equipmentType)?.metrics ?? {})
}
