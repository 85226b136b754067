import type { Clock, Logger } from '../core/index.js'
import { DeadLetterRing, payloadPreview, type DeadLetter } from './dead-letters.js'
import { REFUSAL_CODES, type RefusalReason } from './errors.js'
import { LogLimiter } from './log-limiter.js'
import type { GatewayMetrics } from './metrics.js'
import type { Refusal } from './payload.js'

/** What was refused: who sent it, where, and the raw payload (or the start of it). */
export interface RefusedMessage {
  deviceId: string
  topic: string
  payload: Buffer
}

export interface RefusalRecorderOptions {
  ring: DeadLetterRing
  metrics: GatewayMetrics
  logger: Logger
  clock: Clock
  /** config mqtt.refusalLogIntervalMs */
  logIntervalMs: number
}

/**
 * Records refusals: one dead letter and one count per refusal, and at most one warn line
 * per device and reason per interval (the line says how many it stands for).
 */
export class RefusalRecorder {
  readonly #ring: DeadLetterRing
  readonly #metrics: GatewayMetrics
  readonly #logger: Logger
  readonly #clock: Clock
  readonly #logLimiter: LogLimiter
  #count = 0

  constructor(options: RefusalRecorderOptions) {
    this.#ring = options.ring
    this.#metrics = options.metrics
    this.#logger = options.logger
    this.#clock = options.clock
    this.#logLimiter = new LogLimiter(options.logIntervalMs)
  }

  /** Refusals recorded since the gateway was created. */
  get count(): number {
    return this.#count
  }

  record(message: RefusedMessage, refusals: Refusal[]): void {
    if (refusals.length === 0) return
    const at = this.#clock.now()
    const payload = payloadPreview(message.payload)
    for (const { reason, detail } of refusals) {
      const letter: DeadLetter = {
        at, deviceId: message.deviceId, topic: message.topic, reason, code: REFUSAL_CODES[reason], detail, payload,
      }
      this.#ring.push(letter)
      this.#metrics.rejected.inc({ reason })
    }
    this.#count += refusals.length
    this.#log(message, refusals, at)
  }

  /** Forgets which lines were logged (the gateway stopped). */
  reset(): void {
    this.#logLimiter.clear()
  }

  #log(message: RefusedMessage, refusals: Refusal[], at: number): void {
    const byReason = new Map<RefusalReason, { detail: string, count: number }>()
    for (const { reason, detail } of refusals) {
      const seen = byReason.get(reason)
      if (seen === undefined) byReason.set(reason, { detail, count: 1 })
      else seen.count++
    }

    const { deviceId, topic } = message
    for (const [reason, { detail, count }] of byReason) {
      const admitted = this.#logLimiter.admit(`${deviceId}\u0000${reason}`, at)
      if (admitted === null) continue
      const fields = {
        deviceId, topic, reason, code: REFUSAL_CODES[reason], detail, refusals: count, suppressed: admitted.suppressed,
      }
      this.#logger.warn(fields, 'device message refused')
    }
  }
}
