import type { NabCorpus } from './nab-corpus.js'
import { NAB_PROFILES, type NabProfile, type NabProfileName } from './nab-profiles.js'
import { sweepFile, type FileSweep } from './nab-sweep.js'
import { optimizeThreshold, scoreFile, type FileScore } from './nab-threshold.js'

/** Raw and normalised score of a set of files (a category, a fold, the corpus). */
export interface NabSubtotal {
  raw: number
  /** 100 · (raw − null) / (perfect − null); null when the files hold no window. */
  score: number | null
  files: number
  windows: number
}

/** One profile's results: the corpus-wide threshold and every score it gives. */
export interface NabProfileResult {
  profile: NabProfileName
  threshold: number
  total: NabSubtotal
  byCategory: Record<string, NabSubtotal>
  files: FileScore[]
  /** The threshold chosen on the other half of the files, per fold, and the score it gives. */
  outOfSample: { thresholds: [number, number], total: NabSubtotal }
}

/** A detector's NAB results over a corpus, all three profiles. */
export interface NabEvaluation {
  detector: string
  windowCount: number
  profiles: NabProfileResult[]
}

/** Fixed thresholds per profile (e.g. NAB's shipped ones) instead of optimising them. */
export type NabThresholds = Partial<Record<NabProfileName, number>>

/**
 * Scores a detector's per-file anomaly scores (in corpus file order) under the three NAB
 * profiles. The threshold is optimised over the whole corpus, in-sample, as NAB does, unless
 * given. Beside it, an out-of-sample figure: the files are split into two folds (alternating
 * within each category, by name), each fold is scored with the threshold optimised on the
 * other, and the two halves are added.
 */
export function evaluateNab(
  corpus: NabCorpus, scores: ReadonlyArray<ArrayLike<number>>,
  options: { detector: string, thresholds?: NabThresholds },
): NabEvaluation {
  const profiles = NAB_PROFILES.map((profile) => {
    const sweeps = corpus.files.map((file) => sweepFile(file, profile))
    const threshold = options.thresholds?.[profile.name] ?? optimizeThreshold(sweeps, scores).threshold
    const files = sweeps.map((sweep, i) => scoreFile(sweep, scores[i] ?? [], threshold))
    return {
      profile: profile.name,
      threshold,
      total: subtotal(profile, sweeps, files),
      byCategory: byCategory(corpus, profile, sweeps, files),
      files,
      outOfSample: outOfSample(corpus, profile, sweeps, scores),
    }
  })
  return { detector: options.detector, windowCount: corpus.windowCount, profiles }
}

/** NAB's normalisation: 0 for the null detector (no detections), 100 for a perfect one. */
export function normalizeNab(raw: number, profile: NabProfile, windows: { total: number, scored: number }): number {
  const nullScore = -profile.fnWeight * windows.scored
  const perfect = profile.tpWeight * windows.total
  return (100 * (raw - nullScore)) / (perfect - nullScore)
}

/** Fold (0 or 1) of each file: alternating within each category, so both folds see every kind. */
export function foldOf(corpus: NabCorpus): number[] {
  const seen = new Map<string, number>()
  return corpus.files.map((file) => {
    const index = seen.get(file.category) ?? 0
    seen.set(file.category, index + 1)
    return index % 2
  })
}

function outOfSample(
  corpus: NabCorpus, profile: NabProfile, sweeps: FileSweep[], scores: ReadonlyArray<ArrayLike<number>>,
): NabProfileResult['outOfSample'] {
  const folds = foldOf(corpus)
  const pick = (fold: number) => ({
    sweeps: sweeps.filter((_, i) => folds[i] === fold),
    scores: scores.filter((_, i) => folds[i] === fold),
  })
  // Fold k is scored with the threshold tuned on fold 1 − k.
  const tuned = [1, 0].map((other) => {
    const { sweeps: trainSweeps, scores: trainScores } = pick(other)
    return optimizeThreshold(trainSweeps, trainScores).threshold
  })
  const files = sweeps.map((sweep, i) => scoreFile(sweep, scores[i] ?? [], tuned[folds[i] ?? 0] ?? 1.1))
  return { thresholds: [tuned[0] ?? 1.1, tuned[1] ?? 1.1], total: subtotal(profile, sweeps, files) }
}

function byCategory(
  corpus: NabCorpus, profile: NabProfile, sweeps: FileSweep[], files: FileScore[],
): Record<string, NabSubtotal> {
  const result: Record<string, NabSubtotal> = {}
  for (const category of new Set(corpus.files.map((file) => file.category))) {
    const members = corpus.files.flatMap((file, i) => (file.category === category ? [i] : []))
    result[category] = subtotal(profile, members.flatMap((i) => sweeps[i] ?? []),
      members.flatMap((i) => files[i] ?? []))
  }
  return result
}

function subtotal(profile: NabProfile, sweeps: FileSweep[], files: FileScore[]): NabSubtotal {
  const raw = files.reduce((total, file) => total + file.score, 0)
  const windows = sweeps.reduce((total, sweep) => total + sweep.windowCount, 0)
  const scored = sweeps.reduce((total, sweep) => total + sweep.scoredWindows.length, 0)
  const score = windows === 0 ? null : normalizeNab(raw, profile, { total: windows, scored })
  return { raw, score, files: files.length, windows }
}
