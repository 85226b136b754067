/**
 * What makes two readings "the same point": series, millisecond and value.
 *
 * InfluxDB identifies a point by series and timestamp, so a second reading at the same
 * millisecond overwrites the first. That is right for a device resending a message (same
 * value: storing it again must not duplicate it) but wrong for a device whose clock stepped
 * back (NAB's machine_temperature file repeats an hour with different values): the earlier
 * values would silently disappear. So every point is written at nanosecond precision with an
 * offset below one millisecond derived from the value. Equal values land on the same
 * nanosecond (idempotent); different values at the same millisecond both survive. Queries
 * read at millisecond precision, where the offset vanishes. Stateless and constant work per
 * reading; two different values collide only when their 20-bit hashes match (about 1 in 10^6).
 */
const NANOS_PER_MS = 1_000_000
/** Digits of the sub-millisecond offset at the end of a timestamp. */
export const NANO_DIGITS = 6

/** One scratch buffer for every hash: the function is synchronous, so it is never shared. */
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)

/** FNV-1a over the float's 8 bytes, folded into [0, 1e6). */
export function subMillisecondOffset(value: number): number {
  scratch[0] = value
  let hash = 0x811c9dc5
  for (let i = 0; i < 8; i++) hash = Math.imul(hash ^ (scratchBytes[i] as number), 0x01000193) >>> 0
  return hash % NANOS_PER_MS
}

/**
 * Epoch nanoseconds of a reading, as a decimal string (beyond Number's exact range). After
 * 1970 the millisecond digits are followed by the six-digit offset, which is the same number
 * as BigInt arithmetic gives without its cost on the hot path.
 */
export function pointNanoseconds(timeMs: number, value: number): string {
  const ms = Math.round(timeMs)
  const offset = subMillisecondOffset(value)
  if (ms > 0 && Number.isSafeInteger(ms)) return `${ms}${String(offset).padStart(NANO_DIGITS, '0')}`
  return (BigInt(ms) * BigInt(NANOS_PER_MS) + BigInt(offset)).toString()
}

/** The millisecond a nanosecond timestamp written by pointNanoseconds belongs to. */
export function millisecondOf(nanoseconds: string): number {
  const isPlain = /^[1-9]\d{6,21}$/.test(nanoseconds)
  if (isPlain) return Number(nanoseconds.slice(0, -NANO_DIGITS))
  const nanos = BigInt(nanoseconds)
  const offset = ((nanos % BigInt(NANOS_PER_MS)) + BigInt(NANOS_PER_MS)) % BigInt(NANOS_PER_MS)
  return Number((nanos - offset) / BigInt(NANOS_PER_MS))
}
