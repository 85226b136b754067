/**
 * The Numenta Anomaly Benchmark's cost profiles and constants (NAB v1.1, config/profiles.json
 * and nab/sweeper.py), as ../shared/datasets/README.md describes them.
 */

/** Names of the three NAB cost profiles, as NAB spells them in its result files. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate'

/** Weights of a true positive, a false positive and a missed window. */
export interface NabProfile {
  name: NabProfileName
  tpWeight: number
  fpWeight: number
  fnWeight: number
}

/** The three profiles in NAB's reporting order. */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
]

/** Share of a file's rows (at most 750, i.e. 15 % of 5000) that only teach the detector. */
export const PROBATION_FRACTION = 0.15
const PROBATION_CAP_ROWS = 5000

/** The threshold that means "no detections": above every score in [0, 1]. */
export const NO_DETECTION_THRESHOLD = 1.1

/** Probationary length P = min(floor(0.15 N), 750): rows i < P are never scored. */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_FRACTION * PROBATION_CAP_ROWS)
}

/**
 * NAB's scaled sigmoid 2·sigmoid(−5p) − 1, and −1 beyond three window widths after a window
 * (sweeper.py `scaledSigmoid`).
 */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1
  return 2 / (1 + Math.exp(5 * position)) - 1
}
