import type { Clock, Logger } from '../core/index.js'
import { DeadLetterRing, payloadPreview, type DeadLetter } from './dead-letters.js'
import { REFUSAL_CODES } from './errors.js'
import type { GatewayMetrics } from './metrics.js'
import type { Refusal } from './payload.js'

/** What was refused: who sent it, where, and the raw payload. */
export interface RefusedMessage {
  deviceId: string
  topic: string
  payload: Buffer
}

/** Records refusals: one dead letter and one count per refusal, one warn line per message. */
export class RefusalRecorder {
  readonly #ring: DeadLetterRing
  readonly #metrics: GatewayMetrics
  readonly #logger: Logger
  readonly #clock: Clock
  #count = 0

  constructor(options: { ring: DeadLetterRing, metrics: GatewayMetrics, logger: Logger, clock: Clock }) {
    this.#ring = options.ring
    this.#metrics = options.metrics
    this.#logger = options.logger
    this.#clock = options.clock
  }

  /** Refusals recorded since the gateway was created. */
  get count(): number {
    return this.#count
  }

  record(message: RefusedMessage, refusals: Refusal[]): void {
    const first = refusals[0]
    if (first === undefined) return

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

    const { deviceId, topic } = message
    const code = REFUSAL_CODES[first.reason]
    this.#logger.warn(
      { deviceId, topic, reason: first.reason, code, detail: first.detail, refusals: refusals.length },
      'device message refused',
    )
  }
}
