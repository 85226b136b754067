import { randomBytes } from 'node:crypto'
import { Duplex, pipeline, Transform, type TransformCallback } from 'node:stream'
import { PREVIEW_BYTES } from './dead-letters.js'
import { GatewayError } from './errors.js'
import { isLaneCandidate, readLanePublish, TakenMessages, type PublishLane } from './publish-lane.js'

/*
 * The size limit, enforced on the byte stream before aedes' MQTT parser sees it. mqtt-packet
 * buffers a whole packet before any hook runs, and a packet may announce up to 256 MB
 * ([MQTT-2.2.3]), so checking the payload in authorizePublish would bound only what is kept,
 * not what one connection makes the process hold in memory. This filter reads each packet's
 * fixed header as it streams past: small packets pass unchanged; a PUBLISH whose payload is
 * over the limit has its payload discarded as it arrives, keeping only its first bytes, and
 * is handed to aedes as the same PUBLISH (topic, QoS, packet id) carrying a stand-in payload
 * (see OversizeMarker). So the device gets its PUBACK, the refusal is recorded with the real
 * size, and the device's next messages flow. Any other packet over MAX_CONTROL_PACKET_BYTES
 * (no CONNECT or SUBSCRIBE needs that much) closes the connection.
 *
 * Given a lane (publish-lane.ts), the filter also offers it every unretained QoS 0 or 1 PUBLISH
 * within the limit, whole (one cut by a read's end is gathered first); a packet the lane takes
 * never reaches aedes, and the filter reads no further bytes until the lane has answered for
 * every message taken from the read, as aedes does for the packets of one read.
 */

const PUBLISH = 3
/** Largest non-PUBLISH packet accepted: a CONNECT with a 64 KiB will fits many times over. */
export const MAX_CONTROL_PACKET_BYTES = 1_048_576
const MAX_LENGTH_BYTES = 4
const SIZE_BYTES = 4

/**
 * The stand-in payload: a tag random to this gateway instance, the original payload size
 * and its first bytes. Devices never see the tag (refused messages are never delivered), so
 * no device can forge a stand-in; a forged one would only refuse its own message.
 */
export class OversizeMarker {
  readonly #tag = randomBytes(16)

