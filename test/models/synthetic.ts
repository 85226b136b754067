/**
 * Synthetic metric streams for the models tests, written here on purpose rather than taken
 * from simulator/: the detectors are tested against an independent description of the
 * signals (daily cycle peaking at 15:00 UTC, gaussian noise, accelerating wear to a limit).
 */
import { loadConfig, type MetricProfile } from '../../core/index.js'

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
/** A Monday, so nothing depends on a particular weekday. */
export const START = Date.UTC(2026, 0, 5)
/** The default detector settings from core, as the service uses them. */
export const SETTINGS = loadConfig({ env: {} }).models

export interface Point {
  time: number
  value: number
}

/** Seeded generator: mulberry32 for uniforms, Box-Muller for normals. */
export function seededRandom(seed: number): { next: () => number, gaussian: () => number } {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  return { next, gaussian }
}

/** A healthy operating point: level, half the daily swing and noise sd, both as fractions of base. */
export interface Shape {
  base: number
  dailyAmplitude: number
  noise: number
}

/** Healthy readings every `stepMinutes` from `start` for `days`. */
export function healthyStream(
  shape: Shape, options: { seed: number, days: number, start?: number, stepMinutes?: number },
): Point[] {
  const random = seededRandom(options.seed)
  const start = options.start ?? START
  const step = (options.stepMinutes ?? 5) * MINUTE_MS
  const points: Point[] = []
  for (let time = start; time < start + options.days * DAY_MS; time += step) {
    points.push({ time, value: healthyValue(shape, time, random.gaussian()) })
  }
  return points
}

/**
 * Healthy readings that start to wear `wearHours` before `failureAt` and reach `limit` exactly
 * then, along (e^{4x} − 1) / (e^4 − 1): the last quarter covers about two thirds of the way.
 */
export function degradingStream(shape: Shape, options: {
  seed: number
  limit: number
  failureAt: number
  wearHours?: number
  start?: number
}): Point[] {
  const random = seededRandom(options.seed)
  const onset = options.failureAt - (options.wearHours ?? 96) * HOUR_MS
  const points: Point[] = []
  for (let time = options.start ?? START; time <= options.failureAt; time += 5 * MINUTE_MS) {
    const healthy = healthyValue(shape, time, random.gaussian())
    const progress = time <= onset ? 0 : Math.expm1((4 * (time - onset)) / (options.failureAt - onset)) / Math.expm1(4)
    points.push({ time, value: healthy + (options.limit - healthy) * progress })
  }
  return points
}

function healthyValue(shape: Shape, time: number, gaussian: number): number {
  const hour = (time % DAY_MS) / HOUR_MS
  const cycle = Math.cos((2 * Math.PI * (hour - 15)) / 24)
  return shape.base * (1 + shape.dailyAmplitude * cycle + shape.noise * gaussian)
}

/** Metric profiles as in fleet/sample.json, with the healthy shapes the simulator uses. */
export const PROFILES: Readonly<Record<string, { profile: MetricProfile, shape: Shape }>> = {
  vibration_rms: {
    profile: {
      unit: 'mm/s', failureLimit: 11.2, direction: 'above', failureMode: 'bearing_wear', physicalMin: 0, physicalMax: 100,
    },
    shape: { base: 2.8, dailyAmplitude: 0.12, noise: 0.04 },
  },
  discharge_temp: {
    profile: {
      unit: '°C', failureLimit: 110, direction: 'above', failureMode: 'cooler_fouling', physicalMin: -40, physicalMax: 250,
    },
    shape: { base: 82, dailyAmplitude: 0.12, noise: 0.03 },
  },
  door_close_time: {
    profile: {
      unit: 's', failureLimit: 6.5, direction: 'above', failureMode: 'door_operator_wear', physicalMin: 0, physicalMax: 60,
    },
    shape: { base: 3.2, dailyAmplitude: 0.1, noise: 0.05 },
  },
}

/** The sample profile and healthy shape of a metric named in PROFILES. */
export function sample(metric: string): { profile: MetricProfile, shape: Shape } {
  const entry = PROFILES[metric]
  if (entry === undefined) throw new Error(`no sample profile for ${metric}`)
  return entry
}
