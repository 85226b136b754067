import type { Degradation } from '../simulator/index.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** One simulated day passes every 5 wall-clock seconds. */
export const DEMO_SPEED = DAY_MS / 5_000
export const DEMO_DURATION_MS = 9 * DAY_MS

/**
 * Three parts that will fail during the demo, on three equipment types, so a newcomer sees
 * the first preventive work order within about half a minute and the rest soon after.
 */
export function demoDegradations(startTime: number): Degradation[] {
  return [
    { assetId: 'pump-01', metric: 'vibration_rms', failureAt: startTime + 4.5 * DAY_MS },
    { assetId: 'elevator-01', metric: 'door_close_time', failureAt: startTime + 6 * DAY_MS },
    { assetId: 'compressor-02', metric: 'discharge_temp', failureAt: startTime + 7.5 * DAY_MS },
  ]
}

/** The data clock starts at the current hour, so visit times read naturally. */
export function demoStartTime(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS
}