  encode(payloadBytes: number, preview: Buffer): Buffer {
    const size = Buffer.alloc(SIZE_BYTES)
    size.writeUInt32BE(payloadBytes)
    return Buffer.concat([this.#tag, size, preview])
  }

  /** The original size and first bytes of a stand-in payload; null for any real payload. */
  decode(payload: Buffer): { payloadBytes: number, preview: Buffer } | null {
    const headerBytes = this.#tag.length + SIZE_BYTES
    if (payload.length < headerBytes || !payload.subarray(0, this.#tag.length).equals(this.#tag)) return null
    return { payloadBytes: payload.readUInt32BE(this.#tag.length), preview: payload.subarray(headerBytes) }
  }
}

export interface FrameLimits {
  maxPayloadBytes: number
  marker: OversizeMarker
}

/** A connection whose inbound bytes pass the frame filter; writes go straight to the socket. */
export function limitInbound(
  socket: Duplex & { remoteAddress?: string }, limits: FrameLimits, lane?: PublishLane,
): Duplex {
  const filter = new FrameFilter(limits, lane)
  const connection = Duplex.from({ readable: filter, writable: socket })
  pipeline(socket, filter, (err) => {
    if (err !== null && err !== undefined) connection.destroy(err)
  })
  // aedes and the gateway's logs read the peer address from the connection.
  Object.defineProperty(connection, 'remoteAddress', { get: () => socket.remoteAddress })
  passCorkingThrough(connection, socket)
  reportCleanCloseAsClean(connection)
  return connection
}

/**
 * aedes closes a connection with destroy() and no error (a clean DISCONNECT, a session taken
 * over). `Duplex.from` then fails the connection with an AbortError of its own while either
 * side is open, and aedes reports that as a client error: every clean disconnect was logged as
 * "device connection closed on error" with a stack. A close asked for without an error stays
 * without one; a real error still arrives as itself.
 */
function reportCleanCloseAsClean(connection: Duplex): void {
  const destroy = connection._destroy.bind(connection)
  connection._destroy = (err: Error | null, callback: (err?: Error | null) => void): void => {
    destroy(err, (closeErr?: Error | null) => {
      callback((err === null || err === undefined) && closeErr?.name === 'AbortError' ? null : closeErr)
    })
  }
}

/**
 * mqtt-packet corks the stream it writes to until the next tick, so that the PUBACKs of a
 * group commit leave in one system call. `Duplex.from` has no `writev`: uncorked, it hands
 * the socket one chunk at a time, and each became a `write` of its own (two per PUBACK, 13 %
 * of the pipeline's CPU in the ingest benchmark's profile). Corking the socket alongside makes
 * its uncork one `writev` of everything the tick wrote.
 */
function passCorkingThrough(connection: Duplex, socket: Duplex): void {
  connection.cork = function cork(this: Duplex): void {
    socket.cork()
    Duplex.prototype.cork.call(this)
  }
  connection.uncork = function uncork(this: Duplex): void {
    // The connection flushes its chunks into the still-corked socket first.
    Duplex.prototype.uncork.call(this)
    socket.uncork()
  }
}

/** Header and variable header of an oversized PUBLISH, while its payload streams past. */
interface OversizedPublish {
  header: number
  remaining: number
  qos: number
  head: Buffer
  /** Payload bytes still to come (known once the variable header is complete). */
  left: number
  payloadBytes: number
  preview: Buffer[]
  previewBytes: number
}

/** A PUBLISH offered to the lane whose bytes span reads: gathered until it is whole. */
interface GatheredPublish {
  header: number[]
  body: Buffer
  filled: number
}

export class FrameFilter extends Transform {
  readonly #limits: FrameLimits
  readonly #lane: PublishLane | undefined
  #gathered: GatheredPublish | null = null
  /** Messages the lane took from the current read, not answered yet. */
  #taken = new TakenMessages()
  /** A packet for aedes follows messages the lane took: they are answered before it passes. */
  #mustAnswerTaken = false
  /** The bytes of a fixed header read so far (held back: they may start a stand-in). */
  #header: number[] = []
  /** The header's first bytes came in an earlier chunk and have not been passed on yet. */
  #isHeaderHeld = false
  #passLeft = 0
  #publish: OversizedPublish | null = null
  /** After a malformed length nothing can be framed; aedes' parser sees it and closes. */
  #isBroken = false
  /** Start of the bytes of the current chunk that pass unchanged and are not pushed yet. */
  #runStart = 0

  constructor(limits: FrameLimits, lane?: PublishLane) {
    super()
    this.#limits = limits
    this.#lane = lane
  }

  /**
   * Bytes that pass unchanged are pushed as one slice per chunk, not one per packet: a TCP
   * read holds many small PUBLISHes, and every push costs the stream machinery a round.
   */
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#runStart = 0
    this.#read(chunk, 0, done)
  }

  /** Reads the chunk from `offset`, pausing where a packet must wait for the lane's answers. */
  #read(chunk: Buffer, offset: number, done: TransformCallback): void {
    try {
      while (offset < chunk.length) {
        offset = this.#step(chunk, offset)
        if (this.#mustAnswerTaken) {
          this.#mustAnswerTaken = false
          const resumeAt = offset
          this.#answerTaken(() => {
            if (this.destroyed) done()
            else this.#read(chunk, resumeAt, done)
          })
          return
        }
      }
    } catch (err: unknown) {
      done(err instanceof Error ? err : new Error(String(err)))
      return
    }
    // A fixed header cut by the chunk's end is held back until its packet's fate is known. One
    // that began in an earlier chunk and goes on past this one fills the whole chunk.
    let runEnd = chunk.length
    if (this.#header.length > 0) {
      runEnd = this.#isHeaderHeld ? 0 : chunk.length - this.#header.length
      this.#isHeaderHeld = true
    }
    this.#flushRun(chunk, runEnd)
    this.#answerTaken(() => {
      done()
    })
  }

  #answerTaken(then: () => void): void {
    const taken = this.#taken
    if (taken.size === 0 || this.#lane === undefined) {
      then()
      return
    }
    this.#taken = new TakenMessages()
    taken.answer(this.#lane, then)
  }

  #flushRun(chunk: Buffer, end: number): void {
    if (end > this.#runStart) this.push(chunk.subarray(this.#runStart, end))
    this.#runStart = end
  }

