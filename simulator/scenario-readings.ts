import type { Reading } from '../core/index.js'
import { countReadings, readingTimes, telemetryAt } from './device-signal.js'
import type { FleetScenario } from './fleet-scenario.js'

/**
 * Every reading of a scenario as the gateway would hand it on, in data-clock order across
 * devices (grid step by grid step), without MQTT: for evaluating the detectors in-process.
 * Values are drawn as they are read, so a run of millions of readings needs no memory.
 */
export function* scenarioReadings(scenario: FleetScenario): Generator<Reading> {
  const { grid, fleet } = scenario
  const devices = scenario.devices.map((plan) => ({
    plan,
    tags: fleet.assetTags(plan.assetId),
    times: readingTimes(grid, plan.failureAt),
    next: null as number | null,
  }))
  for (const device of devices) device.next = device.times.next().value ?? null

  for (let stepEnd = grid.startTime + grid.intervalMs; ; stepEnd += grid.intervalMs) {
    let isPending = false
    for (const device of devices) {
      while (device.next !== null && device.next < stepEnd) {
        const { plan, tags } = device
        const message = telemetryAt(plan.streams, plan.timeZone, device.next)
        for (const [metric, value] of Object.entries(message.metrics)) {
          yield { deviceId: plan.deviceId, assetId: plan.assetId, metric, time: message.ts, value, tags }
        }
        device.next = device.times.next().value ?? null
      }
      isPending ||= device.next !== null
    }
    if (!isPending) return
  }
}

/** Readings a scenario yields at most (every metric at every reading time): for progress. */
export function scenarioReadingCount(scenario: FleetScenario): number {
  return scenario.devices.reduce(
    (sum, plan) => sum + plan.streams.length * countReadings(scenario.grid, plan.failureAt), 0)
}
