import type { MetricProfile } from '../core/index.js'
import { degradedValue, type DegradationCurve } from './degradation.js'
import type { Random } from './random.js'
import type { SensorFaultInjector } from './sensor-faults.js'
import { clampToPhysical, healthyValue, type SignalProfile } from './signal-profiles.js'
import { isLocalWeekend } from './time-of-day.js'

/** Everything needed to compute one metric of one device, reading after reading. */
export interface MetricStream {
  metric: string
  profile: MetricProfile | undefined
  signal: SignalProfile
  random: Random
  degradation: DegradationCurve | null
  /** A sensor fault to inject (simulated fleets in-process, `npm run eval -- fleet`); none by default. */
  sensorFault?: SensorFaultInjector
  /**
   * Weekly load pattern: on Saturdays and Sundays (site time) the level moves by this fraction
   * of the base, as plant that runs lighter at weekends does. Default 0 (no weekly pattern).
   */
  weekendShift?: number
}

/** The telemetry payload a device publishes (core/topics.ts telemetry topic). */
export interface TelemetryMessage {
  ts: number
  metrics: Record<string, number>
}

/** The data-clock range of a run: readings at startTime + k * intervalMs, before endTime. */
export interface ReadingGrid {
  startTime: number
  endTime: number
  intervalMs: number
}

/** Sensors report a handful of significant digits; this also keeps payloads short. */
const SIGNIFICANT_DIGITS = 6

/**
 * Reading times of one device: the grid up to its failure, then one last reading exactly at
 * failureAt (also when that falls between grid points, or on endTime itself).
 */
export function* readingTimes(grid: ReadingGrid, failureAt: number | null): Generator<number> {
  const stop = failureAt === null ? grid.endTime : Math.min(grid.endTime, failureAt)
  for (let time = grid.startTime; time < stop; time += grid.intervalMs) yield time

  if (failureAt !== null && failureAt <= grid.endTime) yield failureAt
}

/** How many readings readingTimes yields, without iterating. */
export function countReadings(grid: ReadingGrid, failureAt: number | null): number {
  const stop = failureAt === null ? grid.endTime : Math.min(grid.endTime, failureAt)
  const onGrid = Math.max(0, Math.ceil((stop - grid.startTime) / grid.intervalMs))
  const final = failureAt !== null && failureAt <= grid.endTime ? 1 : 0
  return onGrid + final
}

/**
 * The message a device publishes at a data-clock instant. Each call draws the next noise
 * sample of every stream, so calls must come in time order.
 */
export function telemetryAt(streams: MetricStream[], timeZone: string, timeMs: number): TelemetryMessage {
  const metrics: Record<string, number> = {}
  for (const stream of streams) {
    const value = streamValue(stream, timeZone, timeMs)
    // A sensor in dropout sends nothing: the metric is left out, never sent as zero.
    const reported = stream.sensorFault === undefined ? value : stream.sensorFault.apply(timeMs, value)
    if (reported !== null) metrics[stream.metric] = reported
  }
  return { ts: timeMs, metrics }
}

function streamValue(stream: MetricStream, timeZone: string, timeMs: number): number {
  const healthy = healthyValue(stream.signal, timeMs, { timeZone, random: stream.random })
    + weekendOffset(stream, timeZone, timeMs)
  if (stream.degradation !== null && timeMs >= stream.degradation.failureAt) {
    return stream.degradation.failureLimit
  }

  const value = stream.degradation === null ? healthy : degradedValue(stream.degradation, healthy, timeMs)
  return clampToPhysical(Number(value.toPrecision(SIGNIFICANT_DIGITS)), stream.profile)
}

function weekendOffset(stream: MetricStream, timeZone: string, timeMs: number): number {
  const shift = stream.weekendShift ?? 0
  if (shift === 0 || !isLocalWeekend(timeMs, timeZone)) return 0
  return shift * (stream.signal.base === 0 ? 1 : Math.abs(stream.signal.base))
}
