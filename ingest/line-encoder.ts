import type { Reading } from '../core/index.js'
import { lineHead } from './line-protocol.js'
import { NANO_DIGITS, pointNanoseconds, subMillisecondOffset } from './point-identity.js'
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
const ZERO = 0x30

/**
 * Validates readings and writes them as one spool frame of line protocol, byte for byte what
 * toLines() would give. This runs for every message before its PUBACK, so it avoids strings
 * and per-call garbage: the tag part of a line (the same for every reading of a series) is
 * built, escaped, validated and UTF-8 encoded once per series; per reading only the value
 * (the one string that must be made: JavaScript's shortest round-trip form) and the
 * timestamp are written, the timestamp's millisecond digits once per distinct millisecond
 * (a message's readings share one) and its sub-millisecond digits straight into the frame.
 */
export class LineEncoder {
  readonly #heads = new Map<string, Map<string, SeriesHead>>()
  #size = 0
  /** Scratch for one call; encodeFrame is synchronous, so calls never share it. */
  readonly #lineHeads: Buffer[] = []
  readonly #values: string[] = []
  /** The millisecond digits of the last fast-path timestamp, which the next reading often shares. */
  #lastMs = Number.NaN
  #lastMsText = ''

  /** The frame for one accept() call; throws FW_ERR_ING_READING_INVALID for a bad reading. */
  encodeFrame(readings: readonly Reading[]): Buffer {
    const count = readings.length
    const heads = this.#lineHeads
    const values = this.#values
    let length = FRAME_HEADER_BYTES + count - 1
    for (let index = 0; index < count; index++) {
      const reading = readings[index] as Reading
      const problem = numberProblem(reading)
      if (problem !== undefined) throw readingInvalid(reading, index, problem)
      const head = this.#head(reading, index)
      const value = String(reading.value)
      heads[index] = head
      values[index] = value
      length += head.length + value.length + 1 + this.#stampLength(reading)
    }

    const frame = Buffer.allocUnsafe(length)
    let offset = FRAME_HEADER_BYTES
    for (let index = 0; index < count; index++) {
      const reading = readings[index] as Reading
      if (index > 0) frame[offset++] = NEWLINE
      const head = heads[index] as Buffer
      // TypedArray set: Buffer.copy checks its arguments in JavaScript first, a cost per line here.
      frame.set(head, offset)
      offset += head.length
      offset = writeAscii(frame, values[index] as string, offset)
      frame[offset++] = SPACE
      offset = this.#writeStamp(frame, reading, offset)
    }
    heads.length = 0
    values.length = 0
    return sealFrame(frame)
  }

  /** Bytes of the reading's nanosecond timestamp; remembers its millisecond digits. */
  #stampLength(reading: Reading): number {
    const ms = Math.round(reading.time)
    if (ms === this.#lastMs) return this.#lastMsText.length + NANO_DIGITS
    if (ms > 0 && Number.isSafeInteger(ms)) {
      this.#lastMs = ms
      this.#lastMsText = String(ms)
      return this.#lastMsText.length + NANO_DIGITS
    }
    return pointNanoseconds(reading.time, reading.value).length
  }

  /** pointNanoseconds() written in place: the millisecond digits, then six offset digits. */
  #writeStamp(frame: Buffer, reading: Reading, at: number): number {
    const ms = Math.round(reading.time)
    if (!(ms > 0 && Number.isSafeInteger(ms))) {
      return writeAscii(frame, pointNanoseconds(reading.time, reading.value), at)
    }
    const msText = ms === this.#lastMs ? this.#lastMsText : String(ms)
    const end = writeAscii(frame, msText, at) + NANO_DIGITS
    let rest = subMillisecondOffset(reading.value)
    for (let digit = 1; digit <= NANO_DIGITS; digit++) {
      frame[end - digit] = ZERO + (rest % 10)
      rest = Math.floor(rest / 10)
    }
    return end
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

/** Writes ASCII text (a number's digits); a loop beats a native call for strings this short. */
function writeAscii(target: Buffer, text: string, at: number): number {
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i)
  return at + text.length
}
