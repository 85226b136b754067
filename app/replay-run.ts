import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createLogger, loadConfig, loadFleet, type Signal, type WorkOrder, type ConfigOverrides } from '../core/index.js'
import { replayCsv, type ProgressReporter, type ReplaySummary } from '../simulator/index.js'
import { createService } from './service.js'
import { addReplayDevice } from './replay-fleet.js'

export interface InProcessReplayOptions {
  file: string
  deviceId: string
  metric: string
  speed: number
  progress: ProgressReporter | null
  /** Keep state here instead of a throw-away temporary directory. */
  dataDir?: string
  overrides?: ConfigOverrides
}

export interface ReplayWorkOrder {
  id: string
  /** Data-clock time (the CSV's own timestamps) of the signal that opened it. */
  createdAt: string
  createdAtMs: number
  failureMode: string
  priority: number
  status: string
  signalKinds: string[]
  /** Signals that opened or later attached to this work order. */
  signalCount: number
  visit: { start: string, end: string } | null
  summary: string
}

export interface InProcessReplayReport {
  file: string
  deviceId: string
  assetId: string
  rowsRead: number
  published: number
  skipped: ReplaySummary['skipped']
  readingsStored: number
  signals: number
  signalsByKind: Record<string, number>
  /** Every Signal, in the data's clock, so it can be compared with labelled windows. */
  signalTimeline: Array<{ detectedAt: string, kind: string, severity: string, failureMode: string }>
  workOrders: ReplayWorkOrder[]
  noticesSent: number
  firstTime: string | null
  lastTime: string | null
  store: string
}

/**
 * Runs the whole service in-process on embedded defaults, replays a CSV through its MQTT
 * broker, and waits until every row is stored and every notice drained before reporting.
 */
export async function replayInProcess(options: InProcessReplayOptions): Promise<InProcessReplayReport> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'forewarn-replay-'))
  const config = loadConfig({
    overrides: mergeOverrides(options.overrides, { data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 } }),
  })
  const secret = randomBytes(18).toString('base64url')
  const fleet = addReplayDevice(loadFleet(config.fleet.file), options.deviceId, secret, options.file)
  const signals: Signal[] = []
  const opened: Array<{ workOrder: WorkOrder, signal: Signal }> = []
  const service = createService({
    config, fleet,
    // stdout is reserved for the report (the --json line must be the last one there).
    logger: createLogger({ level: config.log.level, destination: process.stderr }),
    onSignal: (signal) => signals.push(signal),
    onWorkOrderOpened: (workOrder, signal) => opened.push({ workOrder, signal }),
  })

  await service.start()
  try {
    const replay = await replayCsv({
      file: options.file, brokerUrl: service.mqttUrl, deviceId: options.deviceId, secret,
      metric: options.metric, speed: options.speed, progress: options.progress,
    })
    // Every row was acknowledged, so every reading was handed to ingest and the models.
    await service.ingest.flush()
    await service.dispatch.drainOutbox()
    const assetId = `asset-${options.deviceId}`
    const readingsStored = await service.ingest.count({ assetId })
    return buildReport({ options, assetId, replay, readingsStored, signals, service })
  } finally {
    await service.stop()
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
  }
}

interface ReportParts {
  options: InProcessReplayOptions
  assetId: string
  replay: ReplaySummary
  readingsStored: number
  signals: Signal[]
  service: ReturnType<typeof createService>
}

function buildReport(parts: ReportParts): InProcessReplayReport {
  const { options, assetId, replay, signals, service } = parts
  const signalsByKind: Record<string, number> = {}
  for (const signal of signals) signalsByKind[signal.kind] = (signalsByKind[signal.kind] ?? 0) + 1
  const kindsById = new Map(signals.map((s) => [s.id, s.kind]))
  const { items } = service.dispatch.listWorkOrders({ assetId, limit: 200 })

  return {
    file: options.file,
    deviceId: options.deviceId,
    assetId,
    rowsRead: replay.rowsRead,
    published: replay.published,
    skipped: replay.skipped,
    readingsStored: parts.readingsStored,
    signals: signals.length,
    signalsByKind,
    signalTimeline: signals.map((s) => ({
      detectedAt: new Date(s.detectedAt).toISOString(), kind: s.kind, severity: s.severity, failureMode: s.failureMode,
    })),
    workOrders: items.sort((a, b) => a.createdAt - b.createdAt).map((wo) => ({
      id: wo.id,
      createdAt: new Date(wo.createdAt).toISOString(),
      createdAtMs: wo.createdAt,
      failureMode: wo.failureMode,
      priority: wo.priority,
      status: wo.status,
      signalKinds: [...new Set(wo.signalIds.map((id) => kindsById.get(id) ?? 'unknown'))],
      signalCount: wo.signalIds.length,
      visit: wo.visit === null
        ? null
        : { start: new Date(wo.visit.start).toISOString(), end: new Date(wo.visit.end).toISOString() },
      summary: wo.summary,
    })),
    noticesSent: service.dispatch.stats().noticesSent,
    firstTime: replay.firstTime === null ? null : new Date(replay.firstTime).toISOString(),
    lastTime: replay.lastTime === null ? null : new Date(replay.lastTime).toISOString(),
    store: service.ingest.store.kind,
  }
}

function mergeOverrides(base: ConfigOverrides | undefined, forced: ConfigOverrides): ConfigOverrides {
  const out: Record<string, unknown> = { ...base }
  for (const [section, values] of Object.entries(forced)) {
    out[section] = { ...(base?.[section as keyof ConfigOverrides] ?? {}), ...values }
  }
  return out as ConfigOverrides
}
