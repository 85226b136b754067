import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadFleet } from '../../core/index.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { AckedPublisher, pointsOf, sampleDevices, storedPoints } from './ingest-publisher.js'

const START = Date.now() - 86_400_000

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

interface Forewarn {
  child: ChildProcess
  exited: Promise<void>
  output: () => string
}

/** `npm start` as a child process: node with tsx's loader, so a SIGKILL reaches the service itself. */
function startForewarn(env: Record<string, string>): Forewarn {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FOREWARN_')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/start.ts'], {
    env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  })
  let tail = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, exited, output: () => tail }
}

async function waitUntilReady(forewarn: Forewarn, httpUrl: string): Promise<void> {
  await vi.waitFor(async () => {
    if (forewarn.child.exitCode !== null) throw new Error(`forewarn exited early:\n${forewarn.output()}`)
    const response = await fetch(`${httpUrl}/readyz`)
    expect(response.status).toBe(200)
  }, { timeout: 60_000, interval: 200 })
}

async function metric(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? Number.NaN : Number(line.split(' ')[1])
}

describe('ingest fault: Forewarn SIGKILLed mid-stream and restarted on the same data dir', () => {
  let influxd: InfluxdHandle
  let dataDir: string
  const running: Forewarn[] = []

  beforeAll(async () => {
    influxd = await startInfluxd({ database: 'crash' })
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-crash-'))
  })

  afterAll(async () => {
    for (const forewarn of running) forewarn.child.kill('SIGKILL')
    await influxd?.stop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  it('stores every acknowledged reading exactly once after the restart', async () => {
    const [mqttPort, httpPort] = [await freePort(), await freePort()]
    const env = {
      FOREWARN_DATA_DIR: dataDir, FOREWARN_MQTT_PORT: String(mqttPort), FOREWARN_HTTP_PORT: String(httpPort),
      FOREWARN_INFLUX_URL: influxd.url, FOREWARN_INFLUX_DATABASE: influxd.database, FOREWARN_LOG_LEVEL: 'warn',
    }
    const httpUrl = `http://127.0.0.1:${httpPort}`
    const devices = sampleDevices(loadFleet('fleet/sample.json'))
    const first = startForewarn(env)
    running.push(first)
    await waitUntilReady(first, httpUrl)

    const publisher = new AckedPublisher({ url: `mqtt://127.0.0.1:${mqttPort}`, devices, start: START, window: 16 })
    await publisher.start()
    await vi.waitFor(() => expect(publisher.acknowledged).toBeGreaterThan(3_000), { timeout: 60_000 })
    first.child.kill('SIGKILL')
    await first.exited
    await publisher.stop()

    const second = startForewarn(env)
    running.push(second)
    await waitUntilReady(second, httpUrl)
    await vi.waitFor(async () => expect(await metric(httpUrl, 'forewarn_ingest_spool_bytes')).toBe(0), { timeout: 60_000 })
    const replayed = await metric(httpUrl, 'forewarn_ingest_readings_replayed_total')
    second.child.kill('SIGTERM')
    await second.exited

    const acked = pointsOf(devices, START, (id) => publisher.tallies.get(id)?.acked ?? [])
    const unacked = pointsOf(devices, START, (id) => [...publisher.tallies.get(id)?.unacked ?? []])
    const stored = await storedPoints(influxd, acked.keys())
    const missing = [...acked].flatMap(([key, points]) => points
      .filter(([time, value]) => stored.get(key)?.filter((p) => p[0] === time && p[1] === value).length !== 1)
      .map((point) => [key, ...point]))
    const unexpected = [...stored].flatMap(([key, points]) => points
      .filter(([time, value]) => ![...acked.get(key) ?? [], ...unacked.get(key) ?? []]
        .some((p) => p[0] === time && p[1] === value))
      .map((point) => [key, ...point]))
    expect(missing).toEqual([])
    expect(unexpected).toEqual([])
    expect(replayed).toBeGreaterThan(0)
  })
})
