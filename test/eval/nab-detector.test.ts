import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/index.js'
import {
  NAB_DETECTOR_NAME, evaluateNab, formatNabTable, loadNabCorpus, readDetectorScores, runStreamDetectorOnNab,
  writeResultFile,
} from '../../models/eval/index.js'
import { datasetFile } from '../helpers/datasets.js'

/** The folder holding nab/, as --data takes it. */
const DATASETS = dirname(datasetFile('nab'))
const corpus = loadNabCorpus(DATASETS)
const run = runStreamDetectorOnNab(corpus, loadConfig({ env: {} }).models)
const evaluation = evaluateNab(corpus, run.scores, { detector: NAB_DETECTOR_NAME })
const outDir = mkdtempSync(join(tmpdir(), 'forewarn-nab-'))

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true })
})

describe('the stream detector on the NAB corpus', () => {
  it('scores at least 64 / 55 / 69 in-sample and 63 standard out of sample (regression floor)', () => {
    console.log(formatNabTable(evaluation))
    const scores = evaluation.profiles.map((p) => p.total.score ?? 0)
    expect(scores.map((score, i) => score >= ([64, 55, 69][i] ?? 100))).toEqual([true, true, true])
    expect(evaluation.profiles[0]?.outOfSample.total.score).toBeGreaterThanOrEqual(63)
  })

  it('gives well-resolved scores: almost none at 1.0, and almost every row its own value', () => {
    const all = run.scores.flatMap((scores) => Array.from(scores))
    const saturated = all.filter((score) => score >= 0.999).length
    expect(saturated).toBeLessThan(all.length * 1e-4)
    expect(new Set(all).size).toBeGreaterThan(all.length * 0.9)
  })

  it('writes NAB result files that read back to the same scores', () => {
    const file = corpus.files.find((f) => f.name === 'realKnownCause/nyc_taxi.csv')
    if (file === undefined) throw new Error('nyc_taxi missing from the corpus')
    const scores = run.scores[corpus.files.indexOf(file)] ?? new Float64Array()
    const path = writeResultFile(outDir, NAB_DETECTOR_NAME, file, scores)
    expect(path).toBe(join(outDir, 'forewarn', 'realKnownCause', 'forewarn_nyc_taxi.csv'))
    expect(readDetectorScores(join(outDir, 'forewarn'), file)).toEqual(scores)
  })
})
