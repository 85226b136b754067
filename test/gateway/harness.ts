import { spawn, type ChildProcess } from 'node:child_process'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import {
  createLogger, createMetricsRegistry, loadConfig, type Clock, type ConfigOverrides, type DeviceEvent, type Fleet,
  type Reading, type Registry,
} from '../../core/index.js'
import { createGateway, type Gateway } from '../../gateway/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'

/** A gateway on a free port with recorded outputs, plus MQTT clients that are closed with it. */
export interface Harness {
  gateway: Gateway
  registry: Registry
  fleet: Fleet
  credentials: Record<string, string>
  readings: Reading[]
  events: DeviceEvent[]
  /** Parsed pino records at info and above. */
  logs: Array<Record<string, unknown>>
  /** Connects as the device (clientId = user name = device id) with its secret unless overridden. */
  connect(deviceId: string, options?: IClientOptions): Promise<MqttClient>
  close(): Promise<void>
}

export interface HarnessOptions {
  maxMessageBytes?: number
  /** Any other mqtt.* settings. */
  mqtt?: ConfigOverrides['mqtt']
  clock?: Clock
  /** Replaces the default, which records and resolves at once. */
  onReadings?: (readings: Reading[]) => Promise<void>
  /** Replaces the test fleet (same devices and secrets expected). */
  fleet?: Fleet
  /** Default 'info'. */
  logLevel?: string
}

export async function startGateway(options: HarnessOptions = {}): Promise<Harness> {
  const built = buildTestFleet()
  const fleet = options.fleet ?? built.fleet
  const { credentials } = built
  const registry = createMetricsRegistry({ defaultMetrics: false })
  const readings: Reading[] = []
  const events: DeviceEvent[] = []
  const logs: Array<Record<string, unknown>> = []
  const clients: MqttClient[] = []

  const config = loadConfig({
    env: {},
    overrides: {
      mqtt: { host: '127.0.0.1', port: 0, maxMessageBytes: options.maxMessageBytes ?? 262_144, ...options.mqtt },
    },
  })
  const gateway = createGateway({
    config,
    fleet,
    logger: createLogger({ level: options.logLevel ?? 'info', destination: memoryDestination(logs) }),
    metrics: registry,
    onReadings: options.onReadings ?? (async (batch) => { readings.push(...batch) }),
    onDeviceEvent: (event) => events.push(event),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  })
  await gateway.start()

  const connect = async (deviceId: string, clientOptions: IClientOptions = {}): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(gateway.url, {
      clientId: deviceId, username: deviceId, password: credentials[deviceId], reconnectPeriod: 0, ...clientOptions,
    })
    clients.push(client)
    return client
  }
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((client) => client.endAsync(true)))
    await gateway.stop()
  }
  return { gateway, registry, fleet, credentials, readings, events, logs, connect, close }
}

/** Connects expecting a refusal; resolves with the CONNACK return code mqtt.js reports. */
export async function refusedConnect(url: string, options: IClientOptions): Promise<number> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, ...options })
  const error = await new Promise<Error & { code?: unknown }>((resolve) => client.once('error', resolve))
  await client.endAsync(true)
  return typeof error.code === 'number' ? error.code : -1
}

/** A labelled counter's value in the registry, 0 when the series does not exist yet. */
export async function counterValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name)
  if (metric === undefined) throw new Error(`metric ${name} is not registered`)
  const { values } = await metric.get()
  const match = values.find((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v))
  return match?.value ?? 0
}

export interface MosquittoPubOptions {
  port: number
  deviceId: string
  secret: string
  topic: string
  message: string
  /** Default 1. */
  qos?: 0 | 1 | 2
  retain?: boolean
}

/** Publishes one message with Debian's mosquitto_pub; resolves with its exit code and stderr. */
export async function mosquittoPub(options: MosquittoPubOptions): Promise<{ code: number, stderr: string }> {
  const args = [
    ...mosquittoLogin(options.port, options.deviceId, options.secret),
    '-q', String(options.qos ?? 1), '-t', options.topic, '-m', options.message, ...(options.retain === true ? ['-r'] : []),
  ]
  const { code, stderr } = await runMosquitto('mosquitto_pub', args)
  return { code, stderr }
}

/** Host, port and credentials arguments of mosquitto_pub and mosquitto_sub for a device. */
export function mosquittoLogin(port: number, deviceId: string, secret: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-i', deviceId, '-u', deviceId, '-P', secret]
}

/** Starts a mosquitto client; `done` resolves with its exit code (or signal) and output. */
export function spawnMosquitto(command: 'mosquitto_pub' | 'mosquitto_sub', args: string[]): {
  child: ChildProcess
  done: Promise<{ code: number | string, stdout: string, stderr: string }>
} {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const done = new Promise<{ code: number | string, stdout: string, stderr: string }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? signal ?? -1, stdout, stderr }))
  })
  return { child, done }
}

/** Runs a mosquitto client to its end. */
export async function runMosquitto(
  command: 'mosquitto_pub' | 'mosquitto_sub',
  args: string[],
): Promise<{ code: number, stdout: string, stderr: string }> {
  const { code, stdout, stderr } = await spawnMosquitto(command, args).done
  return { code: typeof code === 'number' ? code : -1, stdout, stderr }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (err: Error) => void
}

/** A promise with its resolve and reject exposed, for holding a callback open. */
export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined
  let reject: (err: Error) => void = () => undefined
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

// pino writes one JSON line per call; a plain object records them synchronously.
function memoryDestination(records: Array<Record<string, unknown>>): { write(line: string): void } {
  return {
    write(line: string) {
      records.push(JSON.parse(line) as Record<string, unknown>)
    },
  }
}

/** Waits for a condition that the broker makes true on its own schedule (a disconnect). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}
