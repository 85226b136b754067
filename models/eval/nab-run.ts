import { createStreamDetector, type ModelSettings } from '../index.js'
import type { NabCorpus, NabFile } from './nab-corpus.js'
import type { EvalProgress } from './progress.js'

/**
 * Our detector's name in NAB result files. NAB splits result file names on `_`, so the name
 * must not contain one.
 */
export const NAB_DETECTOR_NAME = 'forewarn'

/** What a detector run over the corpus gives: one score per row of every file. */
export interface NabRun {
  scores: Float64Array[]
  rows: number
  elapsedMs: number
}

/**
 * Streams every file through a fresh stream detector (an unprofiled metric, the production
 * settings given) and keeps its `anomalyScore` per row: the detector sees each row once, in
 * order, with no look-ahead and no per-file settings.
 */
export function runStreamDetectorOnNab(
  corpus: NabCorpus, settings: ModelSettings, progress: EvalProgress | null = null,
): NabRun {
  const total = corpus.files.reduce((sum, file) => sum + file.rows, 0)
  const started = performance.now()
  progress?.start(total, 'nab')
  let done = 0
  const scores = corpus.files.map((file) => {
    const fileScores = scoreFile(file, settings)
    done += file.rows
    progress?.update(done)
    return fileScores
  })
  progress?.stop()
  return { scores, rows: total, elapsedMs: performance.now() - started }
}

function scoreFile(file: NabFile, settings: ModelSettings): Float64Array {
  const detector = createStreamDetector({ assetId: 'nab', metric: 'value', settings })
  const scores = new Float64Array(file.rows)
  for (let i = 0; i < file.rows; i++) {
    scores[i] = detector.observe(file.times[i] ?? 0, file.values[i] ?? 0).anomalyScore
  }
  return scores
}
