import { resolve } from 'node:path'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { parse } from 'csv-parse'
import { SimulatorError } from './errors.js'

/** One CSV record with the (1-based) line it ends on, for error reports. */
export interface CsvRecord {
  line: number
  record: string[]
}

/** Fails with a coded error unless `file` is a readable regular file. */
export async function checkCsvFile(file: string): Promise<void> {
  try {
    const stats = await stat(file)
    if (stats.isFile()) return
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new SimulatorError('FW_ERR_SIM_CSV_NOT_FOUND', `CSV file ${resolve(file)} does not exist`, { cause: err, details: { file } })
    }
    throw unreadable(file, err)
  }
  throw unreadable(file, new Error('not a regular file'))
}

/**
 * Streams the records of a CSV file; memory stays flat for files of any size. Empty lines are
 * skipped, short or long rows are passed on for the caller to judge, and a missing trailing
 * newline is fine.
 */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord> {
  const parser = parse({ info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true })
  const source = createReadStream(file)
  source.once('error', (err) => parser.destroy(err))
  source.pipe(parser)

  try {
    for await (const item of parser as AsyncIterable<{ record: string[], info: { lines: number } }>) {
      yield { line: item.info.lines, record: item.record }
    }
  } catch (err: unknown) {
    throw unreadable(file, err)
  } finally {
    source.destroy()
  }
}

/** Data rows (lines after the header), counted by newlines: a fast estimate for progress. */
export async function countCsvRows(file: string): Promise<number> {
  let newlines = 0
  let lastByte = -1
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) newlines += 1
    lastByte = chunk.at(-1) ?? lastByte
  }
  const lines = lastByte === -1 ? 0 : newlines + (lastByte === 0x0a ? 0 : 1)
  return Math.max(0, lines - 1)
}

function unreadable(file: string, err: unknown): SimulatorError {
  const reason = err instanceof Error ? err.message : String(err)
  return new SimulatorError('FW_ERR_SIM_CSV_UNREADABLE', `file: ${file} could not be read as CSV: ${reason}`,
    { cause: err, details: { file } })
}
