import { CMAPSS_COLUMNS, FIRST_SENSOR_COLUMN, type CmapssEngine } from './cmapss-data.js'

/**
 * Features of an engine at one cycle, from that cycle and the ones before it only: for every
 * informative sensor, the level and slope of a least-squares line through the last 30 cycles
 * (standardised by the training fleet), plus the cycle count. The line's level is a smoothed
 * reading; its slope is the degradation rate. Windowed regression features of this kind are
 * what the C-MAPSS literature's windowed models consume (e.g. Li, Ding & Sun 2018).
 */
export const FEATURE_WINDOW_CYCLES = 30
/** Sensors whose training spread is below this share of their mean carry no information. */
const MIN_RELATIVE_SPREAD = 1e-4
/** Cycles are given in hundreds, so the count is on the scale of the other features. */
const CYCLE_SCALE = 100

/** The sensors used and the training fleet's mean and spread of each. */
export interface FeatureSpace {
  columns: number[]
  mean: Float64Array
  sd: Float64Array
  /** Features per vector: level and slope per sensor, plus the cycle count. */
  width: number
}

/** Chooses the informative sensors and their standardisation from the training engines alone. */
export function fitFeatureSpace(train: readonly CmapssEngine[]): FeatureSpace {
  const rows = train.flatMap((engine) => engine.cycles)
  const columns: number[] = []
  const means: number[] = []
  const sds: number[] = []
  for (let column = FIRST_SENSOR_COLUMN; column < CMAPSS_COLUMNS; column++) {
    const values = rows.map((row) => row[column] ?? 0)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
    if (!(sd > MIN_RELATIVE_SPREAD * Math.max(1, Math.abs(mean)))) continue
    columns.push(column)
    means.push(mean)
    sds.push(sd)
  }
  return { columns, mean: Float64Array.from(means), sd: Float64Array.from(sds), width: 2 * columns.length + 1 }
}

/** Writes the features of `engine` at cycle index `t` into `out` from `offset`. */
export function writeFeatures(
  space: FeatureSpace, engine: CmapssEngine, t: number, out: Float64Array, offset = 0,
): void {
  const from = Math.max(0, t - FEATURE_WINDOW_CYCLES + 1)
  const n = t - from + 1
  space.columns.forEach((column, j) => {
    let sx = 0
    let sy = 0
    let sxx = 0
    let sxy = 0
    for (let i = from; i <= t; i++) {
      const x = i - t
      const y = ((engine.cycles[i]?.[column] ?? 0) - (space.mean[j] ?? 0)) / (space.sd[j] ?? 1)
      sx += x
      sy += y
      sxx += x * x
      sxy += x * y
    }
    const slope = n > 1 ? (sxy - (sx * sy) / n) / (sxx - (sx * sx) / n) : 0
    out[offset + 2 * j] = sy / n - (slope * sx) / n
    // Per 10 cycles, so slopes are on the scale of the levels.
    out[offset + 2 * j + 1] = slope * 10
  })
  out[offset + 2 * space.columns.length] = (t + 1) / CYCLE_SCALE
}
