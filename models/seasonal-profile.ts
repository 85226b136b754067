/**
 * The usual value of a stream for each hour of the week (168 levels), so a load that peaks every
 * afternoon, or drops every weekend, is expected rather than anomalous. Hours of the week are
 * counted in UTC: the models do not need the site's time zone, since whatever local pattern a
 * site has falls on the same UTC hours every week (a daylight-saving change moves it by one
 * hour twice a year, which the levels relearn within a few weeks).
 *
 * Each level starts as the plain mean of its readings and becomes an exponential mean once it
 * has enough of them: with 5-minute readings about 40 readings (three to four weekly visits),
 * with hourly readings three visits. Constant memory: 168 float32 levels and 168 byte counts.
 */

const HOURS_PER_WEEK = 168
/** Float32 levels, then byte counts: one each per hour of the week. */
const COUNTS_AT = HOURS_PER_WEEK * Float32Array.BYTES_PER_ELEMENT
/** Bytes a profile keeps: its levels and counts. */
export const PROFILE_BYTES = COUNTS_AT + HOURS_PER_WEEK
/** Byte order of the levels; any fixed one gives the same float32 values. */
const LITTLE_ENDIAN = true
const HOUR_MS = 3_600_000
/** 1970-01-01 was a Thursday; shifting by 4 days makes hour 0 of the week Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 4 * 24 * HOUR_MS
const WEEK_MS = HOURS_PER_WEEK * HOUR_MS
/**
 * Weight of one hour of readings in its level: 0.3, so a level mostly reflects the last three
 * weekly visits of its hour. Readings further apart than an hour count as one hour.
 */
const WEIGHT_PER_HOUR = 0.3
const MAX_COUNT = 255
/** Levels are float32; values beyond its range (about 3.4e38) are not learned. */
const MAX_LEARNED = 3e38

/** The hour of the week (0 = Monday 00:00–01:00 UTC) of an epoch-ms time. */
export function hourOfWeek(time: number): number {
  const inWeek = (((time - MONDAY_OFFSET_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS
  return Math.floor(inWeek / HOUR_MS)
}

export class SeasonalProfile {
  /** Levels and counts in one view (of the stream's state buffer): a typed array each would cost twice. */
  readonly #data: DataView

  /** `data`: PROFILE_BYTES zero bytes, e.g. part of a stream's state buffer; its own if not given. */
  constructor(data = new DataView(new ArrayBuffer(PROFILE_BYTES))) {
    this.#data = data
  }

  /** The usual value at this time; NaN when its hour of the week has no readings yet. */
  expected(time: number): number {
    const hour = hourOfWeek(time)
    const data = this.#data
    return data.getUint8(COUNTS_AT + hour) === 0 ? Number.NaN : data.getFloat32(4 * hour, LITTLE_ENDIAN)
  }

  /** Learns a reading judged normal; `stepHours` is the time since the stream's previous reading. */
  learn(time: number, value: number, stepHours: number): void {
    if (!(Math.abs(value) <= MAX_LEARNED)) return
    const hour = hourOfWeek(time)
    const data = this.#data
    const count = Math.min(data.getUint8(COUNTS_AT + hour) + 1, MAX_COUNT)
    const weight = Math.max(1 / count, WEIGHT_PER_HOUR * Math.min(Math.max(stepHours, 0), 1))
    const level = data.getFloat32(4 * hour, LITTLE_ENDIAN)
    data.setFloat32(4 * hour, count === 1 ? value : level + weight * (value - level), LITTLE_ENDIAN)
    data.setUint8(COUNTS_AT + hour, count)
  }

  /** Forgets every level, e.g. after the stream settled at a new level. */
  reset(): void {
    new Uint8Array(this.#data.buffer, this.#data.byteOffset, PROFILE_BYTES).fill(0)
  }
}
