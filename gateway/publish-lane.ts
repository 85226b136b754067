/*
 * A lane beside aedes for PUBLISH packets the gateway can handle alone. The frame filter
 * (frame-limit.ts) sees every packet's bytes before aedes does; for an unretained QoS 0 or 1
 * PUBLISH it offers the packet to the connection's lane, and a lane that takes it answers for
 * it completely: admission, and the PUBACK once admission settled. aedes never sees the packet.
 *
 * Why: for a device's telemetry aedes only parses, calls authorizePublish, writes the PUBACK and
 * matches the topic against subscriptions that do not exist. That was about a quarter of the
 * service's CPU per message in the ingest benchmark, on the one thread everything shares. What
 * a lane may take, and when it must leave a packet to aedes, is the lane's decision
 * (telemetry-lane.ts); this file holds what the frame filter needs of it.
 */

/** An unretained QoS 0 or 1 PUBLISH as the frame filter read it. */
export interface LanePublish {
  topic: string
  qos: 0 | 1
  /** Absent for QoS 0. */
  messageId: number | undefined
  dup: boolean
  payload: Buffer
}

export interface PublishLane {
  /**
   * Takes the message (its outcome: null when it is to be acknowledged, an error when the
   * connection must close without acknowledging it), or returns undefined to leave the packet to
   * aedes, unchanged. Called in the order packets arrive.
   */
  take(publish: LanePublish): Promise<Error | null> | undefined
  /**
   * Once every message taken from one read settled: the PUBACKs of those before the first
   * failure, in arrival order (null when there are none), and that failure, if any.
   */
  settle(acks: Buffer | null, failure: Error | null): void
}

const PUBACK_BYTES = 4
const PUBACK_HEADER = 0x40
const NO_ACK = -1

/** The fixed header bits of a PUBLISH the lane is offered: QoS 0 or 1, RETAIN clear. */
export function isLaneCandidate(firstByte: number): boolean {
  const qos = (firstByte >> 1) & 3
  return (firstByte & 1) === 0 && qos < 2
}

/**
 * Reads the variable header of a PUBLISH body (everything after the fixed header); null when
 * it is malformed, which leaves the packet to aedes' parser and its error handling.
 */
export function readLanePublish(firstByte: number, body: Buffer): LanePublish | null {
  const qos = ((firstByte >> 1) & 3) as 0 | 1
  if (body.length < 2) return null
  const topicEnd = 2 + body.readUInt16BE(0)
  const payloadStart = topicEnd + (qos > 0 ? 2 : 0)
  if (payloadStart > body.length) return null
  return {
    // Invalid UTF-8 becomes U+FFFD here, which no topic a lane takes contains: aedes refuses it.
    topic: body.toString('utf8', 2, topicEnd),
    qos,
    messageId: qos > 0 ? body.readUInt16BE(topicEnd) : undefined,
    dup: (firstByte & 0x08) !== 0,
    payload: body.subarray(payloadStart),
  }
}

/** The messages a lane took from one read, answered together and in order once all settled. */
export class TakenMessages {
  readonly #outcomes: Array<Promise<Error | null>> = []
  readonly #messageIds: number[] = []

  get size(): number {
    return this.#outcomes.length
  }

  add(publish: LanePublish, outcome: Promise<Error | null>): void {
    this.#outcomes.push(outcome)
    this.#messageIds.push(publish.qos === 1 ? publish.messageId ?? NO_ACK : NO_ACK)
  }

  /**
   * Waits for every outcome, then hands the lane the PUBACKs up to the first failure (one
   * write for the whole read) and calls `done`. A rejection counts as a failure.
   */
  answer(lane: PublishLane, done: () => void): void {
    Promise.allSettled(this.#outcomes).then((results) => {
      let failure: Error | null = null
      let acknowledged = 0
      for (const result of results) {
        failure = result.status === 'fulfilled' ? result.value : asError(result.reason)
        if (failure !== null) break
        acknowledged++
      }
      lane.settle(this.#pubacks(acknowledged), failure)
    }).catch((err: unknown) => {
      lane.settle(null, asError(err))
    }).finally(done)
  }

  #pubacks(count: number): Buffer | null {
    const ids = this.#messageIds.slice(0, count).filter((id) => id !== NO_ACK)
    if (ids.length === 0) return null
    const acks = Buffer.allocUnsafe(ids.length * PUBACK_BYTES)
    ids.forEach((id, i) => {
      const at = i * PUBACK_BYTES
      acks[at] = PUBACK_HEADER
      acks[at + 1] = 2
      acks.writeUInt16BE(id, at + 2)
    })
    return acks
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
