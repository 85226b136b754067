import type { Socket } from 'node:net'
import { connectWire, encodedTopic, publishPacket } from './mqtt-wire.js'

/**
 * The load generator, run as a child process by bench/ingest.ts (IPC): one MQTT session per
 * device, each keeping `window` QoS 1 messages unacknowledged on the wire, as fast as PUBACKs
 * come back or, with `rate`, at that many messages per second in total. Each message carries
 * `ts` = the wall clock at sending, so the pipeline side can measure publish-to-stored.
 */
export interface GeneratorJob {
  host: string
  port: number
  devices: Array<{ id: string, secret: string }>
  metrics: string[]
  durationMs: number
  window: number
  /** Messages per second over all devices; 0 = as fast as acknowledged. */
  rate: number
}

export interface GeneratorReport {
  type: 'done'
  sent: number
  acked: number
  /** Acknowledged messages per second of the run, second by second. */
  perSecond: number[]
  /** CPU seconds the generator used during the run. */
  cpuSeconds: number
}

interface Session {
  socket: Socket
  topic: Buffer
  nextId: number
  inFlight: number
  level: number
}

const TICK_MS = 5
/** After the run, outstanding PUBACKs are awaited this long at most. */
const DRAIN_MS = 10_000

/** A random walk around 50 per session, so the models see plausible, varying signals. */
function payloadFor(session: Session, metrics: string[]): Buffer {
  session.level += (Math.random() - 0.5) * 0.2
  const level = 50 + session.level
  const parts = metrics.map((metric, k) => `"${metric}":${(level + k + Math.random()).toFixed(3)}`)
  return Buffer.from(`{"ts":${Date.now()},"metrics":{${parts.join(',')}}}`)
}

class LoadGenerator {
  readonly #job: GeneratorJob
  #sessions: Session[] = []
  #sent = 0
  #acked = 0
  #isRunning = false
  #budget = 0

  constructor(job: GeneratorJob) {
    this.#job = job
  }

  async open(): Promise<void> {
    const job = this.#job
    this.#sessions = await Promise.all(job.devices.map(async (device) => {
      const topic = encodedTopic(`forewarn/v1/devices/${device.id}/telemetry`)
      const holder: { session?: Session } = {}
      const socket = await connectWire({
        host: job.host, port: job.port, clientId: device.id, username: device.id, password: device.secret,
        onPuback: () => this.#onPuback(holder.session),
        onClose: () => undefined,
      })
      holder.session = { socket, topic, nextId: 1, inFlight: 0, level: 0 }
      return holder.session
    }))
  }

  async run(): Promise<GeneratorReport> {
    const cpuBefore = process.cpuUsage()
    const perSecond: number[] = []
    let lastAcked = 0
    const second = setInterval(() => {
      perSecond.push(this.#acked - lastAcked)
      lastAcked = this.#acked
    }, 1_000)
    const tick = setInterval(() => this.#tick(), TICK_MS)
    this.#isRunning = true
    for (const session of this.#sessions) this.#fill(session)

    await new Promise((resolve) => setTimeout(resolve, this.#job.durationMs))
    this.#isRunning = false
    clearInterval(tick)
    clearInterval(second)
    await this.#drain()
    const cpu = process.cpuUsage(cpuBefore)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    return { type: 'done', sent: this.#sent, acked: this.#acked, perSecond, cpuSeconds }
  }

  #onPuback(session: Session | undefined): void {
    if (session === undefined) return
    session.inFlight -= 1
    this.#acked += 1
    this.#fill(session)
  }

  #tick(): void {
    const { rate } = this.#job
    if (rate > 0) this.#budget = Math.min(this.#budget + (rate * TICK_MS) / 1_000, rate)
    for (const session of this.#sessions) this.#fill(session)
  }

  #fill(session: Session): void {
    const { window, rate, metrics } = this.#job
    while (this.#isRunning && session.inFlight < window && (rate === 0 || this.#budget >= 1)) {
      if (rate > 0) this.#budget -= 1
      const id = session.nextId
      session.nextId = id === 65_535 ? 1 : id + 1
      session.inFlight += 1
      this.#sent += 1
      session.socket.write(publishPacket(session.topic, id, payloadFor(session, metrics)))
    }
  }

  async #drain(): Promise<void> {
    const deadline = performance.now() + DRAIN_MS
    while (this.#sessions.some((s) => s.inFlight > 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    for (const session of this.#sessions) session.socket.destroy()
  }
}

function tell(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, {}, (err) => (err === null ? resolve() : reject(err)))
  })
}

async function serveParent(job: GeneratorJob): Promise<void> {
  const generator = new LoadGenerator(job)
  await generator.open()
  await tell({ type: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  await tell(await generator.run())
}

// Entry point when forked by the benchmark: the job arrives over IPC, then a "go".
if (process.send !== undefined && process.argv.includes('--forewarn-load-generator')) {
  process.once('message', (job: GeneratorJob) => {
    serveParent(job).then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`load generator failed: ${err instanceof Error ? err.stack : String(err)}\n`)
      process.exit(1)
    })
  })
}
