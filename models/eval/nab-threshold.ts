import { NO_DETECTION_THRESHOLD } from './nab-profiles.js'
import type { FileSweep } from './nab-sweep.js'

/** A file's NAB score at one threshold, with NAB's row counts. */
export interface FileScore {
  name: string
  threshold: number
  score: number
  tp: number
  tn: number
  fp: number
  fn: number
}

/** The corpus-wide threshold that maximises the pooled score, and that score. */
export interface ThresholdChoice {
  threshold: number
  score: number
}

/**
 * S(t) of one file: every scored window contributes the value of its earliest detection, or
 * −A_fn when it has none; every detection outside a window adds its (negative) value. A
 * detection is a non-probationary row with anomaly score ≥ t (NAB's `scoreDataSet`).
 */
export function scoreFile(sweep: FileSweep, scores: ArrayLike<number>, threshold: number): FileScore {
  const bestOf = new Map<number, number>()
  const counts = { tp: 0, tn: 0, fp: 0, fn: 0 }
  let outside = 0

  for (let i = sweep.probation; i < sweep.rows; i++) {
    const window = sweep.windowOf[i] ?? -1
    const isDetected = (scores[i] ?? 0) >= threshold
    const value = sweep.values[i] ?? 0
    if (window < 0) {
      if (isDetected) outside += value
      counts[isDetected ? 'fp' : 'tn']++
      continue
    }
    counts[isDetected ? 'tp' : 'fn']++
    if (isDetected) bestOf.set(window, Math.max(bestOf.get(window) ?? -Infinity, value))
  }

  const missed = -sweep.profile.fnWeight
  let score = outside
  for (const window of sweep.scoredWindows) score += Math.max(missed, bestOf.get(window) ?? missed)
  return { name: sweep.name, threshold, score, ...counts }
}

/**
 * NAB's threshold optimisation: the non-probationary rows of every file are pooled, sorted
 * by score from high to low, and S is evaluated at every distinct score (and at 1.1, no
 * detections). The best S wins; on a tie the higher threshold, as Python's `max` over the
 * descending sweep does. All sweeps must use the same profile.
 */
export function optimizeThreshold(
  sweeps: readonly FileSweep[], scores: ReadonlyArray<ArrayLike<number>>,
): ThresholdChoice {
  const pool = poolRows(sweeps, scores)
  const order = new Uint32Array(pool.score.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  order.sort((a, b) => (pool.score[b] ?? 0) - (pool.score[a] ?? 0))

  const missed = -(sweeps[0]?.profile.fnWeight ?? 1)
  const best = new Float64Array(pool.windowCount).fill(missed)
  let windowsTotal = missed * pool.windowCount
  let outside = 0
  let choice: ThresholdChoice = { threshold: NO_DETECTION_THRESHOLD, score: windowsTotal }

  for (let k = 0; k < order.length;) {
    const threshold = pool.score[order[k] ?? 0] ?? 0
    for (; k < order.length && pool.score[order[k] ?? 0] === threshold; k++) {
      const row = order[k] ?? 0
      const window = pool.window[row] ?? -1
      const value = pool.value[row] ?? 0
      if (window < 0) outside += value
      else if (value > (best[window] ?? missed)) {
        windowsTotal += value - (best[window] ?? missed)
        best[window] = value
      }
    }
    const score = outside + windowsTotal
    if (score > choice.score) choice = { threshold, score }
  }
  return choice
}

interface Pool {
  score: Float64Array
  value: Float64Array
  /** Corpus-wide window id, or −1 outside windows (or in a window that is not scored). */
  window: Int32Array
  windowCount: number
}

/** Non-probationary rows of all files, with window ids made unique across files. */
function poolRows(sweeps: readonly FileSweep[], scores: ReadonlyArray<ArrayLike<number>>): Pool {
  const size = sweeps.reduce((total, sweep) => total + sweep.rows - sweep.probation, 0)
  const pool: Pool = {
    score: new Float64Array(size), value: new Float64Array(size), window: new Int32Array(size), windowCount: 0,
  }
  let at = 0
  for (const [f, sweep] of sweeps.entries()) {
    const fileScores = scores[f] ?? []
    const ids = new Map(sweep.scoredWindows.map((window, i) => [window, pool.windowCount + i]))
    for (let i = sweep.probation; i < sweep.rows; i++, at++) {
      pool.score[at] = fileScores[i] ?? 0
      pool.value[at] = sweep.values[i] ?? 0
      pool.window[at] = ids.get(sweep.windowOf[i] ?? -1) ?? -1
    }
    pool.windowCount += sweep.scoredWindows.length
  }
  return pool
}
