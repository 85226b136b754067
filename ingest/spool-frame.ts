import { crc32 } from 'node:zlib'

/**
 * The spool's on-disk format. A segment file starts with an 8-byte magic naming the format
 * version; then come frames, one per accept() call:
 *
 *   u32 LE payload bytes | u32 LE CRC-32 of the payload | payload (UTF-8 line protocol)
 *
 * The payload is the InfluxDB line protocol the readings will be written as, so draining
 * needs no second serialisation and `strings` on a segment shows its readings. The checksum
 * finds a frame torn by a crash in the middle of a write (it was never acknowledged).
 */
export const SEGMENT_MAGIC = Buffer.from('FWSPOOL1', 'latin1')
export const FRAME_HEADER_BYTES = 8
/** Far above any frame accept() writes (an MQTT message is at most 256 KB by default). */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

/** A place in the spool: a segment's sequence number and a byte offset inside it. */
export interface Position {
  segment: number
  offset: number
}

/** Negative, zero or positive as a is before, at or after b. */
export function comparePositions(a: Position, b: Position): number {
  return a.segment === b.segment ? a.offset - b.offset : a.segment - b.segment
}

/** Header and payload in one buffer, ready to append. */
export function encodeFrame(payload: string): Buffer {
  const bytes = Buffer.byteLength(payload, 'utf8')
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes)
  frame.write(payload, FRAME_HEADER_BYTES, 'utf8')
  return sealFrame(frame)
}

/** Writes the header of a frame whose payload already fills the buffer after the header. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0)
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4)
  return frame
}

/**
 * Consecutive frames of one segment as one buffer: a group just written (its accept() calls
 * in order) or a stretch read back from disk. Payloads stay bytes; nothing is decoded.
 */
export interface FrameRun {
  /** The frames, headers included, exactly as on disk. */
  data: Buffer
  segment: number
  /** Where `data` starts in the segment. */
  offset: number
  /** End of each frame, relative to `data`. */
  ends: number[]
  /** Lines (readings) of each frame. */
  lines: number[]
  /** performance.now() at the group's first accept(); undefined for frames read from disk. */
  acceptedAt: number | undefined
}

/** Start of frame i inside run.data. */
export function frameStart(run: FrameRun, i: number): number {
  return i === 0 ? 0 : run.ends[i - 1] as number
}

/** Payload of frame i, a view into run.data. */
export function framePayload(run: FrameRun, i: number): Buffer {
  return run.data.subarray(frameStart(run, i) + FRAME_HEADER_BYTES, run.ends[i])
}

export interface DecodeResult {
  /** End of each whole, valid frame. */
  ends: number[]
  /** Bytes taken by whole, valid frames. */
  consumed: number
  /** True when decoding stopped at a damaged frame rather than at the end of the data. */
  isCorrupt: boolean
}

/** Whole frames from the start of `data`; stops at a partial frame or at the first bad one. */
export function decodeFrames(data: Buffer): DecodeResult {
  const ends: number[] = []
  let offset = 0
  while (offset + FRAME_HEADER_BYTES <= data.length) {
    const bytes = data.readUInt32LE(offset)
    if (bytes === 0 || bytes > MAX_PAYLOAD_BYTES) return { ends, consumed: offset, isCorrupt: true }
    const end = offset + FRAME_HEADER_BYTES + bytes
    if (end > data.length) break

    const body = data.subarray(offset + FRAME_HEADER_BYTES, end)
    const isIntact = crc32(body) === data.readUInt32LE(offset + 4)
    if (!isIntact) return { ends, consumed: offset, isCorrupt: true }
    ends.push(end)
    offset = end
  }
  return { ends, consumed: offset, isCorrupt: false }
}

/** Length of the frame whose header starts `data`, or undefined when it is not readable. */
export function frameLength(data: Buffer): number | undefined {
  if (data.length < FRAME_HEADER_BYTES) return undefined
  const bytes = data.readUInt32LE(0)
  if (bytes === 0 || bytes > MAX_PAYLOAD_BYTES) return undefined
  return FRAME_HEADER_BYTES + bytes
}

const NEWLINE = 0x0a

/** Lines in a payload (lines are separated by \n, never ended by one). */
export function countLines(payload: Buffer): number {
  let lines = 1
  for (let i = payload.indexOf(NEWLINE); i !== -1; i = payload.indexOf(NEWLINE, i + 1)) lines += 1
  return lines
}