  #step(chunk: Buffer, offset: number): number {
    if (this.#isBroken) return chunk.length
    if (this.#passLeft > 0) {
      const end = Math.min(chunk.length, offset + this.#passLeft)
      this.#passLeft -= end - offset
      return end
    }
    if (this.#publish !== null) return this.#consumePublish(this.#publish, chunk, offset)
    if (this.#gathered !== null) return this.#gather(this.#gathered, chunk, offset)
    return this.#readFixedHeader(chunk, offset)
  }

  #readFixedHeader(chunk: Buffer, offset: number): number {
    const byte = chunk[offset] ?? 0
    this.#header.push(byte)
    const lengthBytes = this.#header.length - 1
    if (lengthBytes === 0 || (byte & 0x80) !== 0) {
      if (lengthBytes >= MAX_LENGTH_BYTES) this.#breakWith(chunk, offset + 1)
      return offset + 1
    }

    const header = this.#header
    this.#header = []
    this.#startPacket(chunk, offset + 1, header, decodeLength(header.slice(1)))
    return offset + 1
  }

  /** `end`: where the fixed header ends in the chunk. */
  #startPacket(chunk: Buffer, end: number, header: number[], remaining: number): void {
    const first = header[0] ?? 0
    const isPublish = first >> 4 === PUBLISH
    if (!isPublish && remaining > MAX_CONTROL_PACKET_BYTES) {
      throw new GatewayError('FW_ERR_GW_PACKET_TOO_LARGE',
        `an MQTT packet of type ${first >> 4} announced ${remaining} bytes, over ${MAX_CONTROL_PACKET_BYTES}`)
    }
    const wasHeld = this.#isHeaderHeld
    this.#isHeaderHeld = false
    // The payload is at most remaining - 2 (a topic length is always there).
    if (!isPublish || remaining - 2 <= this.#limits.maxPayloadBytes) {
      if (isPublish && this.#lane !== undefined && isLaneCandidate(first)
        && this.#offerToLane(chunk, end, header, remaining, wasHeld)) {
        return
      }
      this.#answerTakenBeforeThis()
      if (wasHeld) {
        // Nothing of this chunk is pushed yet: the held bytes go first, then the run goes on.
        this.push(Buffer.from(header.slice(0, header.length - end)))
      }
      this.#passLeft = remaining
      return
    }
    this.#answerTakenBeforeThis()
    this.#flushRun(chunk, wasHeld ? 0 : end - header.length)
    this.#runStart = end
    this.#publish = {
      header: first, remaining, qos: (first >> 1) & 3, head: Buffer.alloc(0), left: -1, payloadBytes: 0,
      preview: [], previewBytes: 0,
    }
  }

  /**
   * A packet for aedes starts here. If the lane took messages earlier in this read, the read
   * pauses after this fixed header until they are answered, so PUBACKs leave in the order the
   * PUBLISHes came (MQTT 3.1.1, 4.6) and aedes sees this packet after the lane's went on. No
   * bytes wait to pass at that point: every packet since the taken ones paused the read itself.
   * (A packet whose fixed header was held from an earlier read, or one gathered across reads,
   * starts a read: nothing is taken before it.)
   */
  #answerTakenBeforeThis(): void {
    if (this.#taken.size > 0) this.#mustAnswerTaken = true
  }

  /**
   * A PUBLISH for the lane: offered at once when the read holds all of it (false when the lane
   * leaves it: it then passes like any packet), else gathered until it is whole.
   */
  #offerToLane(chunk: Buffer, end: number, header: number[], remaining: number, wasHeld: boolean): boolean {
    const packetStart = wasHeld ? 0 : end - header.length
    if (end + remaining > chunk.length) {
      this.#flushRun(chunk, packetStart)
      this.#gathered = { header, body: Buffer.allocUnsafe(remaining), filled: 0 }
      this.#runStart = end
      return true
    }
    if (!this.#offer(header[0] ?? 0, chunk.subarray(end, end + remaining))) return false
    // Taken: the bytes before it pass, its own (held fixed-header bytes included) are skipped.
    this.#flushRun(chunk, packetStart)
    this.#runStart = end + remaining
    this.#passLeft = remaining
    return true
  }

