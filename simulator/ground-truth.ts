import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { SimulatorError } from './errors.js'
import type { FailureTruth } from './fleet-plan.js'

/** One simulated device in the ground truth. */
export interface GroundTruthDevice {
  deviceId: string
  assetId: string
  siteId: string
  equipmentType: string
  metrics: string[]
  /** When the device fails and goes silent; null when it stays healthy. */
  failureAt: number | null
  plannedMessages: number
  /** Acknowledged telemetry messages; 0 until the run ends. */
  publishedMessages: number
}

/**
 * What an evaluation needs to score a run: which parts fail when, and what was sent.
 * `status` is 'running' in the copy written at the start, so a crashed run is recognisable.
 */
export interface GroundTruth {
  runId: string
  seed: number
  status: 'running' | 'completed' | 'aborted'
  startTime: number
  endTime: number
  intervalMs: number
  speed: number
  devices: GroundTruthDevice[]
  failures: FailureTruth[]
  messagesPlanned: number
  messagesPublished: number
  readingsPublished: number
}

/** Writes the file atomically (temp file, then rename), so readers never see half of it. */
export async function writeGroundTruth(file: string, truth: GroundTruth): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  try {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(temp, `${JSON.stringify(truth, null, 2)}\n`)
    await rename(temp, file)
  } catch (err: unknown) {
    throw new SimulatorError('FW_ERR_SIM_GROUND_TRUTH_WRITE_FAILED',
      `groundTruthFile: could not write ${file}`, { cause: err, details: { file } })
  }
}
