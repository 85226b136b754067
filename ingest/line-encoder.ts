import type { Reading } from '../core/index.js'
import { lineHead } from './line-protocol.js'
import { pointNanoseconds } from './point-identity.js'
import { FRAME_HEADER_BYTES, sealFrame } from './spool-frame.js'
import { numberProblem, readingInvalid, textProblem } from './validate.js'

/** A series' line head as UTF-8, with the ids and tags it was built (and validated) from. */
interface SeriesHead {
  deviceId: string
  siteId: string
  customerId: string
  equipmentType: string
  head: Buffer
}

/**
 * Series remembered at most. A fleet has assets × metrics series; the bound only stops a
 * caller inventing metric names from growing memory (the cache then starts over).
 */
const MAX_SERIES = 100_000
const NEWLINE = 0x0a
const SPACE = 0x20

/**
 * Validates readings and writes them as one spool frame of line protocol, byte for byte what
 * toLines() would give. This runs for every message before its PUBACK, so it avoids strings:
 * the tag part of a line (the same for every reading of a series) is built, escaped, validated
 * and UTF-8 encoded once per series, and per reading only the value and the timestamp (both
 * ASCII) are written.
 */
export class LineEncoder {
  readonly #heads = new Map<string, Map<string, SeriesHead>>()
  #size = 0

  /** The frame for one accept() call; throws FW_ERR_ING_READING_INVALID for a bad reading. */
  encodeFrame(readings: readonly Reading[]): Buffer {
    const count = readings.length
    const heads: Buffer[] = new Array<Buffer>(count)
    const values: string[] = new Array<string>(count)
    const stamps: string[] = new Array<string>(count)
    let length = FRAME_HEADER_BYTES + count - 1
    for (let index = 0; index < count; index++) {
      const reading = readings[index] as Reading
      const problem = numberProblem(reading)
      if (problem !== undefined) throw readingInvalid(reading, index, problem)
      const head = this.#head(reading, index)
      const value = String(reading.value)
      const stamp = pointNanoseconds(reading.time, reading.value)
      heads[index] = head
      values[index] = value
      stamps[index] = stamp
      length += head.length + value.length + 1 + stamp.length
    }

    const frame = Buffer.allocUnsafe(length)
    let offset = FRAME_HEADER_BYTES
    for (let index = 0; index < count; index++) {
      if (index > 0) frame[offset++] = NEWLINE
      offset += (heads[index] as Buffer).copy(frame, offset)
      offset += frame.write(values[index] as string, offset, 'latin1')
      frame[offset++] = SPACE
      offset += frame.write(stamps[index] as string, offset, 'latin1')
    }
    return sealFrame(frame)
  }

  #head(reading: Reading, index: number): Buffer {
    const cached = this.#heads.get(reading.assetId)?.get(reading.metric)
    if (cached !== undefined && isSameSeries(cached, reading)) return cached.head

    const problem = textProblem(reading)
    if (problem !== undefined) throw readingInvalid(reading, index, problem)
    if (this.#size >= MAX_SERIES) {
      this.#heads.clear()
      this.#size = 0
    }
    const { tags } = reading
    const head = Buffer.from(lineHead(reading), 'utf8')
    const series = this.#heads.get(reading.assetId) ?? new Map<string, SeriesHead>()
    this.#heads.set(reading.assetId, series)
    if (!series.has(reading.metric)) this.#size += 1
    series.set(reading.metric, { deviceId: reading.deviceId, ...tags, head })
    return head
  }
}

function isSameSeries(cached: SeriesHead, reading: Reading): boolean {
  const { tags } = reading
  if (typeof tags !== 'object' || tags === null) return false
  return cached.deviceId === reading.deviceId && cached.siteId === tags.siteId
    && cached.customerId === tags.customerId && cached.equipmentType === tags.equipmentType
}
