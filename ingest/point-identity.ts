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

/** FNV-1a over the float's 8 bytes, folded into [0, 1e6). */
export function subMillisecondOffset(value: number): number {
  const bytes = new Uint8Array(new Float64Array([value]).buffer)
  let hash = 0x811c9dc5
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash % NANOS_PER_MS
}

/** Epoch nanoseconds of a reading, as a decimal string (beyond Number's exact range). */
export function pointNanoseconds(timeMs: number, value: number): string {
  const nanos = BigInt(Math.round(timeMs)) * BigInt(NANOS_PER_MS) + BigInt(subMillisecondOffset(value))
  return nanos.toString()
}