  #gather(gathered: GatheredPublish, chunk: Buffer, offset: number): number {
    const end = Math.min(chunk.length, offset + gathered.body.length - gathered.filled)
    gathered.filled += chunk.copy(gathered.body, gathered.filled, offset, end)
    this.#runStart = end
    if (gathered.filled === gathered.body.length) this.#completeGathered(gathered)
    return end
  }

  #completeGathered(gathered: GatheredPublish): void {
    this.#gathered = null
    const { header, body } = gathered
    // Left to aedes: its bytes, gathered, pass as one push.
    if (!this.#offer(header[0] ?? 0, body)) this.push(Buffer.concat([Buffer.from(header), body]))
  }

  /** Whether the lane took the packet. */
  #offer(firstByte: number, body: Buffer): boolean {
    const lane = this.#lane
    const publish = readLanePublish(firstByte, body)
    if (lane === undefined || publish === null) return false
    let outcome: Promise<Error | null> | undefined
    try {
      outcome = lane.take(publish)
    } catch (err: unknown) {
      outcome = Promise.resolve(err instanceof Error ? err : new Error(String(err)))
    }
    if (outcome === undefined) return false
    this.#taken.add(publish, outcome)
    return true
  }

  #consumePublish(publish: OversizedPublish, chunk: Buffer, offset: number): number {
    if (publish.left < 0) return this.#readVariableHeader(publish, chunk, offset)

    const end = Math.min(chunk.length, offset + publish.left)
    const room = PREVIEW_BYTES - publish.previewBytes
    if (room > 0) {
      const kept = chunk.subarray(offset, Math.min(end, offset + room))
      publish.preview.push(Buffer.from(kept))
      publish.previewBytes += kept.length
    }
    publish.left -= end - offset
    this.#runStart = end
    if (publish.left === 0) this.#emitStandIn(publish)
    return end
  }

  /** Topic length, topic and (QoS > 0) packet id; then the payload size is known. */
  #readVariableHeader(publish: OversizedPublish, chunk: Buffer, offset: number): number {
    const needed = variableHeaderBytes(publish.head, publish.qos)
    const end = Math.min(chunk.length, offset + needed - publish.head.length)
    publish.head = Buffer.concat([publish.head, chunk.subarray(offset, end)])
    this.#runStart = end
    if (publish.head.length < variableHeaderBytes(publish.head, publish.qos)) return end

    const payloadBytes = publish.remaining - publish.head.length
    if (payloadBytes < 0) {
      this.#isBroken = true
      this.#publish = null
      this.push(Buffer.concat([encodeFixedHeader(publish.header, publish.remaining), publish.head]))
    } else if (payloadBytes <= this.#limits.maxPayloadBytes) {
      // A long topic made the packet look oversized; its payload is within the limit.
      this.#publish = null
      const fixedHeader = encodeFixedHeader(publish.header, publish.remaining)
      if (this.#lane !== undefined && isLaneCandidate(publish.header)) {
        const body = Buffer.allocUnsafe(publish.remaining)
        this.#gathered = { header: [...fixedHeader], body, filled: publish.head.copy(body) }
        if (payloadBytes === 0) this.#completeGathered(this.#gathered)
        return end
      }
      this.push(Buffer.concat([fixedHeader, publish.head]))
      this.#passLeft = payloadBytes
    } else {
      publish.left = payloadBytes
      publish.payloadBytes = payloadBytes
    }
    return end
  }

  #emitStandIn(publish: OversizedPublish): void {
    this.#publish = null
    const payload = this.#limits.marker.encode(publish.payloadBytes, Buffer.concat(publish.preview))
    const remaining = publish.head.length + payload.length
    this.push(Buffer.concat([encodeFixedHeader(publish.header, remaining), publish.head, payload]))
  }

  /** A length of more than four bytes: from here on every byte passes as it comes. */
  #breakWith(chunk: Buffer, end: number): void {
    const header = this.#header
    const wasHeld = this.#isHeaderHeld
    this.#isBroken = true
    this.#isHeaderHeld = false
    this.#header = []
    this.#publish = null
    if (wasHeld) this.push(Buffer.from(header.slice(0, header.length - end)))
  }
}

/** Bytes of the variable header, as far as the bytes read so far tell. */
function variableHeaderBytes(head: Buffer, qos: number): number {
  if (head.length < 2) return 2
  return 2 + head.readUInt16BE(0) + (qos > 0 ? 2 : 0)
}

/** MQTT's variable-length integer [MQTT-2.2.3]. */
function decodeLength(bytes: number[]): number {
  let value = 0
  let multiplier = 1
  for (const byte of bytes) {
    value += (byte & 0x7f) * multiplier
    multiplier *= 128
  }
  return value
}

function encodeFixedHeader(first: number, remaining: number): Buffer {
  const bytes = [first]
  let left = remaining
  do {
    let digit = left % 128
    left = Math.floor(left / 128)
    if (left > 0) digit |= 0x80
    bytes.push(digit)
  } while (left > 0)
  return Buffer.from(bytes)
}
