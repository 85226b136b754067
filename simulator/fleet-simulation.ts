import { randomUUID } from 'node:crypto'
import type { Fleet } from '../core/index.js'
import { DeviceConnection } from './device-connection.js'
import type { ReadingGrid } from './device-signal.js'
import type { Degradation } from './fleet-degradations.js'
import { buildFleetPlan, type DevicePlan, type FailureTruth, type FleetPlan } from './fleet-plan.js'
import { publishFleet, type FleetRun, type PublishTally } from './fleet-run.js'
import { writeGroundTruth, type GroundTruth } from './ground-truth.js'
import { createProgressBar, type ProgressReporter } from './progress.js'
import { checkBrokerUrl, checkMs, checkSpeed, invalidOption } from './run-options.js'

const DEFAULT_INTERVAL_MS = 5 * 60_000
const DEFAULT_SEED = 1

export interface FleetSimulationOptions {
  brokerUrl: string
  fleet: Fleet
  /** deviceId -> secret (fleet/sample-credentials.json for the sample fleet) */
  credentials: Record<string, string>
  /** data clock epoch ms of the first reading */
  startTime: number
  /** data time to simulate */
  durationMs: number
  /** data time between readings of one device, default 5 min */
  intervalMs?: number
  /** data-time milliseconds per wall-clock millisecond; 0 = as fast as the broker acknowledges */
  speed?: number
  /** default 1 */
  seed?: number
  degradations?: Degradation[]
  /** subset of fleet devices; default all devices whose equipment type has metric profiles */
  deviceIds?: string[]
  /** JSON written when the run starts and updated at the end */
  groundTruthFile?: string
  /** null = no progress output; default a progress bar on stderr */
  progress?: ProgressReporter | null
  /** stop early; the run then resolves with what was acknowledged so far */
  signal?: AbortSignal
}

export interface SimulationSummary {
  /** Acknowledged telemetry messages (status messages are not counted). */
  messagesPublished: number
  /** Acknowledged metric values (a message carries one per metric of the device). */
  readingsPublished: number
  perDevice: Record<string, number>
  startTime: number
  /** startTime + durationMs; after an abort, the time of the latest acknowledged message. */
  endTime: number
  failures: FailureTruth[]
}

/**
 * Runs a fleet of virtual devices against a broker: one MQTT session per device, readings in
 * data-clock order, degradations ending in failure at known times, and the ground truth.
 */
export async function runFleetSimulation(options: FleetSimulationOptions): Promise<SimulationSummary> {
  const grid = readingGrid(options)
  const speed = checkSpeed(options.speed ?? 0)
  const seed = options.seed ?? DEFAULT_SEED
  if (!Number.isFinite(seed)) throw invalidOption('seed', seed, 'must be a finite number')
  checkBrokerUrl(options.brokerUrl)
  const plan = buildFleetPlan({
    fleet: options.fleet, credentials: options.credentials, deviceIds: options.deviceIds,
    degradations: options.degradations ?? [], seed, grid,
  })

  const truth = initialGroundTruth({ plan, grid, seed, speed })
  if (options.groundTruthFile !== undefined) await writeGroundTruth(options.groundTruthFile, truth)

  const devices = await openConnections(plan.devices, options.brokerUrl)
  const progress = options.progress === undefined ? createProgressBar() : options.progress
  const outcome = await publishAndClose({ devices, grid, speed, progress, signal: options.signal })

  const summary = summarize(plan, grid, outcome)
  if (options.groundTruthFile !== undefined) {
    await writeGroundTruth(options.groundTruthFile, finalGroundTruth(truth, outcome))
  }
  return summary
}

type Outcome = { tally: PublishTally, isAborted: boolean }

async function publishAndClose(run: FleetRun): Promise<Outcome> {
  let outcome: Outcome
  try {
    outcome = await publishFleet(run)
  } catch (err: unknown) {
    run.devices.forEach(({ connection }) => connection.terminate())
    throw err
  }
  if (outcome.isAborted) run.devices.forEach(({ connection }) => connection.terminate())
  else await Promise.all(run.devices.map(({ connection }) => connection.close()))
  return outcome
}

function readingGrid(options: FleetSimulationOptions): ReadingGrid {
  const startTime = checkMs('startTime', options.startTime, 0)
  const durationMs = checkMs('durationMs', options.durationMs, 0)
  const intervalMs = checkMs('intervalMs', options.intervalMs ?? DEFAULT_INTERVAL_MS, 1)
  return { startTime, endTime: startTime + durationMs, intervalMs }
}

/** Opens every session; when one fails, the others are dropped before the error is thrown. */
async function openConnections(
  plans: DevicePlan[], brokerUrl: string,
): Promise<Array<{ plan: DevicePlan, connection: DeviceConnection }>> {
  const results = await Promise.allSettled(plans.map((plan) =>
    DeviceConnection.open({ brokerUrl, deviceId: plan.deviceId, secret: plan.secret })))

  const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const failed = results.find((result) => result.status === 'rejected')
  if (failed !== undefined) {
    opened.forEach((connection) => connection.terminate())
    throw failed.reason
  }
  return opened.map((connection, index) => ({ plan: plans[index] as DevicePlan, connection }))
}

function initialGroundTruth(input: { plan: FleetPlan, grid: ReadingGrid, seed: number, speed: number }): GroundTruth {
  const { plan, grid } = input
  return {
    runId: randomUUID(),
    seed: input.seed,
    status: 'running',
    startTime: grid.startTime,
    endTime: grid.endTime,
    intervalMs: grid.intervalMs,
    speed: input.speed,
    devices: plan.devices.map((device) => ({
      deviceId: device.deviceId,
      assetId: device.assetId,
      siteId: device.siteId,
      equipmentType: device.equipmentType,
      metrics: device.streams.map((stream) => stream.metric),
      failureAt: device.failureAt,
      plannedMessages: device.plannedMessages,
      publishedMessages: 0,
    })),
    failures: plan.failures,
    messagesPlanned: plan.devices.reduce((sum, device) => sum + device.plannedMessages, 0),
    messagesPublished: 0,
    readingsPublished: 0,
  }
}

function finalGroundTruth(truth: GroundTruth, outcome: Outcome): GroundTruth {
  const { tally } = outcome
  return {
    ...truth,
    status: outcome.isAborted ? 'aborted' : 'completed',
    devices: truth.devices.map((device) => ({ ...device, publishedMessages: tally.perDevice[device.deviceId] ?? 0 })),
    messagesPublished: tally.messages,
    readingsPublished: tally.readings,
  }
}

function summarize(plan: FleetPlan, grid: ReadingGrid, outcome: Outcome): SimulationSummary {
  const { tally } = outcome
  return {
    messagesPublished: tally.messages,
    readingsPublished: tally.readings,
    perDevice: tally.perDevice,
    startTime: grid.startTime,
    endTime: outcome.isAborted ? (tally.lastTime ?? grid.startTime) : grid.endTime,
    failures: plan.failures,
  }
}
