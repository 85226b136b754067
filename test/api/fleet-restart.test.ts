import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createService, type Service } from '../../app/service.js'
import { createLogger, deviceTopic, loadConfig, loadServiceFleet } from '../../core/index.js'
import { mosquittoPub, refusedConnect } from '../gateway/harness.js'
import { buildTestFleet } from '../helpers/test-fleet.js'

/*
 * Runtime fleet changes survive a restart: the service is started twice on one data
 * directory, the way `npm start` loads its fleet (loadServiceFleet), and a real MQTT client
 * checks what the second run lets in.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'forewarn-fleet-restart-'))
const seed = join(dataDir, 'seed-fleet.json')
const { fleet: seedFleet, credentials } = buildTestFleet()
writeFileSync(seed, JSON.stringify(seedFleet.data))

interface Run {
  service: Service
  logs: Array<Record<string, unknown>>
  admin: string
}

async function startRun(): Promise<Run> {
  const config = loadConfig({
    env: {},
    overrides: { data: { dir: dataDir }, fleet: { file: seed }, mqtt: { port: 0 }, http: { port: 0 } },
  })
  const logs: Array<Record<string, unknown>> = []
  const destination = {
    write: (line: string) => {
      logs.push(JSON.parse(line) as Record<string, unknown>)
    },
  }
  const logger = createLogger({ level: 'info', destination })
  const service = createService({ config, fleet: loadServiceFleet(config, logger), logger })
  await service.start()
  const admin = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim()
  return { service, logs, admin }
}

async function post(run: Run, url: string, body?: unknown): Promise<{ status: number, body: Record<string, unknown> }> {
  const response = await run.service.http.app.inject({
    method: 'POST', url, headers: { authorization: `Bearer ${run.admin}` }, ...(body === undefined ? {} : { payload: body as object }),
  })
  return { status: response.statusCode, body: response.json() as Record<string, unknown> }
}

function fleetLoaded(run: Run): unknown {
  return run.logs.find((line) => String(line.msg).startsWith('fleet loaded'))
}

function publish(run: Run, deviceId: string, secret: string, metric: string): Promise<{ code: number }> {
  const message = JSON.stringify({ ts: Date.now(), metrics: { [metric]: 20 } })
  const topic = deviceTopic(deviceId, 'telemetry')
  return mosquittoPub({ port: run.service.gateway.port, deviceId, secret, topic, message })
}

function refusal(run: Run, deviceId: string, secret: string): Promise<number> {
  return refusedConnect(run.service.mqttUrl, { clientId: deviceId, username: deviceId, password: secret })
}

describe('fleet changes across a restart', () => {
  let run: Run
  const secrets: Record<string, string> = {}
  afterAll(async () => {
    await run.service.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('starts from the fleet file, then registers, rotates and disables through the API', async () => {
    run = await startRun()
    const registered = await post(run, '/api/devices', { id: 'dev-late', assetId: 'compressor-2' })
    const rotated = await post(run, '/api/devices/dev-pump-1/rotate-secret')
    const disabled = await post(run, '/api/devices/dev-elev-1/disable')
    secrets['dev-late'] = String(registered.body.secret)
    secrets['dev-pump-1'] = String(rotated.body.secret)
    await run.service.stop()

    expect(fleetLoaded(run)).toMatchObject({ msg: 'fleet loaded from the fleet file', file: seed })
    expect([registered.status, rotated.status, disabled.status]).toEqual([201, 200, 200])
  })

  it('after a restart loads the saved fleet and lets the registered device publish', async () => {
    run = await startRun()
    const published = await publish(run, 'dev-late', secrets['dev-late'] ?? '', 'motor_current')
    await run.service.ingest.flush()

    expect(fleetLoaded(run)).toMatchObject({ msg: 'fleet loaded from the data directory', file: join(dataDir, 'fleet.json') })
    expect(published.code).toBe(0)
    expect(await run.service.ingest.count({ assetId: 'compressor-2' })).toBe(1)
  })

  it('after a restart keeps the rotated secret and the disabled device', async () => {
    expect(await refusal(run, 'dev-pump-1', credentials['dev-pump-1'] ?? '')).toBe(4)
    expect((await publish(run, 'dev-pump-1', secrets['dev-pump-1'] ?? '', 'vibration_rms')).code).toBe(0)
    expect(await refusal(run, 'dev-elev-1', credentials['dev-elev-1'] ?? '')).toBe(5)
  })

  it('warns when the fleet file changed after the saved fleet, and keeps the saved one', async () => {
    await run.service.stop()
    const later = new Date(statSync(join(dataDir, 'fleet.json')).mtimeMs + 60_000)
    utimesSync(seed, later, later)
    run = await startRun()

    expect(run.logs.find((line) => line.level === 40 && String(line.msg).includes('fleet file changed'))).toMatchObject({
      file: join(dataDir, 'fleet.json'), seed,
    })
    expect(fleetLoaded(run)).toMatchObject({ msg: 'fleet loaded from the data directory' })
  })
})
