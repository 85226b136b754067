import type { Device, Fleet, MetricProfile } from '../core/index.js'
import { DEFAULT_ONSET_MS, type DegradationCurve } from './degradation.js'
import type { ReadingGrid } from './device-signal.js'
import { SimulatorError } from './errors.js'
import { signalProfileFor } from './signal-profiles.js'

/** A failure to inject: one metric of one asset wears out and the device stops. */
export interface Degradation {
  assetId: string
  metric: string
  /** data-clock epoch ms when the metric reaches its failureLimit and the device stops */
  failureAt: number
  /** how long before failureAt the degradation starts; default 4 days */
  onsetMs?: number
}

export interface ResolvedDegradation {
  curve: DegradationCurve
  failureMode: string
}

/**
 * Checks every degradation against the fleet and the run, and returns them keyed by
 * `<assetId>/<metric>`. All problems are reported at once, each naming its list entry.
 */
export function resolveDegradations(
  fleet: Fleet, devices: Device[], degradations: Degradation[], grid: ReadingGrid,
): Map<string, ResolvedDegradation> {
  const simulatedAssets = new Set(devices.map((device) => device.assetId))
  const resolved = new Map<string, ResolvedDegradation>()
  const problems: string[] = []

  degradations.forEach((degradation, index) => {
    const key = `${degradation.assetId}/${degradation.metric}`
    const result = resolveOne(fleet, simulatedAssets, degradation, grid)
    if (typeof result === 'string') problems.push(`degradations[${index}]: ${result}`)
    else if (resolved.has(key)) problems.push(`degradations[${index}]: ${key} is degraded twice`)
    else resolved.set(key, result)
  })

  if (problems.length > 0) {
    throw new SimulatorError('FW_ERR_SIM_DEGRADATION_INVALID',
      `invalid degradations: ${problems.join('; ')}`, { details: { problems } })
  }
  return resolved
}

/** The resolved degradation, or the reason it cannot be simulated. */
function resolveOne(
  fleet: Fleet, simulatedAssets: Set<string>, degradation: Degradation, grid: ReadingGrid,
): ResolvedDegradation | string {
  const { assetId, metric, failureAt } = degradation
  const asset = fleet.asset(assetId)
  if (asset === undefined) return `unknown asset ${assetId}`
  if (!simulatedAssets.has(assetId)) return `no simulated device reports for asset ${assetId}`

  const profile = fleet.equipmentType(asset.equipmentType)?.metrics[metric]
  if (profile === undefined) return `equipment type ${asset.equipmentType} has no metric ${metric}`
  if (profile.failureLimit === undefined) return `metric ${metric} of ${asset.equipmentType} has no failureLimit`
  if (!Number.isSafeInteger(failureAt)) return `failureAt must be an epoch ms integer, got ${failureAt}`
  if (failureAt < grid.startTime) return `failureAt ${failureAt} is before startTime ${grid.startTime}`

  const onsetMs = degradation.onsetMs ?? DEFAULT_ONSET_MS
  if (!Number.isFinite(onsetMs) || onsetMs <= 0) return `onsetMs must be positive, got ${onsetMs}`
  const wrongSide = directionProblem(metric, profile)
  if (wrongSide !== null) return wrongSide

  return {
    curve: { onset: failureAt - onsetMs, failureAt, failureLimit: profile.failureLimit },
    failureMode: profile.failureMode,
  }
}

/** The limit must lie on the failing side of the healthy level, or the curve would run backwards. */
function directionProblem(metric: string, profile: MetricProfile): string | null {
  const limit = profile.failureLimit
  const base = signalProfileFor(metric, profile).base
  if (limit === undefined) return null
  if (profile.direction === 'above' && limit <= base) {
    return `failureLimit ${limit} of ${metric} is not above its healthy level ${base}`
  }
  if (profile.direction === 'below' && limit >= base) {
    return `failureLimit ${limit} of ${metric} is not below its healthy level ${base}`
  }
  return null
}
