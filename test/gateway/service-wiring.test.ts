import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLogger, deviceTopic, loadConfig, loadFleet, type Signal, type WorkOrder,
} from '../../core/index.js'
import { createService, type Service } from '../../app/service.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { until } from './harness.js'
import { publishFrame, RawClient } from './raw-mqtt.js'

const credentials = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>

/*
 * The gateway inside the whole service (app/service.ts), on real influxd: what its wiring
 * promises beyond the gateway's own tests.
 */
describe('gateway wiring in the service', () => {
  let influx: InfluxdHandle
  let service: Service
  let dataDir: string
  const signals: Signal[] = []
  const opened: Array<[WorkOrder, Signal]> = []

  beforeAll(async () => {
    influx = await startInfluxd({ database: 'forewarn_gw_service' })
    dataDir = mkdtempSync(join(tmpdir(), 'forewarn-gw-service-'))
    const config = loadConfig({
      env: {},
      overrides: {
        data: { dir: dataDir },
        // Silence after 3 learnt intervals (a few ms here) but not before 300 ms, checked every 20 ms.
        mqtt: { port: 0, silenceMinMs: 300, silenceCheckIntervalMs: 20 },
        http: { port: 0 },
        influx: { url: influx.url, database: influx.database },
      },
    })
    service = createService({
      config, fleet: loadFleet('fleet/sample.json'), logger: createLogger({ level: 'silent' }),
      onSignal: (signal) => signals.push(signal),
      onWorkOrderOpened: (workOrder, signal) => opened.push([workOrder, signal]),
    })
    await service.start()
  })

  afterAll(async () => {
    await service?.stop()
    await influx?.stop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  async function rawDevice(deviceId: string): Promise<RawClient> {
    const raw = await RawClient.open(service.gateway.port)
    await raw.connect(deviceId, deviceId, credentials[deviceId] ?? '')
    return raw
  }

  it('stores a QoS 1 reading redelivered with DUP once, and signals a redelivered fault once', async () => {
    const raw = await rawDevice('dev-pump-01')
    const telemetry = deviceTopic('dev-pump-01', 'telemetry')
    const fault = { topic: deviceTopic('dev-pump-01', 'events'), payload: '{"code":"E17","detail":"seal leak"}' }
    raw.write(publishFrame({ topic: telemetry, payload: '{"flow_rate":118}', qos: 1, messageId: 11 }))
    raw.write(publishFrame({ topic: telemetry, payload: '{"flow_rate":118}', qos: 1, messageId: 11, dup: true }))
    raw.write(publishFrame({ ...fault, qos: 1, messageId: 12 }))
    raw.write(publishFrame({ ...fault, qos: 1, messageId: 12, dup: true }))
    await raw.waitForPubacks(4)
    raw.write(publishFrame({ topic: deviceTopic('dev-pump-01', 'status'), payload: 'offline', qos: 1, messageId: 13 }))
    await raw.waitForPubacks(5)
    raw.close()
    await service.ingest.flush()

    expect(await service.ingest.count({ assetId: 'pump-01', metric: 'flow_rate' })).toBe(1)
    expect(signals.filter((s) => s.kind === 'device_fault').map((s) => s.evidence.summary)).toEqual([
      expect.stringContaining('E17') as string,
    ])
  })

  it('stores a metric sent first as an integer, then as a fraction, through ingest into InfluxDB', async () => {
    const raw = await rawDevice('dev-comp-02')
    const topic = deviceTopic('dev-comp-02', 'telemetry')
    const ts = Date.UTC(2026, 11, 3, 12)
    raw.write(publishFrame({ topic, payload: `{"ts":${ts},"discharge_temp":20}`, qos: 1, messageId: 1 }))
    raw.write(publishFrame({ topic, payload: `{"ts":${ts + 1000},"discharge_temp":20.5}`, qos: 1, messageId: 2 }))
    raw.write(publishFrame({ topic: deviceTopic('dev-comp-02', 'status'), payload: 'offline', qos: 1, messageId: 3 }))
    await raw.waitForPubacks(3)
    raw.close()
    await service.ingest.flush()

    const points = await service.ingest.query({ assetId: 'compressor-02', metric: 'discharge_temp', from: ts, to: ts + 2000 })
    expect(points).toEqual([{ time: ts, value: 20 }, { time: ts + 1000, value: 20.5 }])
  })

  it('turns a device that falls silent into a silent_device Signal that dispatch acts on', async () => {
    const raw = await rawDevice('dev-comp-01')
    for (let id = 1; id <= 5; id++) {
      raw.write(publishFrame({ topic: deviceTopic('dev-comp-01', 'telemetry'), payload: `{"motor_current":${30 + id}}`, qos: 1, messageId: id }))
      await raw.waitForPubacks(id)
    }

    await until(() => opened.some(([, signal]) => signal.kind === 'silent_device'))

    const [workOrder, signal] = opened.find(([, s]) => s.kind === 'silent_device') ?? []
    expect(signal).toMatchObject({ assetId: 'compressor-01', kind: 'silent_device', failureMode: 'telemetry_lost' })
    expect(signal?.evidence.summary).toMatch(/^Device dev-comp-01 has sent no telemetry since /)
    expect(workOrder).toMatchObject({ assetId: 'compressor-01', signalIds: [signal?.id] })

    // The device reports again before anyone is on the way: the connectivity visit is called off.
    raw.write(publishFrame({ topic: deviceTopic('dev-comp-01', 'telemetry'), payload: '{"motor_current":36}', qos: 1, messageId: 6 }))
    await raw.waitForPubacks(6)
    await until(() => service.dispatch.getWorkOrder(workOrder?.id ?? '')?.status === 'cancelled')
    raw.close()
    expect(service.dispatch.getWorkOrder(workOrder?.id ?? '')?.history.at(-1)).toMatchObject({
      by: 'forewarn-gateway', action: 'cancelled', reason: expect.stringMatching(/^device dev-comp-01 reports again/),
    })
  })

  it('lists refused messages at GET /api/dead-letters, newest first, and refuses a bad query', async () => {
    const raw = await rawDevice('dev-elev-01')
    raw.write(publishFrame({ topic: deviceTopic('dev-elev-01', 'telemetry'), payload: '{"motor_temp":null}', qos: 1, messageId: 1 }))
    raw.write(publishFrame({ topic: deviceTopic('dev-elev-01', 'telemetry'), payload: '{"ts":5,"motor_temp":1}', qos: 1, messageId: 2 }))
    await raw.waitForPubacks(2)
    raw.close()

    const { key } = service.http.keys.create({ name: 'operator', role: 'admin' })
    const headers = { authorization: `Bearer ${key}` }
    const response = await fetch(`${service.httpUrl}/api/dead-letters?deviceId=dev-elev-01&limit=5`, { headers })
    const body = await response.json() as { items: Array<{ reason: string }> }
    const bad = await fetch(`${service.httpUrl}/api/dead-letters?limit=-1`, { headers })

    expect([response.status, body.items.map((d) => d.reason)]).toEqual([200, ['timestamp_invalid', 'value_missing']])
    expect([bad.status, await bad.json()]).toEqual([400, expect.objectContaining({ code: 'FW_ERR_HTTP_VALIDATION' })])
  })
})
