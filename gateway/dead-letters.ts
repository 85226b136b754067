import type { RefusalReason } from './errors.js'

/** A refused message (or one refused metric of it), kept for operators and devices to inspect. */
export interface DeadLetter {
  /** Wall-clock time of the refusal, epoch ms. */
  at: number
  deviceId: string
  topic: string
  reason: RefusalReason
  /** The FW_ERR_GW_* code of the reason. */
  code: string
  detail: string
  /** The payload as UTF-8 text, cut to PAYLOAD_PREVIEW_CHARS. */
  payload: string
}

export const DEAD_LETTER_CAPACITY = 1000
export const PAYLOAD_PREVIEW_CHARS = 512
/** A UTF-8 character is at most 4 bytes; decoding only this much keeps a huge payload cheap. */
export const PREVIEW_BYTES = PAYLOAD_PREVIEW_CHARS * 4

/** Which dead letters to list: newest first, optionally of one device or reason. */
export interface DeadLetterQuery {
  limit?: number
  deviceId?: string
  reason?: RefusalReason
}

/** The start of a payload as text, without decoding the whole (possibly oversized) buffer. */
export function payloadPreview(payload: Buffer): string {
  return payload.subarray(0, PREVIEW_BYTES).toString('utf8').slice(0, PAYLOAD_PREVIEW_CHARS)
}

/** Fixed-size ring: memory stays bounded however many messages a broken device sends. */
export class DeadLetterRing {
  readonly #capacity: number
  readonly #items: DeadLetter[] = []
  #next = 0

  constructor(capacity = DEAD_LETTER_CAPACITY) {
    this.#capacity = capacity
  }

  push(letter: DeadLetter): void {
    if (this.#items.length < this.#capacity) this.#items.push(letter)
    else this.#items[this.#next] = letter
    this.#next = (this.#next + 1) % this.#capacity
  }

  /** Newest first. */
  list(limit = this.#capacity): DeadLetter[] {
    return this.query({ limit })
  }

  /** Newest first, up to `limit`, of the letters matching the query. */
  query(q: DeadLetterQuery): DeadLetter[] {
    const limit = Math.max(0, Math.floor(q.limit ?? this.#capacity))
    const out: DeadLetter[] = []
    for (let i = 1; i <= this.#items.length && out.length < limit; i++) {
      const index = (this.#next - i + this.#items.length) % this.#items.length
      const letter = this.#items[index]
      if (letter === undefined) continue
      if (q.deviceId !== undefined && letter.deviceId !== q.deviceId) continue
      if (q.reason !== undefined && letter.reason !== q.reason) continue
      out.push(letter)
    }
    return out
  }

  get size(): number {
    return this.#items.length
  }

  clear(): void {
    this.#items.length = 0
    this.#next = 0
  }
}
