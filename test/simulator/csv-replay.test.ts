import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { replayCsv, type ReplayOptions } from '../../simulator/index.js'
import { startTestBroker, unusedPort, type TestBroker } from './aedes-broker.js'
import { recordingProgress } from './recording-progress.js'

const DEVICE_ID = 'dev-replay'
const SECRET = 'replay-secret'
const T0 = Date.parse('2014-02-01T00:00:00Z')
const MINUTE_MS = 60_000
let broker: TestBroker
let dir: string

beforeAll(async () => {
  broker = await startTestBroker({ [DEVICE_ID]: SECRET })
  dir = mkdtempSync(join(tmpdir(), 'forewarn-replay-'))
})
afterAll(async () => {
  await broker.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  broker.messages.length = 0
})

function csvFile(name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function options(file: string, overrides: Partial<ReplayOptions> = {}): ReplayOptions {
  return { file, brokerUrl: broker.url, deviceId: DEVICE_ID, secret: SECRET, progress: null, ...overrides }
}

function telemetryPayloads(): string[] {
  return broker.messages.filter((m) => m.topic === `forewarn/v1/devices/${DEVICE_ID}/telemetry`).map((m) => m.payload)
}

describe('replayCsv', () => {
  it('publishes every good row in order and skips bad rows with their line numbers', async () => {
    const file = csvFile('mixed.csv', [
      'timestamp,value',
      '2014-02-01 00:00:00,71.5',
      '2014-02-01 00:05:00,72.25',
      'not-a-time,73',
      '2014-02-01 00:15:00,',
      '',
      '2014-02-01T00:20:00Z,74.5',
      '2014-02-01T02:25:00+02:00,-3e-2',
    ].join('\n'))

    const summary = await replayCsv(options(file, { metric: 'temperature' }))

    expect(summary).toEqual({
      rowsRead: 6,
      published: 4,
      skipped: [
        { line: 4, reason: 'unparseable time "not-a-time"' },
        { line: 5, reason: 'unparseable value ""' },
      ],
      firstTime: T0,
      lastTime: T0 + 25 * MINUTE_MS,
    })
    expect(telemetryPayloads()).toEqual([
      `{"ts":${T0},"metrics":{"temperature":71.5}}`,
      `{"ts":${T0 + 5 * MINUTE_MS},"metrics":{"temperature":72.25}}`,
      `{"ts":${T0 + 20 * MINUTE_MS},"metrics":{"temperature":74.5}}`,
      `{"ts":${T0 + 25 * MINUTE_MS},"metrics":{"temperature":-0.03}}`,
    ])
  })

  it('publishes with QoS 1 under the "value" metric by default, also the row after the last newline', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${new Date(T0 + i * MINUTE_MS).toISOString()},${i}`)
    const withNewline = csvFile('newline.csv', `timestamp,value\n${rows.join('\n')}\n`)
    const without = csvFile('no-newline.csv', `timestamp,value\n${rows.join('\n')}`)

    const first = await replayCsv(options(withNewline))
    const second = await replayCsv(options(without))

    const qos = broker.messages.filter((m) => m.topic.endsWith('/telemetry')).map((m) => m.qos)
    expect([first.published, second.published]).toEqual([50, 50])
    expect(qos).toEqual(Array(100).fill(1))
    expect(telemetryPayloads().at(-1)).toBe(`{"ts":${T0 + 49 * MINUTE_MS},"metrics":{"value":49}}`)
  })

  it('marks the device online at the first row and offline at the last, both retained', async () => {
    const file = csvFile('status.csv', 'timestamp,value\n2014-02-01 00:00:00,1\n2014-02-01 00:05:00,2\n')

    await replayCsv(options(file))

    const status = broker.messages.filter((m) => m.topic.endsWith('/status')).map((m) => [m.payload, m.retain])
    expect(status).toEqual([
      [`{"status":"online","ts":${T0}}`, true],
      [`{"status":"offline","ts":${T0 + 5 * MINUTE_MS}}`, true],
    ])
  })

  it('lists at most 100 skipped rows but counts them all', async () => {
    const bad = Array.from({ length: 150 }, () => '2014-02-30 00:00:00,1')
    const file = csvFile('many-bad.csv', ['timestamp,value', ...bad, '2014-02-01 00:00:00,1'].join('\n'))

    const summary = await replayCsv(options(file))

    expect([summary.rowsRead, summary.published, summary.skipped.length]).toEqual([151, 1, 100])
    expect(summary.skipped[99]).toEqual({ line: 101, reason: 'unparseable time "2014-02-30 00:00:00"' })
  })

  it('paces rows by their timestamps when a speed is given', async () => {
    const rows = [0, 1, 2, 3].map((i) => `${new Date(T0 + i * 1000).toISOString()},${i}`)
    const file = csvFile('paced.csv', `timestamp,value\n${rows.join('\n')}\n`)
    const startedAt = Date.now()

    // 3 data seconds at 20x: the last row is due 150 ms after the first.
    const summary = await replayCsv(options(file, { speed: 20 }))

    expect(summary.published).toBe(4)
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(120)
  })

  it('reports progress against the number of rows in the file', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${new Date(T0 + i * MINUTE_MS).toISOString()},${i}`)
    const file = csvFile('progress.csv', `timestamp,value\n${rows.join('\n')}`)
    const progress = recordingProgress()

    await replayCsv(options(file, { progress }))

    expect(progress.calls).toEqual(['start 30 replaying progress.csv', 'last update 30', 'stop'])
  })

  it('refuses a missing file before connecting', async () => {
    const brokerUrl = `mqtt://127.0.0.1:${await unusedPort()}`

    await expect(replayCsv(options(join(dir, 'absent.csv'), { brokerUrl })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_CSV_NOT_FOUND', details: { file: join(dir, 'absent.csv') } })
  })

  it('reports an unreachable broker with a coded error', async () => {
    const file = csvFile('one.csv', 'timestamp,value\n2014-02-01 00:00:00,1\n')
    const brokerUrl = `mqtt://127.0.0.1:${await unusedPort()}`

    await expect(replayCsv(options(file, { brokerUrl })))
      .rejects.toMatchObject({ code: 'FW_ERR_SIM_BROKER_UNREACHABLE', details: { brokerUrl, deviceId: DEVICE_ID } })
  })
})
