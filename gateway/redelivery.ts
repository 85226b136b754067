import { hash } from 'node:crypto'

/** QoS 1/2 messages remembered per device; more than a client keeps in flight. */
const REMEMBERED_PER_DEVICE = 64

export interface RedeliveryCheck {
  /** Resolves true when an earlier copy was acknowledged; null when there is no earlier copy. */
  previous: Promise<boolean> | null
  settle: (acknowledged: boolean) => void
}

interface Handling {
  digest: string
  /** True once the message was acknowledged; false when it was left unacknowledged. */
  acknowledged: Promise<boolean>
}

/**
 * Recognises a QoS 1 or 2 PUBLISH the gateway already acknowledged and handed on, sent
 * again with the DUP flag because the acknowledgement was lost: the connection dropped
 * first, and the client resends on reconnecting [MQTT-3.3.1-1] [MQTT-4.4.0-1]. Without this
 * a redelivered reading without `ts` would get a second arrival time and be stored twice,
 * and every redelivered reading would be observed by the models twice.
 *
 * A message is identified by its packet id and a hash of its payload, and only messages
 * with DUP set are checked, so a new message that reuses a packet id is never taken for a
 * repeat. A repeat that arrives while the original is still being handled (the device
 * reconnected while its old connection waited on the store) waits for the original's
 * outcome: skipped if it was acknowledged, handled if it was not.
 */
export class RedeliveryMemory {
  readonly #byDevice = new Map<string, Map<number, Handling>>()

  /**
   * Records a message whose handling starts now. `previous` is the outcome of an earlier
   * message with the same packet id and payload, if there is one; `settle` records this
   * one's outcome. Called before anything is awaited, so of two copies of a message that
   * aedes parsed from one read, the second finds the first.
   */
  begin(deviceId: string, messageId: number, payload: Buffer): RedeliveryCheck {
    const fingerprint = digest(payload)
    const ids = this.#idsOf(deviceId)
    const earlier = ids.get(messageId)
    let settle: (acknowledged: boolean) => void = () => undefined
    const acknowledged = new Promise<boolean>((resolve) => {
      settle = resolve
    })
    ids.delete(messageId)
    ids.set(messageId, { digest: fingerprint, acknowledged })
    if (ids.size > REMEMBERED_PER_DEVICE) {
      const oldest = ids.keys().next()
      if (oldest.done !== true) ids.delete(oldest.value)
    }
    const previous = earlier !== undefined && earlier.digest === fingerprint ? earlier.acknowledged : null
    return { previous, settle }
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

/** One-shot hashing: a third of createHash's cost per message (no Hash object per call). */
function digest(payload: Buffer): string {
  return hash('sha256', payload, 'base64')
}
