import type { MetricProfile } from '../core/index.js'
import type { Random } from './random.js'
import { localHourOfDay } from './time-of-day.js'

/** How a healthy metric behaves: a level, a daily swing around it and sensor noise. */
export interface SignalProfile {
  base: number
  /** Half the peak-to-trough daily swing, as a fraction of base. */
  dailyAmplitude: number
  /** Standard deviation of the noise, as a fraction of base. */
  noise: number
}

/** Local hour at which every daily cycle peaks: mid-afternoon load and ambient heat. */
export const DAILY_PEAK_HOUR = 15

/**
 * Typical healthy operating points. Levels are mid-range for the equipment classes in the
 * sample fleet (ISO 10816-3 zone A/B vibration for a medium pump, usual bearing and
 * discharge temperatures); swings and noise are chosen to look like field data, not measured.
 */
export const SIGNAL_PROFILES: Readonly<Record<string, SignalProfile>> = {
  vibration_rms: { base: 2.8, dailyAmplitude: 0.12, noise: 0.04 },
  bearing_temp: { base: 55, dailyAmplitude: 0.1, noise: 0.03 },
  flow_rate: { base: 420, dailyAmplitude: 0.15, noise: 0.04 },
  discharge_temp: { base: 82, dailyAmplitude: 0.12, noise: 0.03 },
  motor_current: { base: 31, dailyAmplitude: 0.13, noise: 0.04 },
  door_close_time: { base: 3.2, dailyAmplitude: 0.1, noise: 0.05 },
  motor_temp: { base: 48, dailyAmplitude: 0.12, noise: 0.03 },
}

const DEFAULT_DAILY_AMPLITUDE = 0.12
const DEFAULT_NOISE = 0.04

/**
 * The profile for a metric; an unknown metric gets a level derived from its equipment
 * profile: half-way from zero to the failure limit on the healthy side, else the middle of
 * the physical range, else 1.
 */
export function signalProfileFor(metric: string, profile?: MetricProfile): SignalProfile {
  const known = SIGNAL_PROFILES[metric]
  if (known !== undefined) return known

  return { base: defaultBase(profile), dailyAmplitude: DEFAULT_DAILY_AMPLITUDE, noise: DEFAULT_NOISE }
}

function defaultBase(profile: MetricProfile | undefined): number {
  if (profile?.failureLimit !== undefined) {
    const limit = profile.failureLimit
    const margin = limit === 0 ? 1 : Math.abs(limit) / 2
    return profile.direction === 'below' ? limit + margin : limit - margin
  }
  if (profile?.physicalMin !== undefined && profile.physicalMax !== undefined) {
    return (profile.physicalMin + profile.physicalMax) / 2
  }
  return 1
}

/** Healthy value at a data-clock instant: base, daily cycle in the site's zone, then noise. */
export function healthyValue(
  signal: SignalProfile, timeMs: number, context: { timeZone: string, random: Random },
): number {
  const hour = localHourOfDay(timeMs, context.timeZone)
  const cycle = Math.cos((2 * Math.PI * (hour - DAILY_PEAK_HOUR)) / 24)
  // A zero level would silence cycle and noise; one unit keeps the signal alive.
  const scale = signal.base === 0 ? 1 : Math.abs(signal.base)
  return signal.base + scale * (signal.dailyAmplitude * cycle + signal.noise * context.random.gaussian())
}

/** Keeps a value inside what the sensor can physically report. */
export function clampToPhysical(value: number, profile?: MetricProfile): number {
  const min = profile?.physicalMin ?? -Infinity
  const max = profile?.physicalMax ?? Infinity
  return Math.min(max, Math.max(min, value))
}
