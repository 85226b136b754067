import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NabEvaluation, NabProfileResult, NabSubtotal } from './nab-evaluation.js'

const PROFILE_LABELS = ['standard', 'low FP', 'low FN']

/**
 * The results table: per category and in total, all three profiles, the corpus-wide
 * thresholds, and the out-of-sample line. A category without windows (nothing to find) shows
 * its raw score, which is its false-positive cost.
 */
export function formatNabTable(evaluation: NabEvaluation): string {
  const { profiles } = evaluation
  const categories = Object.keys(profiles[0]?.byCategory ?? {})
  const header = row('category', 'windows', PROFILE_LABELS)
  const lines = categories.map((category) => {
    const cells = profiles.map((p) => cell(p.byCategory[category]))
    return row(category, String(profiles[0]?.byCategory[category]?.windows ?? 0), cells)
  })
  const rule = '-'.repeat(header.length)
  return [
    `NAB v1.1, detector ${evaluation.detector}: normalised scores (0 = no detections, 100 = perfect)`,
    header, rule, ...lines, rule,
    row('total (threshold tuned in-sample)', String(evaluation.windowCount), profiles.map((p) => cell(p.total))),
    row('total (threshold out-of-sample)', '', profiles.map((p) => cell(p.outOfSample.total))),
    row('corpus threshold', '', profiles.map((p) => p.threshold.toPrecision(6))),
  ].join('\n')
}

/** The numbers of an evaluation as plain JSON: normalised and raw scores, thresholds. */
export function nabSummary(evaluation: NabEvaluation): Record<string, unknown> {
  const pick = (f: (p: NabProfileResult) => unknown) =>
    Object.fromEntries(evaluation.profiles.map((p) => [p.profile, f(p)]))
  return {
    detector: evaluation.detector,
    windows: evaluation.windowCount,
    scores: pick((p) => round(p.total.score)),
    outOfSample: pick((p) => round(p.outOfSample.total.score)),
    thresholds: pick((p) => p.threshold),
    outOfSampleThresholds: pick((p) => p.outOfSample.thresholds),
    raw: pick((p) => round(p.total.raw)),
    byCategory: pick((p) => Object.fromEntries(Object.entries(p.byCategory)
      .map(([category, subtotal]) => [category, round(subtotal.score ?? subtotal.raw)]))),
  }
}

/**
 * Writes NAB's per-profile score tables (`<det>_<profile>_scores.csv`, with a Totals row) and
 * the thresholds (`thresholds.json`, NAB's config/thresholds.json layout) under `<dir>/<det>`.
 */
export function writeNabScoreTables(dir: string, evaluation: NabEvaluation): string[] {
  const detector = evaluation.detector
  const folder = join(dir, detector)
  mkdirSync(folder, { recursive: true })
  const written = evaluation.profiles.map((result) => {
    const path = join(folder, `${detector}_${result.profile}_scores.csv`)
    writeFileSync(path, scoreTable(detector, result))
    return path
  })
  const thresholds = Object.fromEntries(evaluation.profiles
    .map((p) => [p.profile, { threshold: p.threshold, score: p.total.raw }]))
  const path = join(folder, 'thresholds.json')
  writeFileSync(path, `${JSON.stringify({ [detector]: thresholds }, null, 2)}\n`)
  return [...written, path]
}

function scoreTable(detector: string, result: NabProfileResult): string {
  const lines = ['Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count']
  const totals = { tp: 0, tn: 0, fp: 0, fn: 0 }
  for (const file of result.files) {
    const count = file.tp + file.tn + file.fp + file.fn
    lines.push([detector, result.profile, file.name, file.threshold, file.score,
      file.tp, file.tn, file.fp, file.fn, count].join(','))
    totals.tp += file.tp
    totals.tn += file.tn
    totals.fp += file.fp
    totals.fn += file.fn
  }
  const count = totals.tp + totals.tn + totals.fp + totals.fn
  lines.push(['Totals', '', '', '', result.total.raw, totals.tp, totals.tn, totals.fp, totals.fn, count].join(','))
  return `${lines.join('\n')}\n`
}

function cell(subtotal: NabSubtotal | undefined): string {
  if (subtotal === undefined) return ''
  return subtotal.score === null ? `(${subtotal.raw.toFixed(2)})` : subtotal.score.toFixed(2)
}

function row(label: string, windows: string, cells: string[]): string {
  return `${label.padEnd(34)} ${windows.padStart(7)} ${cells.map((c) => c.padStart(9)).join(' ')}`
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100
}
