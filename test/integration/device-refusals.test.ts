import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, deviceTopic, loadConfig, loadFleet } from '../../core/index.js'
import { createService, type Service } from '../../app/service.js'

const credentials = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>

/** Publishes with Debian's mosquitto_pub, an MQTT client independent of ours. */
function mosquittoPub(port: number, deviceId: string, topic: string, message: string): Promise<number> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-i', deviceId, '-u', deviceId,
    '-P', credentials[deviceId] ?? '', '-q', '1', '-t', topic, '-m', message]
  return new Promise((resolve, reject) => {
    const child = spawn('mosquitto_pub', args, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? -1))
  })
}

async function metricValue(service: Service, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${service.httpUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(label))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

describe('device refusals, seen through the service\'s own metrics endpoint', () => {
  let service: Service
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-refusals-'))
    const config = loadConfig({ env: {}, overrides: { data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 } } })
    service = createService({
      config, fleet: loadFleet('fleet/sample.json'), logger: createLogger({ level: 'silent' }),
    })
    await service.start()
  })

  afterAll(async () => {
    await service?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('refuses a connection with a wrong secret and counts it', async () => {
    const client = mqtt.connect(service.mqttUrl, {
      clientId: 'dev-pump-01', username: 'dev-pump-01', password: 'wrong', reconnectPeriod: 0,
    })
    const error = await new Promise<Error>((resolve) => client.once('error', resolve))
    client.end(true)

    expect(error.message).toMatch(/Not authorized|Bad username or password/i)
    expect(await metricValue(service, 'forewarn_gateway_auth_failures_total', '')).toBeGreaterThanOrEqual(1)
  })

  it('refuses a publish to another device\'s topic, counts it and stores nothing', async () => {
    const before = service.ingest.stats().accepted
    const payload = JSON.stringify({ ts: Date.now(), metrics: { vibration_rms: 3 } })
    await mosquittoPub(service.gateway.port, 'dev-pump-01', deviceTopic('dev-pump-02', 'telemetry'), payload)

    expect(await metricValue(service, 'forewarn_gateway_rejected_total', 'topic_not_allowed')).toBe(1)
    expect(service.ingest.stats().accepted).toBe(before)
  })

  it('accepts the same device publishing under its own topic', async () => {
    const payload = JSON.stringify({ ts: Date.now(), metrics: { vibration_rms: 3 } })
    const exit = await mosquittoPub(service.gateway.port, 'dev-pump-01', deviceTopic('dev-pump-01', 'telemetry'), payload)
    await service.ingest.flush()

    expect(exit).toBe(0)
    expect(await service.ingest.count({ assetId: 'pump-01' })).toBe(1)
  })
})
