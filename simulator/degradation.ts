/** A resolved degradation of one metric: from its healthy level at onset to the limit. */
export interface DegradationCurve {
  onset: number
  failureAt: number
  failureLimit: number
}

/** Default time from the first sign of wear to failure. */
export const DEFAULT_ONSET_MS = 4 * 24 * 3_600_000

/**
 * Curvature of the wear curve. Wear of bearings, seals and coolers accelerates once it has
 * started (the P-F curve of reliability-centred maintenance); with k = 4 the last quarter of
 * the interval covers nearly two thirds of the distance to the limit.
 */
const CURVATURE = 4

/**
 * Share of the way from the healthy level to the limit at a data-clock instant: 0 up to the
 * onset, 1 exactly at failureAt, accelerating in between.
 */
export function degradationProgress(curve: DegradationCurve, timeMs: number): number {
  if (timeMs <= curve.onset) return 0
  if (timeMs >= curve.failureAt) return 1

  const x = (timeMs - curve.onset) / (curve.failureAt - curve.onset)
  return Math.expm1(CURVATURE * x) / Math.expm1(CURVATURE)
}

/**
 * A healthy value pulled towards the limit. At failureAt the result is the limit itself, not
 * a computed approximation, so consumers can compare it with the equipment profile exactly.
 */
export function degradedValue(curve: DegradationCurve, healthy: number, timeMs: number): number {
  if (timeMs >= curve.failureAt) return curve.failureLimit

  const progress = degradationProgress(curve, timeMs)
  return healthy + (curve.failureLimit - healthy) * progress
}
