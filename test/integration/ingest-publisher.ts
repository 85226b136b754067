import { readFileSync } from 'node:fs'
import { connectAsync, type MqttClient } from 'mqtt'
import { deviceTopic, type Fleet } from '../../core/index.js'
import type { InfluxdHandle } from '../helpers/influxd.js'

/** A device of the sample fleet with its secret and the metrics its equipment type has. */
export interface SampleDevice {
  deviceId: string
  assetId: string
  secret: string
  metrics: string[]
}

/** Every sample-fleet device whose equipment type has metrics. */
export function sampleDevices(fleet: Fleet): SampleDevice[] {
  const secrets = JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as Record<string, string>
  return fleet.data.devices.flatMap((device) => {
    const asset = fleet.asset(device.assetId)
    const metrics = Object.keys(fleet.equipmentType(asset?.equipmentType ?? '')?.metrics ?? {})
    const secret = secrets[device.id]
    if (metrics.length === 0 || secret === undefined) return []
    return [{ deviceId: device.id, assetId: device.assetId, secret, metrics }]
  })
}

/** Message i of a device: one second apart, values inside every metric's physical range. */
export function messageAt(device: SampleDevice, start: number, i: number) {
  const metrics = Object.fromEntries(device.metrics.map((metric, k) => [metric, 5 + (i % 400) / 10 + k / 1000]))
  return { ts: start + i * 1_000, metrics }
}

/** What one device got acknowledged, and what it sent without an acknowledgement. */
export interface DeviceTally {
  acked: number[]
  unacked: Set<number>
}

/**
 * Publishes each device's messages 0, 1, 2, … at QoS 1 with up to `window` unacknowledged on
 * the wire, recording every PUBACK, until `stop()` or the connection closes. A message whose
 * acknowledgement never came (the broker died) stays in `unacked`.
 */
export class AckedPublisher {
  readonly tallies = new Map<string, DeviceTally>()
  readonly #clients: MqttClient[] = []
  #isStopped = false
  #runs: Promise<void>[] = []

  constructor(readonly options: { url: string, devices: SampleDevice[], start: number, window: number }) {}

  async start(): Promise<void> {
    for (const device of this.options.devices) {
      const client = await connectAsync(this.options.url, {
        clientId: device.deviceId, username: device.deviceId, password: device.secret, reconnectPeriod: 0,
      })
      this.#clients.push(client)
      const tally: DeviceTally = { acked: [], unacked: new Set() }
      this.tallies.set(device.deviceId, tally)
      this.#runs.push(this.#run(client, device, tally))
    }
  }

  get acknowledged(): number {
    return [...this.tallies.values()].reduce((sum, tally) => sum + tally.acked.length, 0)
  }

  /** Stops publishing and waits for outstanding acknowledgements (or the connection's end). */
  async stop(): Promise<void> {
    this.#isStopped = true
    await Promise.all(this.#runs)
    for (const client of this.#clients) client.end(true)
  }

  async #run(client: MqttClient, device: SampleDevice, tally: DeviceTally): Promise<void> {
    const closed = new Promise<void>((resolve) => client.once('close', resolve))
    const inFlight = new Set<Promise<void>>()
    const topic = deviceTopic(device.deviceId, 'telemetry')
    for (let i = 0; !this.#isStopped && client.connected; i++) {
      const payload = JSON.stringify(messageAt(device, this.options.start, i))
      tally.unacked.add(i)
      const sent = client.publishAsync(topic, payload, { qos: 1 }).then(() => {
        tally.unacked.delete(i)
        tally.acked.push(i)
      }, () => {
        // No PUBACK (the connection closed): the message stays in `unacked`, which is the record.
      })
      inFlight.add(sent)
      void sent.then(() => inFlight.delete(sent))
      if (inFlight.size >= this.options.window) await Promise.race([...inFlight, closed])
    }
    await Promise.race([Promise.all(inFlight), closed])
  }
}

type Point = [time: number, value: number]

/** Per series (`assetId/metric`), the points of the given message indices, in time order. */
export function pointsOf(devices: SampleDevice[], start: number, indices: (deviceId: string) => number[]) {
  const series = new Map<string, Point[]>()
  for (const device of devices) {
    for (const i of [...indices(device.deviceId)].sort((a, b) => a - b)) {
      const message = messageAt(device, start, i)
      for (const [metric, value] of Object.entries(message.metrics)) {
        const key = `${device.assetId}/${metric}`
        const points = series.get(key) ?? []
        points.push([message.ts, value])
        series.set(key, points)
      }
    }
  }
  return series
}

/** Per series, every point InfluxDB holds, in time order (duplicates would show twice). */
export async function storedPoints(influxd: InfluxdHandle, keys: Iterable<string>): Promise<Map<string, Point[]>> {
  const stored = new Map<string, Point[]>()
  for (const key of keys) {
    const [assetId, metric] = key.split('/') as [string, string]
    const q = `SELECT value FROM telemetry WHERE asset_id = '${assetId}' AND metric = '${metric}'`
    const params = new URLSearchParams({ db: influxd.database, epoch: 'ms', q })
    const body = await (await fetch(`${influxd.url}/query?${params}`)).json() as {
      results: Array<{ series?: Array<{ values: Point[] }> }>
    }
    stored.set(key, body.results[0]?.series?.[0]?.values ?? [])
  }
  return stored
}
