import { basename } from 'node:path'
import { checkCsvFile, countCsvRows, readCsvRecords } from './csv-source.js'
import { columnsFromHeader, parseRow, type CsvColumns } from './csv-rows.js'
import { DeviceConnection } from './device-connection.js'
import { InFlightWindow } from './in-flight.js'
import { createPacer, type Pacer } from './pacer.js'
import { createProgressBar, type ProgressReporter } from './progress.js'
import { checkBrokerUrl, checkSpeed } from './run-options.js'
import { RunStop } from './run-stop.js'

/** Skipped rows listed in the summary; the rest are only counted (rowsRead - published). */
const MAX_SKIPPED_LISTED = 100
const MAX_IN_FLIGHT = 64

export interface ReplayOptions {
  /** CSV with a header row and timestamp,value columns */
  file: string
  brokerUrl: string
  deviceId: string
  secret: string
  /** metric name the values are published under; default 'value' */
  metric?: string
  /** data ms per wall ms; 0 (default) = as fast as acknowledged */
  speed?: number
  /** null = no progress output; default a progress bar on stderr */
  progress?: ProgressReporter | null
  /** stop early; the replay then resolves with what was acknowledged so far */
  signal?: AbortSignal
}

export interface ReplaySummary {
  /** Data rows read (header and empty lines excluded). */
  rowsRead: number
  /** Rows acknowledged by the broker. */
  published: number
  /** Rows that could not be readings, with their line numbers; at most 100 listed. */
  skipped: Array<{ line: number, reason: string }>
  /** Earliest and latest published timestamps (epoch ms); null when nothing was published. */
  firstTime: number | null
  lastTime: number | null
}

interface ReplayState {
  summary: ReplaySummary
  skippedCount: number
  pacer: Pacer | null
}

/**
 * Replays a `timestamp,value` CSV as one device's telemetry, row by row in file order with
 * QoS 1, and resolves once every published row is acknowledged.
 */
export async function replayCsv(options: ReplayOptions): Promise<ReplaySummary> {
  const speed = checkSpeed(options.speed ?? 0)
  checkBrokerUrl(options.brokerUrl)
  await checkCsvFile(options.file)
  const progress = options.progress === undefined ? createProgressBar() : options.progress
  const total = progress === null ? 0 : await countCsvRows(options.file)

  const connection = await DeviceConnection.open(options)
  const stop = new RunStop(options.signal, () => connection.terminate())
  const state: ReplayState = {
    summary: { rowsRead: 0, published: 0, skipped: [], firstTime: null, lastTime: null },
    skippedCount: 0,
    pacer: null,
  }
  progress?.start(total, `replaying ${basename(options.file)}`)
  try {
    await publishRows({ options, speed, connection, stop, state, progress })
  } catch (err: unknown) {
    connection.terminate()
    throw err
  } finally {
    progress?.stop()
    stop.dispose()
  }

  if (stop.isAborted) connection.terminate()
  else await connection.close()
  return state.summary
}

interface ReplayRun {
  options: ReplayOptions
  speed: number
  connection: DeviceConnection
  stop: RunStop
  state: ReplayState
  progress: ProgressReporter | null
}

async function publishRows(run: ReplayRun): Promise<void> {
  const window = new InFlightWindow(MAX_IN_FLIGHT)
  try {
    await publishEachRow(run, window)
    if (run.stop.signal.aborted) await window.settled()
    else await window.drain()
  } catch (err: unknown) {
    run.stop.fail(err)
    await window.settled()
  }
  run.stop.throwIfFailed()
}

async function publishEachRow(run: ReplayRun, window: InFlightWindow): Promise<void> {
  const { state, stop } = run
  const metric = run.options.metric ?? 'value'
  let columns: CsvColumns | undefined

  for await (const { line, record } of readCsvRecords(run.options.file)) {
    if (stop.signal.aborted) break
    if (columns === undefined) {
      const fromHeader = columnsFromHeader(record, metric)
      columns = fromHeader ?? { time: 0, value: 1 }
      if (fromHeader !== null) continue
    }

    state.summary.rowsRead += 1
    const row = parseRow(record, columns)
    if ('reason' in row) {
      skipRow(run, line, row.reason)
      continue
    }
    await publishRow(run, window, { ts: row.ts, metrics: { [metric]: row.value } })
  }
}

async function publishRow(
  run: ReplayRun, window: InFlightWindow, message: { ts: number, metrics: Record<string, number> },
): Promise<void> {
  const { state, connection, stop } = run
  if (state.pacer === null) {
    state.pacer = createPacer(run.speed, message.ts)
    await connection.announceOnline(message.ts)
  }
  await state.pacer.waitFor(message.ts, stop.signal)
  if (stop.signal.aborted) return

  await window.submit(async () => {
    await connection.publishTelemetry(message)
    countPublished(state.summary, message.ts)
    run.progress?.update(state.summary.published + state.skippedCount)
  })
}

function skipRow(run: ReplayRun, line: number, reason: string): void {
  const { state } = run
  state.skippedCount += 1
  if (state.summary.skipped.length < MAX_SKIPPED_LISTED) state.summary.skipped.push({ line, reason })
  run.progress?.update(state.summary.published + state.skippedCount)
}

function countPublished(summary: ReplaySummary, ts: number): void {
  summary.published += 1
  summary.firstTime = Math.min(summary.firstTime ?? ts, ts)
  summary.lastTime = Math.max(summary.lastTime ?? ts, ts)
}
