import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { ModelsError } from '../index.js'
import type { NabFileShape, WindowRows } from './nab-sweep.js'

/** One NAB data file, read in full: its rows and its labelled windows as row ranges. */
export interface NabFile extends NabFileShape {
  /** `<category>/<file>.csv`, as in NAB's label files. */
  name: string
  category: string
  /** The timestamps as written in the file (`YYYY-MM-DD HH:MM:SS`), for result files. */
  timestamps: string[]
  /** Epoch ms, reading the timestamps as UTC. */
  times: Float64Array
  values: Float64Array
}

/** The corpus: every file named in the windows file, sorted by name. */
export interface NabCorpus {
  /** The `nab` folder it was read from. */
  dir: string
  files: NabFile[]
  /** Windows in the windows file: the perfect score is A_tp times this. */
  windowCount: number
}

/** Which windows file to use; the tiny one holds two files, for debugging. */
export type NabWindowsFile = 'combined_windows.json' | 'combined_windows_tiny.json'

/** Reads `<datasetsDir>/nab`: the data CSVs and the windows they are scored against. */
export function loadNabCorpus(
  datasetsDir: string, windowsFile: NabWindowsFile = 'combined_windows.json',
): NabCorpus {
  const dir = join(datasetsDir, 'nab')
  const windowsPath = join(dir, 'labels', windowsFile)
  const windowsByFile = readWindows(windowsPath)
  const files = Object.keys(windowsByFile).sort().map((name) =>
    readDataFile(dir, name, windowsByFile[name] ?? []))
  const windowCount = files.reduce((total, file) => total + file.windows.length, 0)
  return { dir, files, windowCount }
}

/** Epoch ms of a NAB timestamp (`2014-10-30 15:30:00`, optionally with `.000000`), as UTC. */
export function parseNabTime(text: string): number {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?$/.exec(text.trim())
  return match === null ? Number.NaN : Date.parse(`${match[1]}T${match[2]}${match[3] ?? ''}Z`)
}

/** Reads a CSV with a header row into records; a missing file is FW_ERR_MDL_DATASET_NOT_FOUND. */
export function readCsvRecords(path: string): Array<Record<string, string>> {
  if (!existsSync(path)) {
    throw new ModelsError('FW_ERR_MDL_DATASET_NOT_FOUND', `dataset file ${path} does not exist`,
      { details: { file: path } })
  }
  try {
    return parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
  } catch (err: unknown) {
    throw invalid(path, 'is not a readable CSV with a header row', err)
  }
}

function readWindows(path: string): Record<string, string[][]> {
  if (!existsSync(path)) {
    throw new ModelsError('FW_ERR_MDL_DATASET_NOT_FOUND',
      `NAB windows file ${path} does not exist: pass --data with the folder that holds nab/`,
      { details: { file: path } })
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[][]>
  } catch (err: unknown) {
    throw invalid(path, 'is not JSON', err)
  }
}

function readDataFile(dir: string, name: string, windows: string[][]): NabFile {
  const path = join(dir, 'data', name)
  const records = readCsvRecords(path)
  const timestamps = records.map((record) => record.timestamp ?? '')
  const times = Float64Array.from(timestamps, parseNabTime)
  const values = Float64Array.from(records, (record) => Number(record.value))
  const bad = records.findIndex((_, i) => !Number.isFinite(times[i]) || !Number.isFinite(values[i]))
  if (bad >= 0) throw invalid(path, `has an unreadable timestamp or value on data row ${bad + 1}`)

  const category = name.split('/')[0] ?? ''
  return { name, category, rows: records.length, timestamps, times, values, windows: windowRows(path, times, windows) }
}

/** Windows as row ranges; each limit must be a data row's timestamp, and windows must be in order. */
function windowRows(path: string, times: Float64Array, windows: string[][]): WindowRows[] {
  const rowOf = new Map<number, number>()
  times.forEach((time, row) => rowOf.set(time, row))
  const rows: WindowRows[] = []
  for (const [startText = '', endText = ''] of windows) {
    const start = rowOf.get(parseNabTime(startText))
    const end = rowOf.get(parseNabTime(endText))
    if (start === undefined || end === undefined) {
      throw invalid(path, `has no row at window limit ${start === undefined ? startText : endText}`)
    }
    if (end < start || start <= (rows.at(-1)?.end ?? -1)) {
      throw invalid(path, `has window ${startText} – ${endText} out of order or overlapping`)
    }
    rows.push({ start, end })
  }
  return rows
}

function invalid(path: string, problem: string, cause?: unknown): ModelsError {
  return new ModelsError('FW_ERR_MDL_DATASET_INVALID', `dataset file ${path} ${problem}`,
    { details: { file: path }, ...(cause === undefined ? {} : { cause }) })
}
