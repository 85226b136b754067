import { describe, expect, it } from 'vitest'
import {
  NAB_PROFILES, normalizeNab, optimizeThreshold, probationLength, scaledSigmoid, scoreFile, sweepFile,
  type NabProfile,
} from '../../models/eval/index.js'

const [STANDARD, LOW_FP, LOW_FN] = NAB_PROFILES as [NabProfile, NabProfile, NabProfile]
/** 40 rows, probation 6, one window over rows 10..14 (width 5). */
const FILE = { name: 'test/one.csv', rows: 40, windows: [{ start: 10, end: 14 }] }

function scoresWith(detections: Record<number, number>, rows = FILE.rows): Float64Array {
  const scores = new Float64Array(rows)
  for (const [row, score] of Object.entries(detections)) scores[Number(row)] = score
  return scores
}

describe('NAB probation and sweep values', () => {
  it('drops 15 % of the rows, at most 750', () => {
    expect([100, 4032, 5000, 22_695].map(probationLength)).toEqual([15, 604, 750, 750])
  })

  it('values the window\'s first row at A_tp, its last near 0.47 A_tp, and rows far from any window at −A_fp', () => {
    const { values, windowOf } = sweepFile(FILE, STANDARD)
    const lastInWindow = scaledSigmoid(-1 / 5) / scaledSigmoid(-1)
    expect([values[10], values[14], values[9], values[0]])
      .toEqual([1, lastInWindow, -0.11, -0.11])
    expect([windowOf[9], windowOf[10], windowOf[14], windowOf[15]]).toEqual([-1, 0, 0, -1])
  })

  it('charges a false positive just after a window little, and the full A_fp three widths later', () => {
    const { values } = sweepFile(FILE, LOW_FP)
    expect(values[15]).toBeCloseTo(0.22 * (2 / (1 + Math.exp(5 * 0.25)) - 1), 12)
    expect(values[26]).toBeCloseTo(0.22 * scaledSigmoid(3), 12)
    expect(values[27]).toBe(-0.22)
  })
})

describe('NAB score of one file', () => {
  it('adds the earliest detection in a window and every detection outside', () => {
    const sweep = sweepFile(FILE, STANDARD)
    const result = scoreFile(sweep, scoresWith({ 8: 0.9, 11: 0.9, 12: 0.9 }), 0.5)
    expect(result).toEqual({
      name: 'test/one.csv', threshold: 0.5, score: -0.11 + (sweep.values[11] ?? 0), tp: 2, tn: 28, fp: 1, fn: 3,
    })
  })

  it('counts a missed window as −A_fn and ignores probationary detections', () => {
    expect(scoreFile(sweepFile(FILE, LOW_FN), scoresWith({ 2: 1 }), 0.5).score).toBe(-2)
  })
})

describe('NAB threshold optimiser', () => {
  it('picks the threshold with the best pooled score', () => {
    const sweep = sweepFile(FILE, STANDARD)
    const choice = optimizeThreshold([sweep], [scoresWith({ 10: 0.8, 12: 0.9, 30: 0.95 })])
    expect(choice).toEqual({ threshold: 0.8, score: 1 + (sweep.values[30] ?? 0) })
  })

  it('takes the highest threshold on a tie', () => {
    const sweep = sweepFile(FILE, STANDARD)
    expect(optimizeThreshold([sweep], [scoresWith({ 11: 0.9, 12: 0.85 })]).threshold).toBe(0.9)
  })

  it('gives the null detector (constant 0.5) no detections: t = 1.1 and −A_fn per window', () => {
    const constant = new Float64Array(FILE.rows).fill(0.5)
    expect(optimizeThreshold([sweepFile(FILE, LOW_FN)], [constant])).toEqual({ threshold: 1.1, score: -2 })
  })
})

describe('NAB normalisation', () => {
  it('reproduces the README\'s worked check for numenta (70.10 and 74.32)', () => {
    const windows = { total: 116, scored: 116 }
    expect(normalizeNab(46.6345, STANDARD, windows).toFixed(2)).toBe('70.10')
    expect(normalizeNab(26.6345, LOW_FN, windows).toFixed(2)).toBe('74.32')
    expect(normalizeNab(-116, STANDARD, windows)).toBe(0)
  })
})
