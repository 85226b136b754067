import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runFleetSimulation, type FleetSimulationOptions, type GroundTruth } from '../../simulator/index.js'
import { startTestBroker, unusedPort, type TestBroker } from './aedes-broker.js'
import { recordingProgress } from './recording-progress.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, START, sampleFleet } from './fixtures.js'

const { fleet, credentials } = sampleFleet()
let broker: TestBroker
let dir: string

beforeAll(async () => {
  broker = await startTestBroker(credentials)
  dir = mkdtempSync(join(tmpdir(), 'forewarn-sim-'))
})
afterAll(async () => {
  await broker.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  broker.messages.length = 0
})

function options(overrides: Partial<FleetSimulationOptions>): FleetSimulationOptions {
  return {
    brokerUrl: broker.url, fleet, credentials, startTime: START, durationMs: DAY_MS,
    intervalMs: 15 * MINUTE_MS, speed: 0, seed: 5, progress: null, ...overrides,
  }
}

function readTruth(file: string): GroundTruth {
  return JSON.parse(readFileSync(file, 'utf8')) as GroundTruth
}

describe('runFleetSimulation run', () => {
  it('counts every planned message once the broker has acknowledged it', async () => {
    const summary = await runFleetSimulation(options({}))

    const received = broker.messages.filter((message) => message.topic.endsWith('/telemetry'))
    expect(summary).toEqual({
      messagesPublished: 6 * 96,
      // pumps report 3 metrics, compressors and elevators 2
      readingsPublished: 96 * (3 + 3 + 2 + 2 + 2 + 2),
      perDevice: {
        'dev-pump-01': 96, 'dev-pump-02': 96, 'dev-comp-01': 96, 'dev-comp-02': 96, 'dev-elev-01': 96, 'dev-elev-02': 96,
      },
      startTime: START,
      endTime: START + DAY_MS,
      failures: [],
    })
    expect(received).toHaveLength(summary.messagesPublished)
  })

  it('reports progress against the planned number of messages', async () => {
    const progress = recordingProgress()

    await runFleetSimulation(options({ deviceIds: ['dev-pump-01', 'dev-comp-01'], progress }))

    expect(progress.calls).toEqual(['start 192 simulating fleet', 'last update 192', 'stop'])
  })

  it('writes the ground truth with the failures and the published counts', async () => {
    const file = join(dir, 'truth', 'ground-truth.json')
    const failureAt = START + 20 * HOUR_MS
    await runFleetSimulation(options({
      deviceIds: ['dev-comp-02', 'dev-elev-01'],
      degradations: [{ assetId: 'compressor-02', metric: 'discharge_temp', failureAt }],
      groundTruthFile: file,
    }))

    const compressor = {
      deviceId: 'dev-comp-02', assetId: 'compressor-02', siteId: 'harbor-tower-a', equipmentType: 'compressor',
      metrics: ['discharge_temp', 'motor_current'], failureAt, plannedMessages: 81, publishedMessages: 81,
    }
    const elevator = {
      deviceId: 'dev-elev-01', assetId: 'elevator-01', siteId: 'harbor-tower-a', equipmentType: 'elevator',
      metrics: ['door_close_time', 'motor_temp'], failureAt: null, plannedMessages: 96, publishedMessages: 96,
    }
    expect(readTruth(file)).toEqual({
      runId: expect.any(String) as string, seed: 5, status: 'completed',
      startTime: START, endTime: START + DAY_MS, intervalMs: 15 * MINUTE_MS, speed: 0,
      devices: [compressor, elevator],
      failures: [{
        assetId: 'compressor-02', deviceId: 'dev-comp-02', metric: 'discharge_temp',
        failureMode: 'cooler_fouling', onset: failureAt - 4 * DAY_MS, failureAt,
      }],
      messagesPlanned: 177, messagesPublished: 177, readingsPublished: 354,
    })
  })

  it('leaves the ground truth of a run that could not finish, marked running', async () => {
    const file = join(dir, 'crashed.json')
    const brokerUrl = `mqtt://127.0.0.1:${await unusedPort()}`

    await expect(runFleetSimulation(options({ brokerUrl, groundTruthFile: file })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_BROKER_UNREACHABLE' })
    expect(readTruth(file)).toMatchObject({ status: 'running', messagesPlanned: 6 * 96, messagesPublished: 0 })
  })

  it('paces rounds by the data clock at the given speed', async () => {
    const startedAt = Date.now()
    // 10 rounds one data minute apart at 1200x: the last round is due 9 * 50 ms after the first.
    const summary = await runFleetSimulation(options({
      durationMs: 10 * MINUTE_MS, intervalMs: MINUTE_MS, speed: 1_200, deviceIds: ['dev-pump-01'],
    }))

    expect(summary.messagesPublished).toBe(10)
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400)
  })

  it('stops early on abort and reports what was acknowledged', async () => {
    const abort = new AbortController()
    const file = join(dir, 'aborted.json')
    // One data hour per wall second: a full day would take 24 s.
    const run = runFleetSimulation(options({ speed: HOUR_MS / 1000, signal: abort.signal, groundTruthFile: file }))
    setTimeout(() => abort.abort(), 300)
    const summary = await run

    expect(summary.messagesPublished).toBeGreaterThan(0)
    expect(summary.messagesPublished).toBeLessThan(6 * 96)
    expect(summary.endTime).toBeLessThan(START + DAY_MS)
    expect(readTruth(file)).toMatchObject({ status: 'aborted', messagesPublished: summary.messagesPublished })
  })
})

describe('runFleetSimulation errors', () => {
  it('rejects a device whose secret the broker refuses', async () => {
    const wrong = { ...credentials, 'dev-pump-01': 'not-the-secret' }

    await expect(runFleetSimulation(options({ credentials: wrong })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_AUTH_REJECTED', details: { deviceId: 'dev-pump-01' } })
  })

  it('names the devices that have no credentials', async () => {
    const partial = Object.fromEntries(Object.entries(credentials).filter(([deviceId]) => deviceId !== 'dev-elev-02'))

    await expect(runFleetSimulation(options({ credentials: partial })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_CREDENTIALS_MISSING', details: { deviceIds: ['dev-elev-02'] } })
  })

  it('refuses unknown devices', async () => {
    await expect(runFleetSimulation(options({ deviceIds: ['dev-pump-01', 'dev-nope'] })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_DEVICE_UNKNOWN', details: { deviceIds: ['dev-nope'] } })
  })

  it('refuses degradations it cannot simulate, listing each problem', async () => {
    const degradations = [
      { assetId: 'pump-01', metric: 'flow_rate', failureAt: START + HOUR_MS },
      { assetId: 'pump-09', metric: 'vibration_rms', failureAt: START + HOUR_MS },
      { assetId: 'pump-02', metric: 'vibration_rms', failureAt: START - HOUR_MS },
    ]

    await expect(runFleetSimulation(options({ degradations }))).rejects.toMatchObject({
      code: 'FW_ERR_SIM_DEGRADATION_INVALID',
      details: {
        problems: [
          'degradations[0]: metric flow_rate of pump has no failureLimit',
          'degradations[1]: unknown asset pump-09',
          `degradations[2]: failureAt ${START - HOUR_MS} is before startTime ${START}`,
        ],
      },
    })
  })

  it('refuses invalid run options, naming the option', async () => {
    await expect(runFleetSimulation(options({ intervalMs: 0 })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_OPTIONS_INVALID', details: { option: 'intervalMs', value: 0 } })
    await expect(runFleetSimulation(options({ brokerUrl: 'http://127.0.0.1:1' })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_OPTIONS_INVALID', details: { option: 'brokerUrl' } })
  })
})
