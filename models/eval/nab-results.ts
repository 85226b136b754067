import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ModelsError } from '../index.js'
import { readCsvRecords, type NabFile } from './nab-corpus.js'

/**
 * A detector's anomaly scores for one data file, read by position from the `anomaly_score`
 * column. Two layouts are accepted: NAB's results (`<dir>/<category>/<det>_<file>.csv`, where
 * `<det>` is the folder's name) and the reference scores (`<dir>/<category>/<file>.csv`).
 */
export function readDetectorScores(scoresDir: string, file: NabFile): Float64Array {
  const detector = basename(scoresDir)
  const [category = '', fileName = ''] = file.name.split('/')
  const candidates = [join(scoresDir, category, `${detector}_${fileName}`), join(scoresDir, category, fileName)]
  const path = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0] ?? scoresDir
  const records = readCsvRecords(path)
  const scores = Float64Array.from(records, (record) => Number(record.anomaly_score))

  const bad = scores.findIndex((score) => !(score >= 0 && score <= 1))
  if (records.length !== file.rows || bad >= 0) {
    const problem = records.length !== file.rows
      ? `has ${records.length} rows where ${file.name} has ${file.rows}`
      : `has anomaly_score ${records[bad]?.anomaly_score ?? ''} outside [0, 1] on row ${bad + 1}`
    throw new ModelsError('FW_ERR_MDL_DATASET_INVALID', `detector score file ${path} ${problem}`,
      { details: { file: path } })
  }
  return scores
}

/**
 * Writes NAB's result file for one data file, `<outDir>/<det>/<category>/<det>_<file>.csv`
 * with `timestamp,value,anomaly_score,label`, which NAB's own scorer reads. The label is 1
 * inside a labelled window, as NAB writes it. Returns the path.
 */
export function writeResultFile(outDir: string, detector: string, file: NabFile, scores: ArrayLike<number>): string {
  const [category = '', fileName = ''] = file.name.split('/')
  const path = join(outDir, detector, category, `${detector}_${fileName}`)
  mkdirSync(dirname(path), { recursive: true })
  const inWindow = new Uint8Array(file.rows)
  for (const window of file.windows) inWindow.fill(1, window.start, window.end + 1)

  const lines = ['timestamp,value,anomaly_score,label']
  for (let i = 0; i < file.rows; i++) {
    lines.push(`${file.timestamps[i] ?? ''},${file.values[i] ?? ''},${scores[i] ?? 0},${inWindow[i] ?? 0}`)
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}
