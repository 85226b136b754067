import type { Fleet, Reading } from '../core/index.js'
import type { Models } from './models.js'

/**
 * History replayed at a warm start: two weeks, so the hour-of-week profile (9 days before the
 * CUSUM may alarm), the novelty score's records (about 10 days at 5-minute readings) and the
 * trend (24 h half-life) are all rebuilt.
 */
export const WARM_START_HOURS = 336
const HOUR_MS = 3_600_000

/** One stream's stored points in [from, to), oldest first (ingest's `query`, raw points). */
export type HistoryQuery = (q: { assetId: string, metric: string, from: number, to: number })
=> Promise<Array<{ time: number, value: number }>>

/** What a warm start replayed. */
export interface WarmStartSummary {
  assets: number
  streams: number
  readings: number
  withheldSignals: number
}

/**
 * Rebuilds the models' state after a restart from the telemetry store: for every asset of the
 * fleet with a device, the last `hours` of each profiled metric before `until`, merged in time
 * order, through `models.warmStart` (no Signals). One asset at a time, so memory holds one
 * asset's history, not the fleet's. Unprofiled metrics (replayed CSVs) are not listed by the
 * fleet and warm up from live data as before.
 */
export async function warmStartFromStore(input: {
  models: Models
  fleet: Fleet
  query: HistoryQuery
  until: number
  hours?: number
}): Promise<WarmStartSummary> {
  const from = input.until - (input.hours ?? WARM_START_HOURS) * HOUR_MS
  const summary: WarmStartSummary = { assets: 0, streams: 0, readings: 0, withheldSignals: 0 }
  for (const device of input.fleet.data.devices) {
    const tags = input.fleet.assetTags(device.assetId)
    const metrics = Object.keys(input.fleet.equipmentType(tags.equipmentType)?.metrics ?? {})
    if (metrics.length === 0) continue
    const readings: Reading[] = []
    for (const metric of metrics) {
      const points = await input.query({ assetId: device.assetId, metric, from, to: input.until })
      if (points.length > 0) summary.streams++
      const { id: deviceId, assetId } = device
      for (const { time, value } of points) readings.push({ deviceId, assetId, metric, tags, time, value })
    }
    readings.sort((a, b) => a.time - b.time)
    const result = input.models.warmStart(readings)
    summary.assets++
    summary.readings += result.readings
    summary.withheldSignals += result.withheldSignals
  }
  return summary
}
