import type { DeviceConnection } from './device-connection.js'
import { readingTimes, telemetryAt, type ReadingGrid, type TelemetryMessage } from './device-signal.js'
import type { DevicePlan } from './fleet-plan.js'
import { InFlightWindow } from './in-flight.js'
import { createPacer, type Pacer } from './pacer.js'
import type { ProgressReporter } from './progress.js'
import { RunStop } from './run-stop.js'

/**
 * Unacknowledged telemetry messages one device may have on the wire. Enough to hide the
 * round trip on a local broker; small enough that a slow consumer pushes back quickly.
 */
const MAX_IN_FLIGHT_PER_DEVICE = 32

/** Acknowledged telemetry, counted as PUBACKs arrive. */
export interface PublishTally {
  messages: number
  readings: number
  perDevice: Record<string, number>
  /** Data-clock time of the latest acknowledged message. */
  lastTime: number | null
}

export interface FleetRun {
  /** Devices and their open connections, index by index. */
  devices: Array<{ plan: DevicePlan, connection: DeviceConnection }>
  grid: ReadingGrid
  speed: number
  progress: ProgressReporter | null
  signal: AbortSignal | undefined
}

interface DeviceRun {
  plan: DevicePlan
  connection: DeviceConnection
  grid: ReadingGrid
  pacer: Pacer
  stop: RunStop
  onAcknowledged: (plan: DevicePlan, message: TelemetryMessage) => void
}

/**
 * Publishes every device's readings, all devices concurrently, each in time order, paced by
 * the data clock. Resolves with what was acknowledged; rejects with the first failure.
 */
export async function publishFleet(run: FleetRun): Promise<{ tally: PublishTally, isAborted: boolean }> {
  const stop = new RunStop(run.signal, () => run.devices.forEach(({ connection }) => connection.terminate()))
  const pacer = createPacer(run.speed, run.grid.startTime)
  const tally = emptyTally(run.devices.map(({ plan }) => plan.deviceId))
  const onAcknowledged = (plan: DevicePlan, message: TelemetryMessage): void => {
    countAcknowledged(tally, plan.deviceId, message)
    run.progress?.update(tally.messages)
  }

  const planned = run.devices.reduce((sum, { plan }) => sum + plan.plannedMessages, 0)
  run.progress?.start(planned, 'simulating fleet')
  try {
    await Promise.all(run.devices.map(({ plan, connection }) =>
      publishDevice({ plan, connection, grid: run.grid, pacer, stop, onAcknowledged })))
  } finally {
    run.progress?.stop()
    stop.dispose()
  }

  stop.throwIfFailed()
  return { tally, isAborted: stop.isAborted }
}

/** Never rejects: a failure is handed to the run's stop, which ends every device's loop. */
async function publishDevice(run: DeviceRun): Promise<void> {
  const { plan, connection, stop } = run
  const window = new InFlightWindow(MAX_IN_FLIGHT_PER_DEVICE)
  try {
    await connection.announceOnline(run.grid.startTime)
    for (const time of readingTimes(run.grid, plan.failureAt)) {
      await run.pacer.waitFor(time, stop.signal)
      if (stop.signal.aborted) break

      const message = telemetryAt(plan.streams, plan.timeZone, time)
      await window.submit(async () => {
        await connection.publishTelemetry(message)
        run.onAcknowledged(plan, message)
      })
    }
    if (stop.signal.aborted) await window.settled()
    else await window.drain()
  } catch (err: unknown) {
    stop.fail(err)
    await window.settled()
  }
}

function emptyTally(deviceIds: string[]): PublishTally {
  return { messages: 0, readings: 0, perDevice: Object.fromEntries(deviceIds.map((id) => [id, 0])), lastTime: null }
}

function countAcknowledged(tally: PublishTally, deviceId: string, message: TelemetryMessage): void {
  tally.messages += 1
  tally.readings += Object.keys(message.metrics).length
  tally.perDevice[deviceId] = (tally.perDevice[deviceId] ?? 0) + 1
  tally.lastTime = Math.max(tally.lastTime ?? message.ts, message.ts)
}
