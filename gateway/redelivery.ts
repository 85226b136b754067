import { crc32 } from 'node:zlib'

/** QoS 1/2 messages remembered per device; more than a client keeps in flight. */
const REMEMBERED_PER_DEVICE = 64

/** How a remembered message's handling ended; `pending` while it is still being handled. */
type Outcome = 'pending' | 'acknowledged' | 'unacknowledged'

/**
 * One remembered message. A plain record with no promise: a copy that must wait for the
 * original's outcome is rare (a reconnect while the store is slow), so waiters are made only
 * then, and the common path allocates one small object per message.
 */
export class Handling {
  outcome: Outcome = 'pending'
  waiters: ((acknowledged: boolean) => void)[] | null = null

  constructor(readonly checksum: number, readonly length: number) {}

  /** Records the outcome and wakes any copy that waited for it. */
  settle(acknowledged: boolean): void {
    if (this.outcome !== 'pending') return
    this.outcome = acknowledged ? 'acknowledged' : 'unacknowledged'
    const waiters = this.waiters
    this.waiters = null
    if (waiters !== null) for (const wake of waiters) wake(acknowledged)
  }

  /** True if it was acknowledged: at once when settled, else once it settles. */
  wasAcknowledged(): boolean | Promise<boolean> {
    if (this.outcome !== 'pending') return this.outcome === 'acknowledged'
    return new Promise<boolean>((resolve) => {
      (this.waiters ??= []).push(resolve)
    })
  }
}

/** What begin() tells the caller: this message's record, and an earlier copy's if there is one. */
export interface RedeliveryCheck {
  handling: Handling
  /** The earlier copy with the same packet id and payload; null when there is none. */
  earlier: Handling | null
}

/**
 * Recognises a QoS 1 or 2 PUBLISH the gateway already acknowledged and handed on, sent
 * again with the DUP flag because the acknowledgement was lost: the connection dropped
 * first, and the client resends on reconnecting [MQTT-3.3.1-1] [MQTT-4.4.0-1]. Without this
 * a redelivered reading without `ts` would get a second arrival time and be stored twice,
 * and every redelivered reading would be observed by the models twice.
 *
 * A message is identified by its packet id, its payload's length and the payload's CRC-32,
 * and only messages with DUP set are checked, so a new message that reuses a packet id is
 * never taken for a repeat unless it also has DUP set, the same length and the same CRC-32
 * as a different earlier payload: about one chance in 4 × 10^9 for the rare message that
 * meets the first two conditions. CRC-32 costs a fraction of a cryptographic hash on every
 * message, and nobody gains by forging a collision with their own device's data.
 *
 * A repeat that arrives while the original is still being handled (the device reconnected
 * while its old connection waited on the store) waits for the original's outcome: skipped
 * if it was acknowledged, handled if it was not.
 */
export class RedeliveryMemory {
  readonly #byDevice = new Map<string, Map<number, Handling>>()

  /**
   * Records a message whose handling starts now; the caller settles `handling` with its
   * outcome. Called before anything is awaited, so of two copies of a message that aedes
   * parsed from one read, the second finds the first.
   */
  begin(deviceId: string, messageId: number, payload: Buffer): RedeliveryCheck {
    const handling = new Handling(crc32(payload), payload.length)
    const ids = this.#idsOf(deviceId)
    const before = ids.get(messageId)
    ids.delete(messageId)
    ids.set(messageId, handling)
    if (ids.size > REMEMBERED_PER_DEVICE) {
      const oldest = ids.keys().next()
      if (oldest.done !== true) ids.delete(oldest.value)
    }
    const isSame = before !== undefined && before.checksum === handling.checksum && before.length === handling.length
    return { handling, earlier: isSame ? before : null }
  }

  clear(): void {
    this.#byDevice.clear()
  }

  #idsOf(deviceId: string): Map<number, Handling> {
    let ids = this.#byDevice.get(deviceId)
    if (ids === undefined) {
      ids = new Map()
      this.#byDevice.set(deviceId, ids)
    }
    return ids
  }
}
