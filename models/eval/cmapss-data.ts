import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ModelsError } from '../index.js'

/** One engine's cycles, each the 26 numbers of a row: unit, cycle, 3 settings, 21 sensors. */
export interface CmapssEngine {
  unit: number
  cycles: Float64Array[]
}

/** C-MAPSS FD001: 100 engines run to failure, 100 cut before failure and their true remaining life. */
export interface CmapssData {
  train: CmapssEngine[]
  test: CmapssEngine[]
  /** True remaining cycles after each test engine's last cycle, in unit order. */
  testRul: number[]
}

/** Columns per row in the C-MAPSS text files. */
export const CMAPSS_COLUMNS = 26
/** Index of the first sensor column (sensor 1); settings are columns 2..4. */
export const FIRST_SENSOR_COLUMN = 5

/** Reads `<datasetsDir>/cmapss-fd001`: train_FD001.txt, test_FD001.txt and RUL_FD001.txt. */
export function loadCmapss(datasetsDir: string): CmapssData {
  const dir = join(datasetsDir, 'cmapss-fd001')
  const train = byEngine(readRows(join(dir, 'train_FD001.txt')))
  const test = byEngine(readRows(join(dir, 'test_FD001.txt')))
  const rulPath = join(dir, 'RUL_FD001.txt')
  const testRul = readLines(rulPath).map(Number)
  if (testRul.length !== test.length || !testRul.every((rul) => Number.isFinite(rul) && rul >= 0)) {
    throw invalid(rulPath, `has ${testRul.length} readable remaining lives for ${test.length} test engines`)
  }
  return { train, test, testRul }
}

function readRows(path: string): Float64Array[] {
  return readLines(path).map((line, i) => {
    const row = Float64Array.from(line.trim().split(/\s+/), Number)
    if (row.length !== CMAPSS_COLUMNS || !row.every(Number.isFinite)) {
      throw invalid(path, `row ${i + 1} does not have ${CMAPSS_COLUMNS} numbers`)
    }
    return row
  })
}

function readLines(path: string): string[] {
  if (!existsSync(path)) {
    throw new ModelsError('FW_ERR_MDL_DATASET_NOT_FOUND',
      `C-MAPSS file ${path} does not exist: pass --data with the folder that holds cmapss-fd001/`,
      { details: { file: path } })
  }
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '')
}

/** Rows grouped by unit number, in file order; the cycles of a unit must be consecutive. */
function byEngine(rows: Float64Array[]): CmapssEngine[] {
  const engines: CmapssEngine[] = []
  for (const row of rows) {
    const unit = row[0] ?? 0
    const last = engines.at(-1)
    if (last !== undefined && last.unit === unit) last.cycles.push(row)
    else engines.push({ unit, cycles: [row] })
  }
  return engines
}

function invalid(path: string, problem: string): ModelsError {
  return new ModelsError('FW_ERR_MDL_DATASET_INVALID', `C-MAPSS file ${path} ${problem}`, { details: { file: path } })
}
